import { PLAIN, bytesEqual, scanLiteral, scanNumber, scanString, scanned, skipWs, startsWith } from '../stream/transcode/json-bytes.js';
import type { RecordEnvelope } from '../stream/transcode/csv-row.js';
import type { PipelineLookup } from './line-stage.js';
import type { RowOut } from '../stream/row-out.js';
import type { RecordsOf } from './worker-protocol.js';
import type { Transcoder } from '../stream/transcode/transcoder.js';

/** A record the transcoder wrote as a row (at out.buf[rowStart, out.pos)); the same object is reused for the next line. */
export interface FastRow {
  stream: string;
  version: number;
  key: string | undefined;
  order: unknown;
  rowStart: number;
  /** A binary stream's record written as a CSV row. */
  csv: boolean;
}

const fast: FastRow = { stream: '', version: 0, key: undefined, order: undefined, rowStart: 0, csv: false };

/**
 * Set by transcodeLine when it declines a RECORD line of a stream `pipelines` has no pipeline
 * for (the line stage would hand it on as a message): an encode worker then leaves it to the
 * main thread without parsing it. Before a stream's SCHEMA reaches the workers, every record of
 * it is such a line.
 */
export const declined = { noPipeline: false };

const name = (s: string) => new Uint8Array(Buffer.from(s));
const TYPE = name('type');
const STREAM = name('stream');
const RECORD = name('record');
const RECORD_VALUE = name('RECORD');
const TIME_EXTRACTED = name('time_extracted');
const VERSION = name('version');
const TYPE_KEY = name('"type":');
const STREAM_KEY = name('"stream":');
const RECORD_KEY = name('"record":');

/** How taps start a RECORD line, after its `{`: compact (`"type":"RECORD","stream":"`) or with json.dumps' spaces. */
const HEAD = name('"type":"RECORD","stream":"');
const HEAD_SPACED = name('"type": "RECORD", "stream": "');
const head = { start: 0, end: 0 };

/**
 * The usual head of a RECORD line at src[i] (its first key's quote), up to a stream name of
 * plain characters, in one pass: the position after the name's closing quote (its characters
 * in `head`), or -1 for any other head, which the key-by-key scan then reads.
 */
function recordHead(src: Buffer, i: number, end: number): number {
  const h = src[i + 7] === 0x20 ? HEAD_SPACED : HEAD;
  if (!startsWith(src, i, end, h)) return -1;
  let j = i + h.length;
  const s = j;
  while (PLAIN[src[j]] === 1) j++;
  if (src[j] !== 0x22 || j === s) return -1;
  head.start = s;
  head.end = j;
  return j + 1;
}

const env: RecordEnvelope = { extractedStart: -1, extractedEnd: -1, versionStart: -1, versionEnd: -1 };
let versionText = -1;
let versionDigits: Uint8Array = new Uint8Array(0);
const versionBytes = (v: number): Uint8Array => {
  if (v !== versionText) {
    versionText = v;
    versionDigits = Buffer.from(String(v), 'latin1');
  }
  return versionDigits;
};
let receivedAtText = '';
let receivedAtBytes: Uint8Array = new Uint8Array(0);

/**
 * The fast path of the line stage: a RECORD line (or a BATCH file's record line) of a stream
 * whose one pipeline has a transcoder goes from its bytes straight to a row in `out`. Undefined
 * when the line takes the generic path instead (any other message, a stream without a
 * transcoder, keys it does not know, a value it leaves to the generic path); nothing is then
 * written to `out`.
 */
export function transcodeLine(src: Buffer, start: number, end: number, pipelines: PipelineLookup, receivedAt: string, out: RowOut, recordsOf?: RecordsOf): FastRow | undefined {
  declined.noPipeline = false;
  while (end > start && (src[end - 1] === 0x0a || src[end - 1] === 0x0d)) end--;
  let i = skipWs(src, start, end);
  if (src[i] !== 0x7b) return undefined;
  env.extractedStart = env.extractedEnd = env.versionStart = env.versionEnd = -1;
  env.versionConst = undefined;
  let stream: string | undefined;
  let pipeline;
  let recordEnd = -1;
  let recordStart = -1;
  fusedAt = -1;
  if (recordsOf) {
    stream = recordsOf.stream;
    pipeline = onlyTranscoder(pipelines, stream);
    if (!pipeline) return undefined;
    recordStart = i;
    recordEnd = scanOrFuse(pipeline.transcoder!, src, i, end, start, out);
    if (recordEnd < 0 || skipWs(src, recordEnd, end) !== end) return undefined;
    // the BATCH message's version
    if (recordsOf.version !== undefined) env.versionConst = versionBytes(recordsOf.version);
  } else {
    let typed = false;
    let seen = 0;
    i = skipWs(src, i + 1, end);
    const afterHead = recordHead(src, i, end);
    if (afterHead > 0) {
      typed = true;
      seen = 3;
      stream = streamName(src, head.start, head.end);
      i = skipWs(src, afterHead, end);
      if (src[i] !== 0x2c) return undefined;
      i = skipWs(src, i + 1, end);
    }
    for (;;) {
      if (src[i] !== 0x22) return undefined;
      let ks: number;
      let ke: number;
      // the keys as taps write them (`"type":`), else any spelling JSON allows
      const quoted = src[i + 1] === 0x74 ? TYPE_KEY : src[i + 1] === 0x73 ? STREAM_KEY : src[i + 1] === 0x72 ? RECORD_KEY : undefined;
      if (quoted !== undefined && startsWith(src, i, end, quoted)) {
        ks = i + 1;
        ke = i + quoted.length - 2;
        i += quoted.length;
      } else {
        const keyEnd = scanString(src, i, end);
        if (keyEnd < 0 || scanned.escaped) return undefined;
        ks = i + 1;
        ke = keyEnd - 1;
        i = skipWs(src, keyEnd, end);
        if (src[i] !== 0x3a) return undefined;
        i++;
      }
      i = skipWs(src, i, end);
      let bit: number;
      if (bytesEqual(src, ks, ke, TYPE)) {
        bit = 1;
        const e = scanString(src, i, end);
        if (e < 0 || !bytesEqual(src, i + 1, e - 1, RECORD_VALUE)) return undefined;
        typed = true;
        i = e;
      } else if (bytesEqual(src, ks, ke, STREAM)) {
        bit = 2;
        const e = src[i] === 0x22 ? scanString(src, i, end) : -1;
        if (e < 0 || scanned.escaped) return undefined;
        stream = streamName(src, i + 1, e - 1);
        i = e;
      } else if (bytesEqual(src, ks, ke, RECORD)) {
        bit = 4;
        if (!typed || stream === undefined) return undefined;
        pipeline = onlyTranscoder(pipelines, stream);
        if (!pipeline) {
          declined.noPipeline = pipelines.get(stream) === undefined;
          return undefined;
        }
        recordStart = i;
        recordEnd = scanOrFuse(pipeline.transcoder!, src, i, end, start, out);
        if (recordEnd < 0) return undefined;
        i = recordEnd;
      } else if (bytesEqual(src, ks, ke, TIME_EXTRACTED)) {
        bit = 8;
        const e = src[i] === 0x22 ? scanString(src, i, end) : scanLiteral(src, i);
        if (e < 0 || (src[i] === 0x22 ? scanned.escaped : src[i] !== 0x6e)) return undefined;
        if (src[i] === 0x22) {
          env.extractedStart = i + 1;
          env.extractedEnd = e - 1;
        }
        i = e;
      } else if (bytesEqual(src, ks, ke, VERSION)) {
        bit = 16;
        const e = src[i] === 0x6e ? scanLiteral(src, i) : scanNumber(src, i, end);
        if (e < 0 || (src[i] !== 0x6e && !scanned.integer)) return undefined;
        if (src[i] !== 0x6e) {
          env.versionStart = i;
          env.versionEnd = e;
        }
        i = e;
      } else return undefined;
      if ((seen & bit) !== 0) return undefined;
      seen |= bit;
      i = skipWs(src, i, end);
      if (src[i] === 0x2c) i = skipWs(src, i + 1, end);
      else if (src[i] === 0x7d) break;
      else return undefined;
    }
    if (skipWs(src, i + 1, end) !== end || recordEnd < 0) return undefined;
  }
  return writeWith(pipeline!, src, start, end, receivedAt, out, stream!, recordStart);
}

/** Where the fused writer's data fields of the current line end in `out` (-1: the record was scanned, not fused). */
let fusedAt = -1;

/** The record at src[i]: through the fused writer when the stream has one and the record is one it takes, else scanned. */
function scanOrFuse(t: Transcoder, src: Buffer, i: number, end: number, lineStart: number, out: RowOut): number {
  if (t.fused !== undefined) {
    out.ensure(t.binary!.bound(end - lineStart));
    const after = t.fusedRecord(src, i, end, out.buf, out.pos);
    if (after >= 0) {
      fusedAt = t.fused.end;
      return after;
    }
  }
  return t.scanRecord(src, i, end);
}

/** Stream names seen, by a hash of their bytes (at most 256 kept), and the last one. */
const names = new Map<number, { bytes: Uint8Array; name: string }>();
let lastName: { bytes: Uint8Array; name: string } = { bytes: new Uint8Array(0), name: '' };

/**
 * The stream name src[s,e): a string seen before when the bytes are the same. One string a line
 * (and a copy of its bytes) took a tenth of a worker's time with 20 interleaved streams.
 */
function streamName(src: Buffer, s: number, e: number): string {
  if (bytesEqual(src, s, e, lastName.bytes)) return lastName.name;
  let h = 0x811c9dc5;
  for (let k = s; k < e; k++) h = Math.imul(h ^ src[k], 0x01000193);
  let known = names.get(h);
  if (known === undefined || !bytesEqual(src, s, e, known.bytes)) {
    known = { bytes: new Uint8Array(src.subarray(s, e)), name: src.toString('utf8', s, e) };
    if (names.size >= 256) names.clear();
    names.set(h, known);
  }
  lastName = known;
  return known.name;
}

function onlyTranscoder(pipelines: PipelineLookup, stream: string) {
  const list = pipelines.get(stream);
  return list && list.length === 1 && list[0].transcoder ? list[0] : undefined;
}

function writeWith(
  pipeline: NonNullable<ReturnType<typeof onlyTranscoder>>,
  src: Buffer,
  start: number,
  end: number,
  receivedAt: string,
  out: RowOut,
  stream: string,
  recordStart: number,
): FastRow | undefined {
  const t = pipeline.transcoder!;
  if (receivedAt !== receivedAtText) {
    receivedAtText = receivedAt;
    receivedAtBytes = Buffer.from(receivedAt, 'latin1');
  }
  const k = pipeline.rowConstants(receivedAtBytes);
  const rowStart = out.pos;
  let after = -1;
  if (fusedAt >= 0) {
    after = t.writeFusedMeta(src, env, k, out.buf, fusedAt);
    // a metadata value the binary writers decline: the record is scanned, and written as below
    if (after < 0 && t.scanRecord(src, recordStart, end) < 0) return undefined;
  }
  if (t.binary && after < 0) {
    out.ensure(t.binary.bound(end - start));
    after = t.writeBinary(src, env, k, out.buf, rowStart);
  }
  const csv = t.binary !== undefined && after < 0;
  if (after < 0) {
    out.ensure(t.csvBound(end - start, k));
    after = t.writeCsv(src, env, k, out.buf, rowStart);
    if (after < 0) return undefined;
  }
  out.pos = after;
  // one object for every row: callers copy what they need before the next line
  fast.stream = stream;
  fast.version = pipeline.version;
  fast.key = pipeline.spec.keyIdentity ? t.key(src) : undefined;
  fast.order = t.order(src);
  fast.rowStart = rowStart;
  fast.csv = csv;
  return fast;
}
