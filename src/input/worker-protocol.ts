import type { PipelineSpec } from '../stream/record-pipeline.js';

/** Messages to an encode worker. */
export type ToWorker =
  /** Build (or rebuild) an input stream's record pipelines (one per mapped stream, none when dropped). */
  | { type: 'pipelines'; source: string; specs: PipelineSpec[] }
  /** A block of whole lines to run through the line stage; `data` comes back in the result, and so does `rows` (as the result's rows) when they fit. */
  | { type: 'block'; seq: number; firstLine: number; lines: number; data: Uint8Array; rows?: ArrayBuffer; recordsOf?: RecordsOf };

/** Lines that are records of one stream, one JSON object a line (the files of a BATCH message), not Singer messages. */
export interface RecordsOf {
  stream: string;
  version?: number;
}

/** Per line of a block: what the worker did with it. */
export const LineKind = {
  /** Blank: nothing to do. */
  blank: 0,
  /** A record its stream's pipeline turned into a row, in `rows`. */
  encoded: 1,
  /** Anything else (SCHEMA, STATE, a bad line, a record it has no pipeline for, a record split into several streams): the main thread runs the line stage on it. */
  other: 2,
  /** A record every pipeline of its input stream (index in `streams`, newest pipeline version in `versions`) filtered out. */
  filtered: 3,
} as const;

export interface BlockResult {
  type: 'result';
  seq: number;
  /** The block's bytes, handed back. */
  data: Uint8Array;
  /** Byte offset of each line in `data`, and the end (lines + 1). */
  lineStart: Int32Array;
  kinds: Uint8Array;
  /** For encoded lines: index into `streams`, the pipeline version used, and the row's end offset in `rows`. */
  streamIndex: Int32Array;
  versions: Int32Array;
  rowEnd: Int32Array;
  streams: string[];
  rows: Uint8Array;
  /** For encoded lines: 1 when the row is CSV in a binary stream. */
  csvRows: Uint8Array;
  /** For encoded lines: the key identity and bookmark value (else undefined). */
  keys: Array<string | undefined>;
  orders: unknown[];
}
