import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { RecordPipeline } from '../stream/record-pipeline.js';
import { lineStarts, lineText } from './line-cutter.js';
import { declined, transcodeLine } from './fast-record.js';
import { RowOut } from '../stream/row-out.js';
import { processLine, type LineItem, type LineSource } from './line-stage.js';
import { LineKind, type BlockResult, type RecordsOf, type ToWorker } from './worker-protocol.js';

/**
 * An encode worker: runs blocks of lines through the same line stage and record pipelines as
 * the main thread. It keeps only rows; every other line (and any line whose stage throws) goes
 * back to the main thread as text, which runs it through the stage again and so reports it
 * exactly as without workers.
 */
const pipelines = new Map<string, RecordPipeline[]>();
/** The pipelines a worker runs itself: a record split into several streams goes to the main thread whole. */
const lookup = {
  get(stream: string): readonly RecordPipeline[] | undefined {
    const list = pipelines.get(stream);
    return list && list.length > 1 ? undefined : list;
  },
};
/** Rows go back as bytes; the main thread runs a line again from its own copy of the block. */
const NO_SOURCE: LineSource = {
  again: () => {
    throw new Error('internal: an encode worker does not run lines again');
  },
};
const out = new RowOut(0);

/**
 * An encode worker runs at a lower priority (nice + 10) than the rest of the process: on a busy
 * machine the main thread, which feeds COPY, and a local database's backend are the critical
 * path, and the workers are the ones with slack (upsert of 1M wide rows with 2 workers on 2
 * cores, PostgreSQL on the same machine: 5-8% faster). Linux only; elsewhere, or when not
 * allowed, the worker keeps the process's priority.
 */
function yieldToTheCriticalPath(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority(tid) + 10));
  } catch {
    // no /proc/thread-self, or setpriority refused
  }
}
yieldToTheCriticalPath();

function runBlock(seq: number, firstLine: number, lines: number, data: Uint8Array, recordsOf: RecordsOf | undefined, into: ArrayBuffer | undefined): BlockResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // the per-line results share one buffer: one transfer instead of six (each transferred buffer
  // is a new ArrayBuffer for the main thread to account for and collect)
  const meta = new ArrayBuffer(4 * (4 * lines + 1) + 2 * lines);
  const lineStart = lineStarts(buf, lines, new Int32Array(meta, 0, lines + 1));
  const streamIndex = new Int32Array(meta, 4 * (lines + 1), lines);
  const versions = new Int32Array(meta, 4 * (2 * lines + 1), lines);
  const rowEnd = new Int32Array(meta, 4 * (3 * lines + 1), lines);
  const kinds = new Uint8Array(meta, 4 * (4 * lines + 1), lines);
  const csvRows = new Uint8Array(meta, 4 * (4 * lines + 1) + lines, lines);
  const streams: string[] = [];
  const streamIds = new Map<string, number>();
  const keys: Array<string | undefined> = [];
  const orders: unknown[] = [];
  const receivedAt = new Date().toISOString();
  const streamId = (stream: string) => {
    let id = streamIds.get(stream);
    if (id === undefined) {
      id = streams.push(stream) - 1;
      streamIds.set(stream, id);
    }
    return id;
  };
  // rows are written straight into the buffer they go back in (a bigger one when they outgrow it)
  out.buf = Buffer.from(into ?? new ArrayBuffer(1 << 20));
  out.pos = 0;
  for (let i = 0; i < lines; i++) {
    const fast = transcodeLine(buf, lineStart[i], lineStart[i + 1], lookup, receivedAt, out, recordsOf);
    if (fast) {
      kinds[i] = LineKind.encoded;
      streamIndex[i] = streamId(fast.stream);
      versions[i] = fast.version;
      rowEnd[i] = out.pos;
      if (fast.csv) csvRows[i] = 1;
      // only defined values: arrays of undefined would be cloned element by element
      if (fast.key !== undefined) keys[i] = fast.key;
      if (fast.order !== undefined) orders[i] = fast.order;
      continue;
    }
    if (declined.noPipeline) {
      // a record of a stream this worker has no pipeline for yet: the main thread's
      kinds[i] = LineKind.other;
      continue;
    }
    let item: LineItem;
    try {
      item = processLine(lineText(buf, lineStart, i, firstLine + i), firstLine + i, lookup, receivedAt, NO_SOURCE, i, recordsOf);
    } catch {
      kinds[i] = LineKind.other;
      continue;
    }
    if (item.kind === 'skip' && item.filtered !== undefined) {
      // the main thread drops it only if the stream's pipelines are still the ones that filtered it
      kinds[i] = LineKind.filtered;
      streamIndex[i] = streamId(item.filtered);
      versions[i] = Math.max(...pipelines.get(item.filtered)!.map((p) => p.version));
      continue;
    }
    if (item.kind !== 'row') {
      kinds[i] = item.kind === 'skip' && item.ignoredType === undefined ? LineKind.blank : LineKind.other;
      continue;
    }
    const row = item.row;
    if (typeof row === 'string') {
      out.ensure(row.length * 3);
      out.pos += out.buf.write(row, out.pos, 'utf8');
    } else {
      out.ensure(row.length);
      out.pos += row.copy(out.buf, out.pos);
    }
    if (item.csv) csvRows[i] = 1;
    kinds[i] = LineKind.encoded;
    streamIndex[i] = streamId(item.stream);
    versions[i] = item.version;
    rowEnd[i] = out.pos;
    if (item.key !== undefined) keys[i] = item.key;
    if (item.order !== undefined) orders[i] = item.order;
  }
  const rows = new Uint8Array(out.buf.buffer, out.buf.byteOffset, out.pos);
  return { type: 'result', seq, data, lineStart, kinds, streamIndex, versions, rowEnd, streams, rows, csvRows, keys, orders };
}

parentPort!.on('message', (msg: ToWorker) => {
  if (msg.type === 'pipelines') {
    pipelines.set(msg.source, msg.specs.map((spec) => new RecordPipeline(spec, true)));
    return;
  }
  const r = runBlock(msg.seq, msg.firstLine, msg.lines, msg.data, msg.recordsOf, msg.rows);
  const transfer = [r.data.buffer, r.lineStart.buffer, r.rows.buffer] as ArrayBuffer[];
  parentPort!.postMessage(r, transfer);
});
