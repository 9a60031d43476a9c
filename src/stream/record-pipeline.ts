import type { ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import { stringifyExact, toPlainNumbers } from '../protocol/exact-json.js';
import type { JsonSchema, RecordMessage } from '../protocol/messages.js';
import type { ColumnSpec } from '../schema/columns.js';
import { compileMapTransform, type MapTransform } from './maps/map-transform.js';
import type { MapSpec } from './maps/stream-maps.js';
import { findLoneSurrogate, findNul, stripNul } from './nul.js';
import { recordMeta } from './record-metadata.js';
import { compileRowEncoder, propertyReader, type RowEncoder } from './row-encoder.js';
import { compileValidator, describeErrors } from './validator.js';
import { buildTranscodePlan } from './transcode/transcode-plan.js';
import { Transcoder } from './transcode/transcoder.js';
import type { RowConstants } from './transcode/csv-row.js';
import { compileBinaryRowEncoder, type BinaryRowEncoder } from './binary-row-encoder.js';
import { RowOut } from './row-out.js';

/** Where the generic path writes a binary row before it is copied out. */
const scratch = new RowOut(64 * 1024);

/** `TARGET_POSTGRES_TRANSCODER=off` sends every record through the generic path (to compare the two, or to rule the transcoder out). */
export const transcoderEnabled = (): boolean => process.env.TARGET_POSTGRES_TRANSCODER !== 'off';

/**
 * Everything a thread needs to build a stream's record pipeline: plain data, so the main thread
 * and every encode worker compile the same pipeline from it.
 */
export interface PipelineSpec {
  stream: string;
  /** Bumped whenever the main thread rebuilds the stream; encoded rows carry it. */
  version: number;
  schema: JsonSchema;
  keys: string[];
  /** The columns the row encoder writes, in COPY order, with the table's actual types. */
  columns: Array<ColumnSpec & { actualType: string }>;
  validate: boolean;
  sanitizeNul: boolean;
  /** Compute the identity of each record's key (upsert de-duplicates a batch by it). */
  keyIdentity: boolean;
  /** The bookmark property whose value orders records of one key. */
  bookmark?: string;
  /** The run's start (epoch milliseconds) as text, for _sdc_sync_started_at. */
  syncStartedAt: string;
  /** The input stream whose records this pipeline takes (differs from `stream` under a stream map's alias or __source__). */
  source: string;
  /** The stream map applied after validation (validation reads `schema`, the record as the tap sent it). */
  map?: MapSpec;
  /** Rows are binary COPY fields (a record whose values the binary encoders leave to PostgreSQL is a CSV row, marked `csv`). */
  format?: 'binary';
}

/** A record after the pipeline: its row, key identity and order value. */
export interface EncodedRecord {
  /** The CSV row (text), or a binary stream's fields (bytes). */
  row: string | Buffer;
  /** A binary stream's record sent as a CSV row. */
  csv?: boolean;
  /** Identity of the record's key (for de-duplication within a batch); undefined without keys. */
  key: string | undefined;
  /** The bookmark value that orders records of one key, if the stream has one. */
  order: unknown;
}

/**
 * The one record path, compiled once per stream schema and run for every record by whichever
 * thread reads it: NUL handling, validation, the stream map, key extraction, metadata and CSV
 * encoding. The same spec gives the same bytes on every thread.
 */
export class RecordPipeline {
  readonly stream: string;
  readonly version: number;
  readonly columns: ReadonlyArray<ColumnSpec & { actualType: string }>;
  /** The schema's validator (undefined without validation), compiled when first needed where the constructor was told `lazy`. */
  private compiled: ValidateFunction | undefined;
  private readonly encodeRow: RowEncoder;
  private readonly encodeBinary: BinaryRowEncoder | undefined;
  private readonly keyReaders: Array<(record: Record<string, unknown>) => unknown>;
  private readonly readOrder: ((record: Record<string, unknown>) => unknown) | undefined;
  private readonly map: MapTransform | undefined;
  /** The direct transcoder (record bytes to row), when the stream's schema and columns allow one; else undefined, with the reason. */
  readonly transcoder: Transcoder | undefined;
  readonly transcoderOff: string | undefined;
  private readonly constants: RowConstants;

  /**
   * `lazy`: compile the validator when a record first needs it (an encode worker, whose records
   * mostly take the transcoder; the main thread compiles at SCHEMA time, so a schema ajv cannot
   * use is reported there, and the workers only get schemas that compiled).
   */
  constructor(
    readonly spec: PipelineSpec,
    lazy = false,
  ) {
    this.stream = spec.stream;
    this.version = spec.version;
    this.columns = spec.columns;
    if (spec.validate && !lazy) this.compiled = compileValidator(spec.schema);
    this.encodeRow = compileRowEncoder(spec.columns);
    this.encodeBinary = spec.format === 'binary' ? compileBinaryRowEncoder(spec.columns) : undefined;
    this.keyReaders = spec.keys.map(propertyReader);
    this.readOrder = spec.bookmark ? propertyReader(spec.bookmark) : undefined;
    this.map = spec.map ? compileMapTransform(spec.map, spec.stream) : undefined;
    this.constants = { receivedAt: new Uint8Array(0), syncStartedAt: Buffer.from(spec.syncStartedAt, 'latin1') };
    const planned = spec.map ? { reason: 'a stream map' } : !transcoderEnabled() ? { reason: 'TARGET_POSTGRES_TRANSCODER=off' } : buildTranscodePlan(spec.schema, spec.columns, spec.keys, spec.bookmark);
    this.transcoder = 'plan' in planned ? new Transcoder(planned.plan, spec.format) : undefined;
    this.transcoderOff = 'reason' in planned ? planned.reason : undefined;
  }

  private get validator(): ValidateFunction | undefined {
    if (this.compiled === undefined && this.spec.validate) this.compiled = compileValidator(this.spec.schema);
    return this.compiled;
  }

  /** The per-row constants for the transcoder's writer, with the line's receive time. */
  rowConstants(receivedAt: Uint8Array): RowConstants {
    this.constants.receivedAt = receivedAt;
    return this.constants;
  }

  /**
   * Runs a RECORD through the pipeline; an invalid record is an InputError naming its line.
   * undefined when the stream map's filter drops the record.
   */
  run(message: RecordMessage, line: number, exact: boolean, mayHaveNul: boolean, receivedAt: string, mayHaveSurrogate = false): EncodedRecord | undefined {
    let record = message.record;
    if (mayHaveNul) this.handleNul(record, line);
    if (mayHaveSurrogate) {
      const at = findLoneSurrogate(record, '');
      if (at !== undefined) {
        throw new InputError('the value holds an unpaired UTF-16 surrogate (an escape such as \\ud83d without its pair), which is no character and which PostgreSQL cannot store', {
          line,
          stream: this.stream,
          column: at,
        });
      }
    }
    const validator = this.validator;
    if (validator && !validator(exact ? toPlainNumbers(record) : record)) {
      throw new InputError(`record does not match the stream's schema: ${describeErrors(validator)}`, { line, stream: this.stream });
    }
    if (this.map) {
      const flags = { value: exact };
      const mapped = this.map(record, line, flags);
      if (mapped === null) return undefined;
      record = mapped;
      exact = flags.value;
    }
    const key = this.keyOf(record, line);
    const order = this.readOrder?.(record);
    const meta = recordMeta(message, receivedAt, this.spec.syncStartedAt);
    if (this.encodeBinary) {
      scratch.pos = 0;
      if (this.encodeBinary(record, meta, exact, scratch)) return { row: Buffer.from(scratch.buf.subarray(0, scratch.pos)), key, order };
      return { row: this.encodeRow(record, meta, exact), csv: true, key, order };
    }
    return { row: this.encodeRow(record, meta, exact), key, order };
  }

  private handleNul(record: Record<string, unknown>, line: number): void {
    if (this.spec.sanitizeNul) {
      stripNul(record);
      return;
    }
    const at = findNul(record, '');
    if (at) {
      throw new InputError('the value contains a NUL character (\\u0000), which PostgreSQL text cannot store; set sanitize_null_text_characters to remove them', {
        line,
        stream: this.stream,
        column: at,
      });
    }
  }

  /** Checks the key properties are present; returns the key's identity when the batch dedupes by key. */
  private keyOf(record: Record<string, unknown>, line: number): string | undefined {
    const readers = this.keyReaders;
    if (readers.length === 0) return undefined;
    if (readers.length === 1) {
      const v = readers[0](record);
      if (v == null) this.missingKey(line);
      return this.spec.keyIdentity ? (typeof v === 'string' ? v : typeof v === 'object' ? stringifyExact(v) : String(v)) : undefined;
    }
    const parts = new Array<unknown>(readers.length);
    for (let i = 0; i < readers.length; i++) {
      const v = readers[i](record);
      if (v == null) this.missingKey(line);
      // an object key (a jsonb key column) is identified by its JSON text, never "[object Object]"
      parts[i] = typeof v === 'object' ? stringifyExact(v) : v;
    }
    return this.spec.keyIdentity ? JSON.stringify(parts) : undefined;
  }

  private missingKey(line: number): never {
    throw new InputError(`Record is missing one or more key_properties. Key properties: ${this.spec.keys.join(', ')}`, { line, stream: this.stream });
  }
}
