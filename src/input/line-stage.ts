import { InputError } from '../errors.js';
import type { Message, RecordMessage } from '../protocol/messages.js';
import { parseLine, parseRecordLine } from '../protocol/parse-line.js';
import type { RecordsOf } from './worker-protocol.js';
import { MapError } from '../stream/maps/map-transform.js';
import type { RecordPipeline } from '../stream/record-pipeline.js';
import { transcodeLine } from './fast-record.js';
import { RowOut } from '../stream/row-out.js';
import { lineText } from './line-cutter.js';

/**
 * The record pipelines of the streams known so far (the router's, or a worker's copy), by input
 * stream: one for a stream loaded as it comes, none for a stream a map drops, several for a
 * stream maps split (`__source__`).
 */
export interface PipelineLookup {
  get(stream: string): readonly RecordPipeline[] | undefined;
}

/** Where a row's line came from, to run it through the stage again (one per block of lines, not per row). */
export interface LineSource {
  /** Line `index` of the source (input line `line`) through the stage again, with the pipelines as they are now. */
  again(index: number, line: number): LineItem;
}

/** A record's row for one (mapped) stream. */
export interface RowOf {
  stream: string;
  /** The version of the stream's pipeline that encoded the row. */
  version: number;
  /** The row: CSV text, or bytes (an encode worker's, the transcoder's, a binary stream's fields). */
  row: string | Buffer;
  /** A binary stream's record that is a CSV row. */
  csv?: boolean;
  key: string | undefined;
  order: unknown;
}

/** A line after the line stage: what the router takes, from either reader. */
export type LineItem =
  /** A RECORD the stream's pipeline (of `version`) turned into a row. */
  | (RowOf & {
      kind: 'row';
      line: number;
      /** Where to run the line again when its stream changed since it was encoded. */
      source: LineSource;
      index: number;
    })
  /**
   * A RECORD stream maps turned into rows of several streams (main thread only); the streams
   * whose pipeline rejected it are in `invalid`, each to fail, skip or dead-letter on its own.
   */
  | { kind: 'rows'; line: number; rows: RowOf[]; invalid?: Array<{ stream: string; error: InputError }>; message: RecordMessage; exact: boolean; source: LineSource; index: number }
  /**
   * Consecutive RECORD lines an encode worker turned into rows of one stream (pipeline
   * `version`), handed on as one item so the main thread does no per-row routing: `count` lines
   * from firstLine, at block indexes index..; their rows lie back to back in `data` from `start`,
   * the one at block index i ending at ends[i], CSV in a binary stream when csv[i] is 1, with
   * key keys[i] and order value orders[i].
   */
  | {
      kind: 'rowRun';
      stream: string;
      version: number;
      firstLine: number;
      count: number;
      data: Buffer;
      start: number;
      ends: Int32Array;
      csv: Uint8Array;
      keys: ReadonlyArray<string | undefined>;
      orders: readonly unknown[];
      source: LineSource;
      /** The block index of the first line (for running lines again). */
      index: number;
    }
  /** A RECORD a pipeline rejected; `stream` is the (mapped) stream whose pipeline did. */
  | { kind: 'invalid'; line: number; stream: string; message: RecordMessage; exact: boolean; error: InputError }
  /** Any other message (SCHEMA, STATE, ACTIVATE_VERSION, BATCH, a RECORD of an unknown stream). */
  | { kind: 'message'; line: number; message: Message }
  /** A blank line, a message of an unknown type, or a record every stream map's filter dropped (`filtered`: its input stream). */
  | { kind: 'skip'; line: number; ignoredType?: unknown; filtered?: string };

/** What the line stage knows of a RECORD's text (see parse-line.ts). */
export interface RecordText {
  exact: boolean;
  mayHaveNul: boolean;
  mayHaveSurrogate: boolean;
}

/**
 * The stage every line goes through, on the main thread or in an encode worker: parse, check
 * the message, and run a RECORD through its stream's pipeline. Bad JSON and malformed messages
 * throw an InputError; a record its pipeline rejects becomes an 'invalid' item, for the router
 * to fail, skip or dead-letter.
 */
export function processLine(text: string, line: number, pipelines: PipelineLookup, receivedAt: string, source: LineSource, index: number, recordsOf?: RecordsOf): LineItem {
  if (recordsOf) return processRecordLine(text, line, pipelines, receivedAt, source, index, recordsOf);
  const parsed = parseLine(text, line);
  if (parsed === undefined) return { kind: 'skip', line };
  const message = parsed.message;
  if (message === null) return { kind: 'skip', line, ignoredType: parsed.ignoredType };
  if (message.type !== 'RECORD') return { kind: 'message', line, message };
  const list = pipelines.get(message.stream);
  if (!list) return { kind: 'message', line, message };
  return runRecord(message, parsed, line, list, receivedAt, source, index);
}

const scratch = new RowOut(64 * 1024);

/**
 * Line `i` of a block (offsets in `starts`) through the stage: first the transcoder's fast path
 * (record bytes straight to a row), else the generic path on the line's text. The row of the
 * fast path is a copy, as the sink may keep it.
 */
export function processLineAt(data: Buffer, starts: Int32Array, i: number, line: number, pipelines: PipelineLookup, receivedAt: string, source: LineSource, index: number, recordsOf?: RecordsOf): LineItem {
  scratch.pos = 0;
  const fast = transcodeLine(data, starts[i], starts[i + 1], pipelines, receivedAt, scratch, recordsOf);
  if (fast) {
    const row = Buffer.allocUnsafe(scratch.pos - fast.rowStart);
    scratch.buf.copy(row, 0, fast.rowStart, scratch.pos);
    return { kind: 'row', line, stream: fast.stream, version: fast.version, row, csv: fast.csv, key: fast.key, order: fast.order, source, index };
  }
  return processLine(lineText(data, starts, i, line), line, pipelines, receivedAt, source, index, recordsOf);
}

/** A line of a BATCH file: a record of `recordsOf.stream`, through the same pipelines as a RECORD message's. */
function processRecordLine(text: string, line: number, pipelines: PipelineLookup, receivedAt: string, source: LineSource, index: number, recordsOf: RecordsOf): LineItem {
  const parsed = parseRecordLine(text, line, recordsOf.stream);
  if (parsed === undefined) return { kind: 'skip', line };
  const message: RecordMessage = { type: 'RECORD', stream: recordsOf.stream, record: parsed.record };
  if (recordsOf.version !== undefined) message.version = recordsOf.version;
  const list = pipelines.get(recordsOf.stream);
  if (!list) throw new InputError('internal: a BATCH file is read for a stream without a pipeline');
  return runRecord(message, parsed, line, list, receivedAt, source, index);
}

/** A RECORD through its stream's pipelines (a filtered record becomes a skip). */
export function runRecord(message: RecordMessage, text: RecordText, line: number, list: readonly RecordPipeline[], receivedAt: string, source: LineSource, index: number): LineItem {
  if (list.length === 1) {
    // the common case, without the list of rows
    const pipeline = list[0];
    try {
      const encoded = pipeline.run(message, line, text.exact, text.mayHaveNul, receivedAt, text.mayHaveSurrogate);
      if (!encoded) return { kind: 'skip', line, filtered: message.stream };
      return { kind: 'row', line, stream: pipeline.stream, version: pipeline.version, row: encoded.row, csv: encoded.csv === true, key: encoded.key, order: encoded.order, source, index };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { kind: 'invalid', line, stream: pipeline.stream, message, exact: text.exact, error: e };
    }
  }
  const rows: RowOf[] = [];
  const invalid: Array<{ stream: string; error: InputError }> = [];
  for (const pipeline of list) {
    let encoded;
    try {
      encoded = pipeline.run(message, line, text.exact, text.mayHaveNul, receivedAt, text.mayHaveSurrogate);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // a record the schema rejects is rejected once; a map that fails rejects it for its stream only
      if (!(e instanceof MapError)) return { kind: 'invalid', line, stream: pipeline.stream, message, exact: text.exact, error: e };
      invalid.push({ stream: pipeline.stream, error: e });
      continue;
    }
    if (encoded) rows.push({ stream: pipeline.stream, version: pipeline.version, row: encoded.row, csv: encoded.csv === true, key: encoded.key, order: encoded.order });
  }
  if (invalid.length === 1 && rows.length === 0) return { kind: 'invalid', line, stream: invalid[0].stream, message, exact: text.exact, error: invalid[0].error };
  if (invalid.length === 0 && rows.length === 1) return { kind: 'row', line, ...rows[0], source, index };
  if (invalid.length === 0 && rows.length === 0) return { kind: 'skip', line, filtered: message.stream };
  return { kind: 'rows', line, rows, ...(invalid.length ? { invalid } : {}), message, exact: text.exact, source, index };
}
