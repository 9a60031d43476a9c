import { InputError } from '../errors.js';
import type { Message, RecordMessage } from '../protocol/messages.js';
import { parseLine } from '../protocol/parse-line.js';
import type { RecordPipeline } from '../stream/record-pipeline.js';

/** The record pipelines of the streams known so far (the router's, or a worker's copy). */
export interface PipelineLookup {
  get(stream: string): RecordPipeline | undefined;
}

/** Where a row's line came from, to run it through the stage again (one per block of lines, not per row). */
export interface LineSource {
  /** Line `index` of the source (input line `line`) through the stage again, with the pipelines as they are now. */
  again(index: number, line: number): LineItem;
}

/** A line after the line stage: what the router takes, from either reader. */
export type LineItem =
  /** A RECORD the stream's pipeline (of `version`) turned into a row. */
  | {
      kind: 'row';
      line: number;
      stream: string;
      version: number;
      /** The CSV row: text on the main thread, UTF-8 bytes from an encode worker. */
      row: string | Buffer;
      key: string | undefined;
      order: unknown;
      /** Where to run the line again when its stream changed since it was encoded. */
      source: LineSource;
      index: number;
    }
  /** A RECORD its stream's pipeline rejected. */
  | { kind: 'invalid'; line: number; message: RecordMessage; exact: boolean; error: InputError }
  /** Any other message (SCHEMA, STATE, ACTIVATE_VERSION, BATCH, a RECORD of an unknown stream). */
  | { kind: 'message'; line: number; message: Message }
  /** A blank line, or a message of an unknown type. */
  | { kind: 'skip'; line: number; ignoredType?: unknown };

/**
 * The stage every line goes through, on the main thread or in an encode worker: parse, check
 * the message, and run a RECORD through its stream's pipeline. Bad JSON and malformed messages
 * throw an InputError; a record its pipeline rejects becomes an 'invalid' item, for the router
 * to fail, skip or dead-letter.
 */
export function processLine(text: string, line: number, pipelines: PipelineLookup, receivedAt: string, source: LineSource, index: number): LineItem {
  const parsed = parseLine(text, line);
  if (parsed === undefined) return { kind: 'skip', line };
  const message = parsed.message;
  if (message === null) return { kind: 'skip', line, ignoredType: parsed.ignoredType };
  if (message.type !== 'RECORD') return { kind: 'message', line, message };
  const pipeline = pipelines.get(message.stream);
  if (!pipeline) return { kind: 'message', line, message };
  try {
    const { row, key, order } = pipeline.run(message, line, parsed.exact, parsed.mayHaveNul, receivedAt, parsed.mayHaveSurrogate);
    return { kind: 'row', line, stream: message.stream, version: pipeline.version, row, key, order, source, index };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { kind: 'invalid', line, message, exact: parsed.exact, error: e };
  }
}
