import type { ColumnSpec } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import { compileRowEncoder, type RecordMeta, type RowEncoder } from '../stream/row-encoder.js';

/** Table, in each target schema, that keeps records the target rejected (on_invalid_record: dead_letter). */
export const DEAD_LETTER_TABLE = '_sdc_rejected_records';

export const DEAD_LETTER_COLUMNS: ColumnSpec[] = [
  { name: 'stream', path: ['stream'], pgType: 'text' },
  { name: 'line', path: ['line'], pgType: 'bigint' },
  { name: 'error', path: ['error'], pgType: 'text' },
  { name: 'record', path: ['record'], pgType: 'jsonb' },
  { name: '_sdc_received_at', path: [], metadata: '_sdc_received_at', pgType: 'timestamptz' },
];

export function deadLetterTable(schema: string): TableName {
  return { schema, table: DEAD_LETTER_TABLE };
}

/** Encodes one rejected record as a CSV row of the dead-letter table. */
export function deadLetterEncoder(actualTypes: Map<string, string>): RowEncoder {
  return compileRowEncoder(DEAD_LETTER_COLUMNS.map((c) => ({ ...c, actualType: actualTypes.get(c.name) ?? c.pgType })));
}

export function deadLetterRow(encode: RowEncoder, stream: string, line: number, error: string, record: unknown, meta: RecordMeta, exact: boolean): string {
  return encode({ stream, line, error, record }, meta, exact);
}
