import type { ColumnSpec, MetadataField } from '../schema/columns.js';
import { encoderFor, quoteCsv, type FieldEncoder } from './csv.js';
import { isDateTime } from './formats.js';

/** Per-record values of the `_sdc_*` columns. */
export interface RecordMeta {
  extractedAt: string | undefined;
  receivedAt: string;
  batchedAt: string;
  sequence: number;
  tableVersion: unknown;
  syncStartedAt: number;
}

export type RowEncoder = (record: Record<string, unknown>, meta: RecordMeta, exact: boolean) => string;

function metadataEncoder(field: MetadataField): (record: Record<string, unknown>, meta: RecordMeta) => string {
  switch (field) {
    case '_sdc_extracted_at':
      return (_r, m) => (m.extractedAt ? quoteCsv(m.extractedAt) : '');
    case '_sdc_received_at':
      return (_r, m) => m.receivedAt;
    case '_sdc_batched_at':
      return (_r, m) => m.batchedAt;
    case '_sdc_deleted_at':
      // A deletion marker that is not a timestamp still marks a deletion: it is recorded as
      // the time the record was received.
      return (r, m) => {
        const v = r._sdc_deleted_at;
        if (v == null || v === '') return '';
        return typeof v === 'string' && isDateTime(v) ? quoteCsv(v) : m.receivedAt;
      };
    case '_sdc_sequence':
      return (_r, m) => String(m.sequence);
    case '_sdc_table_version':
      return (_r, m) => (m.tableVersion == null ? '' : String(m.tableVersion));
    case '_sdc_sync_started_at':
      return (_r, m) => String(m.syncStartedAt);
  }
}

function valueAt(record: Record<string, unknown>, path: string[]): unknown {
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
 */
export function compileRowEncoder(columns: ReadonlyArray<ColumnSpec & { actualType: string }>): RowEncoder {
  type Part = (record: Record<string, unknown>, meta: RecordMeta, exact: boolean) => string;
  const parts: Part[] = columns.map((c) => {
    if (c.metadata) return metadataEncoder(c.metadata);
    const enc: FieldEncoder = encoderFor(c.actualType);
    if (c.path.length === 1) {
      const key = c.path[0];
      if (key in Object.prototype) {
        const read = propertyReader(key);
        return (r, _m, exact) => enc(read(r), exact);
      }
      return (r, _m, exact) => enc(r[key], exact);
    }
    const path = c.path;
    return (r, _m, exact) => enc(valueAt(r, path), exact);
  });
  const n = parts.length;
  return (record, meta, exact) => {
    let line = parts[0](record, meta, exact);
    for (let i = 1; i < n; i++) line += ',' + parts[i](record, meta, exact);
    return line + '\n';
  };
}
