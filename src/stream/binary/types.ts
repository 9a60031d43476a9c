import { DECLINE, put16, put32, type BinaryFieldWriter } from './bytes.js';
import { writeDate, writeTime, writeTimestamp, writeTimestamptz, writeTimetz } from './date-time.js';
import { float4FromNumber, float8FromNumber, writeFloat4, writeFloat8 } from './floats.js';
import { intFromNumber, writeInt2, writeInt4, writeInt8 } from './integers.js';
import { numericBound, writeNumeric } from './numeric.js';
import { writeBool, writeBytea, writeJsonb, writeText, writeUuid } from './scalars.js';

/** A column (or array element) type the binary encoders support. */
export interface BinaryType {
  /** pg_type OID, written into binary arrays (array_recv checks it). */
  readonly oid: number;
  /** The field from the text PostgreSQL's input function would get. */
  readonly write: BinaryFieldWriter;
  /** The most bytes `write` writes for a text of n bytes. */
  readonly bound: (n: number) => number;
  /** The accepted text is ASCII (so a string is copied to bytes char by char); else UTF-8 (text, json). */
  readonly ascii: boolean;
  /** For UTF-8 types: a byte before the text (jsonb's version 1), or -1. */
  readonly prefix?: number;
  /**
   * The field for a finite JS number, identical to write(String(v)) whenever it does not
   * DECLINE; DECLINE here only means "take the text path".
   */
  readonly fromNumber?: (v: number, out: Uint8Array, at: number) => number;
}

const fixed = (bytes: number) => () => 4 + bytes;
const plus = (extra: number) => (n: number) => 4 + extra + n;

const groups = [0, 0, 0, 0];

/** A safe integer into numeric: its base-10000 digits, dscale 0 (what String(v) reads as). */
function numericFromNumber(v: number, out: Uint8Array, at: number): number {
  if (!Number.isSafeInteger(v)) return DECLINE;
  // base-10000 digits from the lowest (a safe integer has at most 4), trailing zero digits
  // skipped (numeric stores none); zero has none at all
  let a = Math.abs(v);
  let weight = -1;
  let ndigits = 0;
  while (a > 0) {
    const g = a % 10000;
    a = (a - g) / 10000;
    weight++;
    if (ndigits > 0 || g !== 0) groups[ndigits++] = g;
  }
  put32(out, at, 8 + 2 * ndigits);
  put16(out, at + 4, ndigits);
  put16(out, at + 6, ndigits === 0 ? 0 : weight);
  put16(out, at + 8, v < 0 ? 0x4000 : 0);
  put16(out, at + 10, 0);
  for (let k = 0; k < ndigits; k++) put16(out, at + 12 + 2 * k, groups[ndigits - 1 - k]);
  return at + 12 + 2 * ndigits;
}

const INT2: BinaryType = { oid: 21, write: writeInt2, bound: fixed(2), ascii: true, fromNumber: (v, o, a) => intFromNumber(2, v, o, a) };
const INT4: BinaryType = { oid: 23, write: writeInt4, bound: fixed(4), ascii: true, fromNumber: (v, o, a) => intFromNumber(4, v, o, a) };
const INT8: BinaryType = { oid: 20, write: writeInt8, bound: fixed(8), ascii: true, fromNumber: (v, o, a) => intFromNumber(8, v, o, a) };
const NUMERIC: BinaryType = { oid: 1700, write: writeNumeric, bound: numericBound, ascii: true, fromNumber: numericFromNumber };
const FLOAT4: BinaryType = { oid: 700, write: writeFloat4, bound: fixed(4), ascii: true, fromNumber: float4FromNumber };
const FLOAT8: BinaryType = { oid: 701, write: writeFloat8, bound: fixed(8), ascii: true, fromNumber: float8FromNumber };
const BOOL: BinaryType = { oid: 16, write: writeBool, bound: fixed(1), ascii: true };
const TEXT: BinaryType = { oid: 25, write: writeText, bound: plus(0), ascii: false };
const VARCHAR: BinaryType = { ...TEXT, oid: 1043 };
const BPCHAR: BinaryType = { ...TEXT, oid: 1042 };
const JSON_: BinaryType = { ...TEXT, oid: 114 };
const JSONB: BinaryType = { oid: 3802, write: writeJsonb, bound: plus(1), ascii: false, prefix: 1 };
const BYTEA: BinaryType = { oid: 17, write: writeBytea, bound: plus(0), ascii: true };
const UUID: BinaryType = { oid: 2950, write: writeUuid, bound: fixed(16), ascii: true };
const DATE: BinaryType = { oid: 1082, write: writeDate, bound: fixed(4), ascii: true };
const TIME: BinaryType = { oid: 1083, write: writeTime, bound: fixed(8), ascii: true };
const TIMETZ: BinaryType = { oid: 1266, write: writeTimetz, bound: fixed(12), ascii: true };
const TIMESTAMP: BinaryType = { oid: 1114, write: writeTimestamp, bound: fixed(8), ascii: true };
const TIMESTAMPTZ: BinaryType = { oid: 1184, write: writeTimestamptz, bound: fixed(8), ascii: true };

const BY_NAME = new Map<string, BinaryType>([
  ['smallint', INT2],
  ['int2', INT2],
  ['integer', INT4],
  ['int', INT4],
  ['int4', INT4],
  ['bigint', INT8],
  ['int8', INT8],
  ['numeric', NUMERIC],
  ['decimal', NUMERIC],
  ['real', FLOAT4],
  ['float4', FLOAT4],
  ['double precision', FLOAT8],
  ['float8', FLOAT8],
  ['boolean', BOOL],
  ['bool', BOOL],
  ['text', TEXT],
  ['character varying', VARCHAR],
  ['varchar', VARCHAR],
  ['character', BPCHAR],
  ['char', BPCHAR],
  ['bpchar', BPCHAR],
  ['json', JSON_],
  ['jsonb', JSONB],
  ['bytea', BYTEA],
  ['uuid', UUID],
  ['date', DATE],
  ['time', TIME],
  ['time without time zone', TIME],
  ['timetz', TIMETZ],
  ['time with time zone', TIMETZ],
  ['timestamp', TIMESTAMP],
  ['timestamp without time zone', TIMESTAMP],
  ['timestamptz', TIMESTAMPTZ],
  ['timestamp with time zone', TIMESTAMPTZ],
]);

/** Types whose typmod PostgreSQL's receive function applies exactly as the input function does. */
const TYPMOD_OK = new Set<BinaryType>([NUMERIC, VARCHAR, BPCHAR, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ]);

/**
 * A scalar type name as format_type or a DDL alias spells it, with an optional typmod:
 * `numeric(10,2)`, `character varying(20)`, `timestamp(3) with time zone`, `time(0)`.
 */
const NAME = /^([a-z0-9 ]+?)(?:\s*\(\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?\))?( with(?:out)? time zone)?$/;

/** The binary type of a scalar type name (no `[]`), or null when it has no binary writer. */
export function scalarBinaryType(pgType: string): BinaryType | null {
  const t = pgType.toLowerCase().trim().replace(/\s+/g, ' ');
  const m = NAME.exec(t);
  if (m === null) return null;
  const [, base, mod, , zone] = m;
  const name = zone === undefined ? base : `${base}${zone}`;
  const type = BY_NAME.get(name);
  if (type === undefined) return null;
  if (zone !== undefined && base !== 'time' && base !== 'timestamp') return null;
  if (mod !== undefined && !TYPMOD_OK.has(type)) return null;
  return type;
}

/** The element type of a one-dimensional array type name (`bigint[]`), or null. */
export function arrayElementType(pgType: string): BinaryType | null {
  const t = pgType.trim();
  if (!t.endsWith('[]')) return null;
  const element = t.slice(0, -2);
  return element.trimEnd().endsWith('[]') ? null : scalarBinaryType(element);
}
