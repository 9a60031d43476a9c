import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { InputError } from '../errors.js';
import { inputEnd, lineTooLong, type LineReader } from '../protocol/read-lines.js';
import type { Router } from './router.js';
import { LineKind, type BatchResult, type EncoderSpec, type ToWorker } from './worker-protocol.js';

const BATCH_BYTES = 256 * 1024;

/** How many encode workers to use when the setting is left to the target. */
export function defaultWorkers(): number {
  return Math.min(4, availableParallelism());
}

/**
 * Reads the input in batches of whole lines and has worker threads parse, validate and encode
 * the records; the main thread takes their results strictly in input order and hands every
 * line the workers did not encode (SCHEMA, STATE, bad lines, streams whose schema just changed)
 * to the router as text, so behaviour is the same as reading line by line.
 */
export function readWithWorkers(input: Readable, router: Router, workers: number, maxLineBytes: number): LineReader {
  // a small young generation keeps the workers' memory down (and, as measured, their time too)
  const pool = Array.from(
    { length: workers },
    () => new Worker(new URL('./encode-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 4 } }),
  );
  const init: ToWorker = { type: 'init', ...router.sequenceInfo() };
  for (const w of pool) w.postMessage(init);
  router.onEncoderSpec = (spec: EncoderSpec | { stream: string; forget: true }) => {
    const msg: ToWorker = 'forget' in spec ? { type: 'forget', stream: spec.stream } : { type: 'spec', spec };
    for (const w of pool) w.postMessage(msg);
  };

  /** A batch of whole lines at a worker, or an input error to raise once the lines before it are handled. */
  interface Pending {
    data: Buffer;
    firstLine: number;
    result?: BatchResult;
    error?: InputError;
  }
  const queue: Pending[] = [];
  const waiting = new Map<number, Pending>();
  let nextSeq = 0;
  let nextLine = 1;
  let handled = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let ended = false;
  let stopped = false;
  let processing = false;
  let inputPaused = false;
  const end = inputEnd(input, onData, () => {
    router.onEncoderSpec = undefined;
    for (const w of pool) void w.terminate();
  });
  const { done, finish } = end;

  for (const w of pool) {
    w.on('message', (r: BatchResult) => {
      const p = waiting.get(r.seq);
      if (!p) return;
      waiting.delete(r.seq);
      p.result = r;
      void drain();
    });
    w.on('error', (e) => finish(e));
  }

  /** Input ends at a line that is too long: the lines before it are still handled first. */
  const tooLong = (line: number, head: Buffer) => {
    stopped = true;
    parts = [];
    partBytes = 0;
    queue.push({ data: Buffer.alloc(0), firstLine: line, error: lineTooLong(maxLineBytes, line, head) });
    void drain();
  };

  /** Sends whole lines to a worker (round robin); a line over the limit ends the input there. */
  const send = (data: Buffer) => {
    let lines = 0;
    let start = 0;
    for (let pos = data.indexOf(10); pos !== -1; pos = data.indexOf(10, pos + 1)) {
      if (pos - start > maxLineBytes) {
        if (start > 0) dispatch(data.subarray(0, start), lines);
        return tooLong(nextLine, data.subarray(start));
      }
      lines++;
      start = pos + 1;
    }
    if (start < data.length) lines++;
    dispatch(data, lines);
  };

  const dispatch = (data: Buffer, lines: number) => {
    const seq = nextSeq++;
    const pending: Pending = { data, firstLine: nextLine };
    nextLine += lines;
    queue.push(pending);
    waiting.set(seq, pending);
    const copy = new Uint8Array(data.length);
    copy.set(data);
    const msg: ToWorker = { type: 'batch', seq, firstLine: pending.firstLine, data: copy };
    pool[seq % pool.length].postMessage(msg, [copy.buffer]);
    if (queue.length >= pool.length * 3 && !inputPaused && !ended) {
      inputPaused = true;
      input.pause();
    }
  };

  /** Sends the whole lines held so far; the open last line stays. */
  const cut = () => {
    if (stopped || partBytes === 0) return;
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const at = all.lastIndexOf(10);
    if (at === -1) {
      parts = [all];
      if (all.length > maxLineBytes) tooLong(nextLine, all);
      return;
    }
    const rest = all.subarray(at + 1);
    parts = rest.length ? [Buffer.from(rest)] : [];
    partBytes = rest.length;
    send(all.subarray(0, at + 1));
    if (!stopped && rest.length > maxLineBytes) tooLong(nextLine, rest);
  };

  function onData(chunk: Buffer): void {
    if (end.isSettled() || stopped) return;
    parts.push(chunk);
    partBytes += chunk.length;
    if (chunk.lastIndexOf(10) === -1) {
      // inside one line: no copying until it ends
      if (partBytes > maxLineBytes) cut();
      return;
    }
    // while the workers are busy, let batches grow; otherwise send what is here (a slow tap's
    // lines must not wait for a full batch)
    if (partBytes >= BATCH_BYTES || queue.length < pool.length) cut();
  }

  /** Takes finished batches in order; pauses while the router waits (schema change, memory bound). */
  const drain = async (): Promise<void> => {
    if (processing || end.isSettled()) return;
    processing = true;
    try {
      while (!end.isSettled() && queue.length && (queue[0].result || queue[0].error)) {
        const p = queue.shift()!;
        if (p.error) throw p.error;
        const r = p.result!;
        const n = r.kinds.length;
        let rowStart = 0;
        for (let i = 0; i < n && !end.isSettled(); i++) {
          const kind = r.kinds[i];
          const line = p.firstLine + i;
          handled = line;
          if (kind === LineKind.blank) continue;
          let pending: void | Promise<void>;
          if (kind === LineKind.encoded) {
            const row = Buffer.from(r.rows.buffer, r.rows.byteOffset + rowStart, r.rowEnd[i] - rowStart);
            rowStart = r.rowEnd[i];
            pending = router.handleEncoded(r.streams[r.streamIndex[i]], r.versions[i], line, row, r.keys[i], r.orders[i], () => lineText(p.data, r, i));
          } else {
            pending = router.handleLine(lineText(p.data, r, i), line);
          }
          if (pending) await pending;
        }
        if (inputPaused && queue.length < pool.length * 2 && !ended) {
          inputPaused = false;
          input.resume();
        }
        if (queue.length < pool.length) cut();
      }
      if (ended && queue.length === 0 && !end.isSettled()) finish();
    } catch (e) {
      finish(e);
    } finally {
      processing = false;
    }
    if (!end.isSettled() && queue.length && (queue[0].result || queue[0].error)) void drain();
  };

  input.on('data', onData);
  input.on('end', () => {
    if (end.isSettled()) return;
    if (partBytes > 0 && !stopped) {
      const all = Buffer.concat(parts);
      parts = [];
      partBytes = 0;
      send(all);
    }
    ended = true;
    void drain();
  });
  input.on('error', (e) => finish(e));

  return {
    done,
    stop: () => finish(),
    get lineNumber() {
      return handled;
    },
  };
}

function lineText(data: Buffer, r: BatchResult, i: number): string {
  let end = r.lineStart[i + 1];
  if (end > r.lineStart[i] && data[end - 1] === 10) end--;
  return data.toString('utf8', r.lineStart[i], end);
}
