import { parentPort } from 'node:worker_threads';
import { parseJsonLine } from '../protocol/exact-json.js';
import { StreamEncoder } from '../stream/stream-encoder.js';
import { propertyReader, type RecordMeta } from '../stream/row-encoder.js';
import { LineKind, type BatchResult, type EncoderSpec, type ToWorker } from './worker-protocol.js';

/**
 * A parse-and-encode worker. It only ever takes the fast path: a RECORD of a stream it has an
 * encoder for, valid and complete. Everything else (and anything that throws) goes back to the
 * main thread as text, which handles it exactly as it would without workers.
 */
interface Compiled {
  version: number;
  encoder: StreamEncoder;
  readOrder?: (record: Record<string, unknown>) => unknown;
}

const encoders = new Map<string, Compiled>();
let sequenceBase = 0;
let syncStartedAt = '';
let out = Buffer.allocUnsafe(1 << 20);

function compile(spec: EncoderSpec): Compiled {
  return {
    version: spec.version,
    encoder: new StreamEncoder(spec.stream, spec.schema, spec.keys, spec.columns, { validate: spec.validate, sanitizeNul: spec.sanitizeNul, keyIdentity: spec.keyIdentity }),
    readOrder: spec.bookmark ? propertyReader(spec.bookmark) : undefined,
  };
}

function encodeBatch(seq: number, firstLine: number, data: Uint8Array): BatchResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const starts: number[] = [];
  for (let pos = 0; pos < buf.length; ) {
    starts.push(pos);
    const nl = buf.indexOf(10, pos);
    pos = nl === -1 ? buf.length : nl + 1;
  }
  const n = starts.length;
  const lineStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) lineStart[i] = starts[i];
  lineStart[n] = buf.length;
  const kinds = new Uint8Array(n);
  const streamIndex = new Int32Array(n);
  const versions = new Int32Array(n);
  const rowEnd = new Int32Array(n);
  const streams: string[] = [];
  const streamIds = new Map<string, number>();
  const keys: Array<string | undefined> = [];
  const orders: unknown[] = [];
  const nowIso = new Date().toISOString();
  let pos = 0;
  for (let i = 0; i < n; i++) {
    let end = lineStart[i + 1];
    if (end > lineStart[i] && buf[end - 1] === 10) end--;
    if (end > lineStart[i] && buf[end - 1] === 13) end--;
    kinds[i] = LineKind.other;
    if (end <= lineStart[i]) {
      kinds[i] = LineKind.blank;
      continue;
    }
    try {
      const text = buf.toString('utf8', lineStart[i], end);
      const parsed = parseJsonLine(text);
      const m = parsed.value as { type?: unknown; stream?: unknown; record?: unknown; time_extracted?: string; version?: unknown };
      if (m === null || typeof m !== 'object' || m.type !== 'RECORD' || typeof m.stream !== 'string') continue;
      const c = encoders.get(m.stream);
      if (!c || m.record === null || typeof m.record !== 'object' || Array.isArray(m.record)) continue;
      const line = firstLine + i;
      const meta: RecordMeta = {
        extractedAt: m.time_extracted,
        receivedAt: nowIso,
        batchedAt: nowIso,
        sequence: sequenceBase + line,
        tableVersion: m.version,
        syncStartedAt,
      };
      const encoded = c.encoder.encode(m as never, line, meta, parsed.exact, text.includes('\\u0000'));
      const row = encoded.row;
      if (out.length - pos < row.length * 3) {
        const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, pos + row.length * 3));
        out.copy(bigger, 0, 0, pos);
        out = bigger;
      }
      pos += out.write(row, pos, 'utf8');
      let id = streamIds.get(m.stream);
      if (id === undefined) {
        id = streams.push(m.stream) - 1;
        streamIds.set(m.stream, id);
      }
      kinds[i] = LineKind.encoded;
      streamIndex[i] = id;
      versions[i] = c.version;
      rowEnd[i] = pos;
      keys[i] = encoded.key;
      orders[i] = c.readOrder?.(m.record as Record<string, unknown>);
    } catch {
      kinds[i] = LineKind.other;
    }
  }
  const rows = new Uint8Array(pos);
  rows.set(out.subarray(0, pos));
  return { type: 'result', seq, lineStart, kinds, streamIndex, versions, rowEnd, streams, rows, keys, orders };
}

parentPort!.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'init':
      sequenceBase = msg.sequenceBase;
      syncStartedAt = msg.syncStartedAt;
      break;
    case 'spec':
      encoders.set(msg.spec.stream, compile(msg.spec));
      break;
    case 'forget':
      encoders.delete(msg.stream);
      break;
    case 'batch': {
      const result = encodeBatch(msg.seq, msg.firstLine, msg.data);
      const transfer = [result.lineStart.buffer, result.kinds.buffer, result.streamIndex.buffer, result.versions.buffer, result.rowEnd.buffer, result.rows.buffer] as ArrayBuffer[];
      parentPort!.postMessage(result, transfer);
      break;
    }
  }
});
