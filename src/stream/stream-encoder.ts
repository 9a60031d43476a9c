import type { ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import { toPlainNumbers } from '../protocol/exact-json.js';
import type { JsonSchema, RecordMessage } from '../protocol/messages.js';
import type { ColumnSpec } from '../schema/columns.js';
import { compileRowEncoder, propertyReader, type RecordMeta, type RowEncoder } from './row-encoder.js';
import { compileValidator, describeErrors } from './validator.js';

export interface StreamEncoderOptions {
  validate: boolean;
  sanitizeNul: boolean;
  /** Compute the identity of each record's key (upsert de-duplicates a batch by it). */
  keyIdentity: boolean;
}

export interface EncodedRecord {
  row: string;
  /** Identity of the record's key (for de-duplication within a batch); undefined without keys. */
  key: string | undefined;
}

/** Removes NUL characters from every string inside a value (in place for containers). */
export function stripNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = stripNul(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) obj[k] = stripNul(obj[k]);
    return value;
  }
  return value;
}

/** Path of the first string holding a NUL character, or undefined. */
function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = findNul(v, path ? `${path}.${k}` : k);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Per-stream record work, compiled once per schema: validation, key checks, NUL handling and
 * CSV encoding of one record into one line.
 */
export class StreamEncoder {
  private readonly validator: ValidateFunction | undefined;
  private readonly encodeRow: RowEncoder;
  private readonly keyProps: string[];
  private readonly keyReaders: Array<(record: Record<string, unknown>) => unknown>;

  constructor(
    readonly stream: string,
    schema: JsonSchema,
    keyProperties: string[],
    readonly columns: ReadonlyArray<ColumnSpec & { actualType: string }>,
    private readonly options: StreamEncoderOptions,
  ) {
    this.validator = options.validate ? compileValidator(schema) : undefined;
    this.encodeRow = compileRowEncoder(columns);
    this.keyProps = keyProperties;
    this.keyReaders = keyProperties.map(propertyReader);
  }

  encode(message: RecordMessage, line: number, meta: RecordMeta, exact: boolean, mayHaveNul: boolean): EncodedRecord {
    const record = message.record;
    if (mayHaveNul) {
      if (this.options.sanitizeNul) stripNul(record);
      else {
        const at = findNul(record, '');
        if (at) {
          throw new InputError('the value contains a NUL character (\\u0000), which PostgreSQL text cannot store; set sanitize_null_text_characters to remove them', {
            line,
            stream: this.stream,
            column: at,
          });
        }
      }
    }
    if (this.validator) {
      const ok = this.validator(exact ? toPlainNumbers(record) : record);
      if (!ok) throw new InputError(`record does not match the stream's schema: ${describeErrors(this.validator)}`, { line, stream: this.stream });
    }
    let key: string | undefined;
    const keys = this.keyProps;
    if (keys.length) {
      if (keys.length === 1) {
        const v = this.keyReaders[0](record);
        if (v == null) this.missingKey(line);
        if (this.options.keyIdentity) key = typeof v === 'string' ? v : String(v);
      } else {
        const parts = new Array<unknown>(keys.length);
        for (let i = 0; i < keys.length; i++) {
          const v = this.keyReaders[i](record);
          if (v == null) this.missingKey(line);
          parts[i] = typeof v === 'object' ? String(v) : v;
        }
        if (this.options.keyIdentity) key = JSON.stringify(parts);
      }
    }
    return { row: this.encodeRow(record, meta, exact), key };
  }

  private missingKey(line: number): never {
    throw new InputError(`Record is missing one or more key_properties. Key properties: ${this.keyProps.join(', ')}`, { line, stream: this.stream });
  }
}
