import type { JsonSchema } from '../protocol/messages.js';
import type { ColumnSpec } from '../schema/columns.js';

/** What a worker needs to encode records of one stream exactly as the main thread would. */
export interface EncoderSpec {
  stream: string;
  /** Bumped whenever the main thread rebuilds the stream's sink; results carry it. */
  version: number;
  schema: JsonSchema;
  keys: string[];
  columns: Array<ColumnSpec & { actualType: string }>;
  validate: boolean;
  sanitizeNul: boolean;
  keyIdentity: boolean;
  bookmark?: string;
}

export type ToWorker =
  | { type: 'init'; sequenceBase: number; syncStartedAt: string }
  | { type: 'spec'; spec: EncoderSpec }
  | { type: 'forget'; stream: string }
  | { type: 'batch'; seq: number; firstLine: number; data: Uint8Array };

/** Per line of a batch: what the worker did with it. */
export const LineKind = {
  /** Empty line: nothing to do. */
  blank: 0,
  /** A record encoded into `rows`. */
  encoded: 1,
  /** Anything else (SCHEMA, STATE, a bad line, a record it could not encode): the main thread handles the text. */
  other: 2,
} as const;

export interface BatchResult {
  type: 'result';
  seq: number;
  /** Byte offset of each line in the batch data, and the end (length lines + 1). */
  lineStart: Int32Array;
  kinds: Uint8Array;
  /** For encoded lines: index into `streams`, the spec version used, and the row's end offset in `rows`. */
  streamIndex: Int32Array;
  versions: Int32Array;
  rowEnd: Int32Array;
  streams: string[];
  rows: Uint8Array;
  /** For encoded lines of upsert streams: the key identity and bookmark value (else undefined). */
  keys: Array<string | undefined>;
  orders: unknown[];
}
