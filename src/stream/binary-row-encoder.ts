import type { RowOut } from './row-out.js';
import type { ColumnSpec, MetadataField } from '../schema/columns.js';
import { DECLINE, NEED_ROOM, binaryEncoderFor, binaryRoomNeeded, type BinaryValueEncoder } from './binary/index.js';
import { isDateTime } from './formats.js';
import { propertyReader, valueAt, type RecordMeta } from './row-encoder.js';

/** Writes a record's binary COPY fields (no field count: the stream buffer leads the tuple with it) into `out`; false when some value is left to the CSV path (nothing is then kept). */
export type BinaryRowEncoder = (record: Record<string, unknown>, meta: RecordMeta, exact: boolean, out: RowOut) => boolean;

type FieldEncoder = (record: Record<string, unknown>, meta: RecordMeta, exact: boolean, buf: Uint8Array, at: number) => number;

/** The text of a metadata column, as row-encoder.ts's metadataEncoder gives it (undefined: NULL). */
function metadataText(field: MetadataField): (record: Record<string, unknown>, meta: RecordMeta) => string | undefined {
  switch (field) {
    case '_sdc_extracted_at':
      return (_r, m) => m.extractedAt || undefined;
    case '_sdc_received_at':
      return (_r, m) => m.receivedAt;
    case '_sdc_batched_at':
      return (_r, m) => m.batchedAt;
    case '_sdc_deleted_at':
      return (r, m) => {
        const v = r._sdc_deleted_at;
        if (v == null || v === '') return undefined;
        return typeof v === 'string' && isDateTime(v) ? v : m.receivedAt;
      };
    case '_sdc_sequence':
      return (_r, m) => (m.sequence === undefined ? undefined : String(m.sequence));
    case '_sdc_table_version':
      return (_r, m) => (m.tableVersion == null ? undefined : String(m.tableVersion));
    case '_sdc_sync_started_at':
      return (_r, m) => m.syncStartedAt;
  }
}

function fieldEncoder(c: ColumnSpec & { actualType: string }): FieldEncoder {
  const enc: BinaryValueEncoder = binaryEncoderFor(c.actualType);
  if (c.metadata) {
    const text = metadataText(c.metadata);
    return (r, m, _x, buf, at) => enc(text(r, m), false, buf, at);
  }
  const path = c.path;
  if (path.length === 1) {
    const read = propertyReader(path[0]);
    return (r, _m, x, buf, at) => enc(read(r), x, buf, at);
  }
  return (r, _m, x, buf, at) => enc(valueAt(r, path), x, buf, at);
}

/**
 * Compiles, once per schema, the binary counterpart of compileRowEncoder: each column's value
 * through the binary encoder of the table's actual type, which stores what the CSV field
 * stores or declines (then the record travels as CSV).
 */
export function compileBinaryRowEncoder(columns: ReadonlyArray<ColumnSpec & { actualType: string }>): BinaryRowEncoder {
  const fields = columns.map(fieldEncoder);
  return (record, meta, exact, out) => {
    const start = out.pos;
    let at = start;
    for (let i = 0; i < fields.length; i++) {
      let r = fields[i](record, meta, exact, out.buf, at);
      while (r === NEED_ROOM) {
        out.pos = at;
        out.ensure(binaryRoomNeeded());
        out.pos = start;
        r = fields[i](record, meta, exact, out.buf, at);
      }
      if (r === DECLINE || r < 0) return false;
      at = r;
    }
    out.pos = at;
    return true;
  };
}
