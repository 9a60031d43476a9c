import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import type { InputError } from '../errors.js';
import { isoClock } from '../stream/record-metadata.js';
import { MAX_IN_FLIGHT, type EncodePool } from './encode-pool.js';
import { LineCutter, lineStarts, type Cut, type LineBlock } from './line-cutter.js';
import { processLineAt, type LineItem, type LineSource, type PipelineLookup } from './line-stage.js';
import { inputEnd, type InputReader, type ItemSink } from './reader.js';
import { LineKind, type BlockResult, type RecordsOf } from './worker-protocol.js';

const BLOCK_BYTES = 256 * 1024;

/** The newest pipeline version of an input stream (a rebuild of any of its pipelines changes it). */
function newestVersion(pipelines: PipelineLookup, stream: string): number {
  let v = -1;
  for (const p of pipelines.get(stream) ?? []) if (p.version > v) v = p.version;
  return v;
}

/** Lines a worker left to the main thread, from block index `from` on, worth sending to a worker again (16 or more). */
function worthSendingAgain(kinds: Uint8Array, from: number): boolean {
  let other = 0;
  for (let i = from; i < kinds.length && other < 16; i++) if (kinds[i] === LineKind.other) other++;
  return other >= 16;
}

/**
 * How many encode workers to use when the setting is left to the target: one fewer than the
 * cores, at least 1 and at most 4. The main thread reads, routes and feeds COPY (about a third
 * of the target's CPU) and needs a core of its own: on 2 cores with PostgreSQL beside it, 1
 * worker loaded 1M wide rows in 3.6 s and 2 in 4.2 s (upsert 4.7 s and 6.1 s, narrow rows 2.3
 * and 2.8 s); only 20 interleaved streams were faster with 2 (6.3 s against 6.9 s).
 */
export function defaultWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1));
}

/** A block of whole lines at a worker, or an input error to raise once the lines before it are handled. */
interface Pending {
  firstLine: number;
  /** The pool's pipeline generation when the block was sent. */
  generation: number;
  /** The reader stopped: the result is dropped when it comes. */
  cancelled?: boolean;
  result?: BlockResult;
  error?: InputError;
}

/**
 * Reads the input with encode workers: the main thread cuts lines into blocks, workers run
 * them through the line stage in parallel, and the main thread takes their items strictly in
 * input order, running the line stage itself on every line a worker did not turn into a row.
 * To its user it is the serial reader: same items, same order, same errors.
 */
export function readParallel(input: Readable, accept: ItemSink, pipelines: PipelineLookup, pool: EncodePool, maxLineBytes: number, recordsOf?: RecordsOf): InputReader {
  const cutter = new LineCutter(maxLineBytes);
  const clock = isoClock();
  const queue: Pending[] = [];
  let held: LineBlock[] = [];
  let heldBytes = 0;
  let handled = 0;
  let ranHere = 0;
  let ended = false;
  let stopped = false;
  let draining = false;
  let inputPaused = false;
  const end = inputEnd(input, onData, () => {
    pool.onError(outerOnError);
    for (const p of queue) p.cancelled = true;
  });
  const { finish } = end;
  const outerOnError = pool.onError((e) => finish(e));

  /** The `bytes` bytes of `parts` as one block, in a spare buffer. */
  const joined = (parts: readonly Uint8Array[], bytes: number): Uint8Array => {
    const data = new Uint8Array(pool.spares.take(bytes), 0, bytes);
    let at = 0;
    for (const b of parts) {
      data.set(b, at);
      at += b.length;
    }
    return data;
  };

  /** Sends `lines` whole lines, the bytes of `parts`, to a worker (round robin), as one transferred block. */
  const send = (firstLine: number, lines: number, parts: readonly Uint8Array[], bytes: number): Pending => {
    const data = joined(parts, bytes);
    const pending: Pending = { firstLine, generation: pool.generation };
    pool.submit(firstLine, lines, data, recordsOf, (r) => {
      if (pending.cancelled) return;
      pending.result = r;
      void drain();
    });
    return pending;
  };

  /** A block this thread runs itself, as if a worker had left every line of it to the main thread. */
  const runHere = (firstLine: number, lines: number, parts: readonly Uint8Array[], bytes: number): Pending => {
    const data = joined(parts, bytes);
    const lineStart = lineStarts(data, lines);
    const none = new Int32Array(lines);
    const kinds = new Uint8Array(lines).fill(LineKind.other);
    const result: BlockResult = { type: 'result', seq: -1, data, lineStart, kinds, streamIndex: none, versions: none, rowEnd: none, streams: [], rows: new Uint8Array(0), csvRows: new Uint8Array(lines), keys: [], orders: [] };
    return { firstLine, generation: pool.generation, result };
  };

  /** Sends the lines held so far to a worker (or, before any pipeline, runs them here). */
  const dispatch = () => {
    if (held.length === 0) return;
    let lines = 0;
    for (const b of held) lines += b.lines;
    const parts = held.map((b) => b.data);
    // until the first pipeline is built no worker can make a row, and the first SCHEMA should not
    // wait for a worker that may still be starting: this thread runs those lines itself
    const pending = pool.generation === 0 ? runHere(held[0].firstLine, lines, parts, heldBytes) : send(held[0].firstLine, lines, parts, heldBytes);
    queue.push(pending);
    held = [];
    heldBytes = 0;
    if (pending.result) void drain();
    if (queue.length >= Math.min(MAX_IN_FLIGHT, pool.size * 3) && !inputPaused && !ended) {
      inputPaused = true;
      input.pause();
    }
  };

  /** Holds newly cut lines; while the workers are busy blocks grow, otherwise they go at once (a slow tap's lines must not wait). */
  const take = (cut: Cut) => {
    for (const b of cut.blocks) {
      held.push(b);
      heldBytes += b.data.length;
    }
    if (cut.error) {
      stopped = true;
      dispatch();
      queue.push({ firstLine: cutter.lines + 1, generation: pool.generation, error: cut.error });
      void drain();
    } else if (heldBytes >= BLOCK_BYTES || queue.length < pool.size) dispatch();
  };

  function onData(chunk: Buffer): void {
    if (end.isSettled() || stopped) return;
    take(cutter.push(chunk));
  }

  /** Hands finished blocks' items on in order; waits while the sink waits (schema change, memory bound). */
  const drain = async (): Promise<void> => {
    if (draining || end.isSettled()) return;
    draining = true;
    try {
      while (!end.isSettled() && queue.length && (queue[0].result || queue[0].error)) {
        const p = queue.shift()!;
        if (p.error) throw p.error;
        const r = p.result!;
        const data = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
        const source: LineSource = { again: (i, line) => processLineAt(data, r.lineStart, i, line, pipelines, clock(), source, i, recordsOf) };
        let rowStart = 0;
        const rows = Buffer.from(r.rows.buffer, r.rows.byteOffset, r.rows.byteLength);
        for (let i = 0; i < r.kinds.length && !end.isSettled(); i++) {
          const line = p.firstLine + i;
          handled = line;
          const kind = r.kinds[i];
          if (kind === LineKind.blank) continue;
          if (kind === LineKind.filtered && newestVersion(pipelines, r.streams[r.streamIndex[i]]) === r.versions[i]) continue;
          let item: LineItem;
          if (kind === LineKind.encoded) {
            // consecutive rows of one stream go on as one item
            let j = i + 1;
            while (j < r.kinds.length && r.kinds[j] === LineKind.encoded && r.streamIndex[j] === r.streamIndex[i] && r.versions[j] === r.versions[i]) j++;
            if (j - i > 1) {
              item = { kind: 'rowRun', stream: r.streams[r.streamIndex[i]], version: r.versions[i], firstLine: line, count: j - i, data: rows, start: rowStart, ends: r.rowEnd, csv: r.csvRows, keys: r.keys, orders: r.orders, source, index: i };
              rowStart = r.rowEnd[j - 1];
              handled = p.firstLine + j - 1;
              i = j - 1;
            } else {
              const row = rows.subarray(rowStart, r.rowEnd[i]);
              rowStart = r.rowEnd[i];
              item = { kind: 'row', line, stream: r.streams[r.streamIndex[i]], version: r.versions[i], row, csv: r.csvRows[i] === 1, key: r.keys[i], order: r.orders[i], source, index: i };
            }
          } else if (p.generation < pool.generation && worthSendingAgain(r.kinds, i)) {
            // the worker did not know a stream of these lines yet (its SCHEMA came in this block or one
            // sent just before it): the rest of the block goes to a worker again, not through this thread
            const n = r.kinds.length;
            queue.unshift(send(line, n - i, [r.data.subarray(r.lineStart[i], r.lineStart[n])], r.lineStart[n] - r.lineStart[i]));
            handled = line - 1;
            break;
          } else {
            ranHere++;
            item = source.again(i, line);
          }
          const pending = accept(item);
          if (pending) await pending;
        }
        // every item of the block was handed on (and awaited): rows were copied, lines decoded
        pool.release(r);
        if (inputPaused && queue.length < Math.min(MAX_IN_FLIGHT - 2, pool.size * 2) && !ended) {
          inputPaused = false;
          input.resume();
        }
        if (queue.length < pool.size) dispatch();
      }
      if (ended && queue.length === 0 && !end.isSettled()) finish();
    } catch (e) {
      finish(e);
    } finally {
      draining = false;
    }
    if (!end.isSettled() && queue.length && (queue[0].result || queue[0].error)) void drain();
  };

  input.on('data', onData);
  input.on('end', () => {
    if (end.isSettled()) return;
    if (!stopped) {
      take(cutter.end());
      dispatch();
    }
    ended = true;
    void drain();
  });
  return end.reader(() => handled, () => ranHere);
}
