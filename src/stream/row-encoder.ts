import type { ColumnSpec, MetadataField } from '../schema/columns.js';
import { encoderFor, quoteCsv } from './csv.js';
import { valueKindOf } from '../schema/type-map.js';
import { isDateTime } from './formats.js';

/** Per-record values of the `_sdc_*` columns. */
export interface RecordMeta {
  extractedAt: string | undefined;
  receivedAt: string;
  /** Only when the encoder is given an _sdc_batched_at column (the record pipeline stamps it in the buffer instead). */
  batchedAt?: string;
  /** Only when the encoder is given an _sdc_sequence column (likewise). */
  sequence?: number;
  tableVersion: unknown;
  /** The run's start (epoch milliseconds) as text: the same for every record. */
  syncStartedAt: string;
}

export type RowEncoder = (record: Record<string, unknown>, meta: RecordMeta, exact: boolean) => string;

function metadataEncoder(field: MetadataField): (record: Record<string, unknown>, meta: RecordMeta) => string {
  switch (field) {
    case '_sdc_extracted_at':
      return (_r, m) => (m.extractedAt ? quoteCsv(m.extractedAt) : '');
    case '_sdc_received_at':
      return (_r, m) => m.receivedAt;
    case '_sdc_batched_at':
      return (_r, m) => m.batchedAt ?? '';
    case '_sdc_deleted_at':
      // A deletion marker that is not a timestamp still marks a deletion: it is recorded as
      // the time the record was received.
      return (r, m) => {
        const v = r._sdc_deleted_at;
        if (v == null || v === '') return '';
        return typeof v === 'string' && isDateTime(v) ? quoteCsv(v) : m.receivedAt;
      };
    case '_sdc_sequence':
      return (_r, m) => (m.sequence === undefined ? '' : String(m.sequence));
    case '_sdc_table_version':
      return (_r, m) => {
        const v = m.tableVersion;
        return v == null ? '' : typeof v === 'number' ? String(v) : quoteCsv(String(v));
      };
    case '_sdc_sync_started_at':
      return (_r, m) => m.syncStartedAt;
  }
}

export function valueAt(record: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = record;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Reads a top-level property; names Object.prototype also has are read only as own properties. */
export function propertyReader(key: string): (record: Record<string, unknown>) => unknown {
  if (key in Object.prototype) return (r) => (Object.hasOwn(r, key) ? r[key] : undefined);
  return (r) => r[key];
}

/**
 * Compiles, once per schema, the function that turns a record into one CSV line for the
 * given columns (in COPY column order). Column types are the table's actual types.
 *
 * The function is generated (like pino and fast-json-stringify do) so that each column reads
 * its property directly and the common cases (a string for a text column, a finite number for
 * a numeric one) are handled inline; everything else goes to the column's field encoder.
 * Property names only ever appear in the generated code as JSON string literals.
 */
export function compileRowEncoder(columns: ReadonlyArray<ColumnSpec & { actualType: string }>): RowEncoder {
  const helpers: unknown[] = [];
  const helper = (f: unknown) => `h[${helpers.push(f) - 1}]`;
  const quote = helper(quoteCsv);
  const body: string[] = ['let v; let s = "";'];
  columns.forEach((c, i) => {
    const sep = i === 0 ? '' : 's += ",";';
    if (c.metadata) {
      const inline: Partial<Record<string, string>> = {
        _sdc_received_at: 's += m.receivedAt;',
        _sdc_sync_started_at: 's += m.syncStartedAt;',
      };
      body.push(`${sep} ${inline[c.metadata] ?? `s += ${helper(metadataEncoder(c.metadata))}(r, m);`}`);
      return;
    }
    let read: string;
    if (c.path.length === 1 && !(c.path[0] in Object.prototype)) read = `v = r[${JSON.stringify(c.path[0])}];`;
    else if (c.path.length === 1) read = `v = ${helper(propertyReader(c.path[0]))}(r);`;
    else read = `v = ${helper(valueAt)}(r, ${helper(c.path)});`;
    const enc = helper(encoderFor(c.actualType));
    const kind = valueKindOf(c.actualType);
    let fast: string;
    if (kind === 'text' || kind === 'timestamp' || kind === 'date' || kind === 'time' || kind === 'uuid') {
      fast = `if (typeof v === "string") s += v.indexOf('"') === -1 ? '"' + v + '"' : ${quote}(v); else if (v != null) s += ${enc}(v, x);`;
    } else if (kind === 'integer' || kind === 'number') {
      fast = `if (typeof v === "number" && v - v === 0) s += "" + v; else if (v != null) s += ${enc}(v, x);`;
    } else if (kind === 'boolean') {
      fast = `if (v === true) s += "t"; else if (v === false) s += "f"; else if (v != null) s += ${enc}(v, x);`;
    } else {
      fast = `if (v != null) s += ${enc}(v, x);`;
    }
    body.push(`${sep} ${read} ${fast}`);
  });
  body.push('return s + "\\n";');
  const factory = new Function('h', `return function encodeRow(r, m, x) {\n${body.join('\n')}\n};`) as (h: unknown[]) => RowEncoder;
  return factory(helpers);
}
