import { ExactNumber, stringifyExact } from '../protocol/exact-json.js';
import { elementKindOf, valueKindOf, type ValueKind } from '../schema/type-map.js';
import { toUtcWallClock } from './formats.js';

/**
 * CSV fields for COPY (FORMAT csv) with PostgreSQL's defaults: NULL is an unquoted empty field;
 * every string is quoted, so the empty string, quotes, commas, CR/LF, backslashes and a lone
 * `\.` all survive.
 */
export function quoteCsv(s: string): string {
  return s.indexOf('"') === -1 ? `"${s}"` : `"${s.replace(/"/g, '""')}"`;
}

/** Encodes one value into a CSV field; null/undefined give '' (NULL). */
export type FieldEncoder = (value: unknown, exact: boolean) => string;

/** JSON text of a value (keeping ExactNumber digits when `exact`). */
export const jsonText = (v: unknown, exact: boolean): string => (exact ? stringifyExact(v) : JSON.stringify(v));

/** The text a value is sent as to a scalar column (or an array element): strings as they are, numbers/booleans by String(), others as JSON. */
export function scalarText(v: unknown, exact: boolean): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return v instanceof ExactNumber ? v.text : jsonText(v, exact);
  }
}

const encodeText: FieldEncoder = (v, exact) => (v == null ? '' : quoteCsv(typeof v === 'string' ? v : scalarText(v, exact)));

const encodeNumber: FieldEncoder = (v, exact) => {
  if (v == null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : quoteCsv(String(v));
  return quoteCsv(scalarText(v, exact));
};

const encodeBoolean: FieldEncoder = (v, exact) => {
  if (v == null) return '';
  if (v === true) return 't';
  if (v === false) return 'f';
  return quoteCsv(scalarText(v, exact));
};

/** timestamp without time zone: an offset date-time as UTC wall-clock time. */
const encodeWallClock: FieldEncoder = (v, exact) => (typeof v === 'string' ? quoteCsv(toUtcWallClock(v)) : encodeText(v, exact));

const encodeJson: FieldEncoder = (v, exact) => (v == null ? '' : quoteCsv(jsonText(v, exact)));

/** base16 text → bytea hex input: optional 0x, case-insensitive, odd length gets a leading 0. */
export function hexToBytea(text: string): string {
  let hex = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (hex.length % 2 === 1) hex = '0' + hex;
  return '\\x' + hex.toLowerCase();
}

const encodeBytea: FieldEncoder = (v, exact) => (v == null ? '' : quoteCsv(typeof v === 'string' ? hexToBytea(v) : scalarText(v, exact)));

function arrayElement(v: unknown, kind: ValueKind, exact: boolean): string {
  if (v == null) return 'NULL';
  let s: string;
  if (kind === 'boolean' && typeof v === 'boolean') s = v ? 't' : 'f';
  else s = scalarText(v, exact);
  return s.indexOf('"') === -1 && s.indexOf('\\') === -1 ? `"${s}"` : `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** A native PostgreSQL array literal; a bare scalar becomes a one-element array. */
function arrayEncoder(elementKind: ValueKind): FieldEncoder {
  return (v, exact) => {
    if (v == null) return '';
    const items = Array.isArray(v) ? v : [v];
    let out = '{';
    for (let i = 0; i < items.length; i++) {
      if (i) out += ',';
      out += arrayElement(items[i], elementKind, exact);
    }
    return quoteCsv(out + '}');
  };
}

/** The field encoder for a column of the given PostgreSQL type. */
export function encoderFor(pgType: string): FieldEncoder {
  const kind = valueKindOf(pgType);
  switch (kind) {
    case 'integer':
    case 'number':
      return encodeNumber;
    case 'boolean':
      return encodeBoolean;
    case 'json':
      return encodeJson;
    case 'array':
      return arrayEncoder(elementKindOf(pgType));
    case 'bytea':
      return encodeBytea;
    case 'wallclock':
      return encodeWallClock;
    default:
      return encodeText;
  }
}
