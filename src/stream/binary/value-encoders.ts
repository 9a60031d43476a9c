import { hexToBytea, jsonText, scalarText } from '../csv.js';
import { toUtcWallClock } from '../formats.js';
import { elementKindOf, valueKindOf } from '../../schema/type-map.js';
import { ARRAY_HEAD, finishArray, writeEmptyArray } from './arrays.js';
import { DECLINE, NEED_ROOM, asciiBytes, binaryRoomNeeded, needRoom, put32, writeUtf8 } from './bytes.js';
import { arrayElementType, scalarBinaryType, type BinaryType } from './types.js';

/**
 * Encodes one JS value (what the CSV path's encoderFor gets: strings, numbers, booleans,
 * ExactNumber, objects and arrays, null/undefined for NULL) into a binary COPY field at out[at],
 * storing exactly what the CSV field would. Returns the position after the field, DECLINE (-1:
 * send the row as CSV), or NEED_ROOM (-2: out has too little room after `at`; nothing before
 * `at` was touched; give it at least binaryRoomNeeded() free bytes after `at` and call again —
 * each retry that still gets NEED_ROOM asks for more, so growing to what it asks ends).
 */
export type BinaryValueEncoder = (value: unknown, exact: boolean, out: Uint8Array, at: number) => number;

/** The field for the text s, as the type's writer would write it from s's UTF-8 bytes. */
function fromString(t: BinaryType, s: string, out: Uint8Array, at: number): number {
  const room = out.length - at;
  if (t.ascii) {
    const need = t.bound(s.length);
    if (room < need) return needRoom(need);
    const bytes = asciiBytes(s);
    return bytes === null ? DECLINE : t.write(bytes, 0, s.length, out, at);
  }
  if (s.indexOf('\u0000') !== -1) return DECLINE;
  const pre = t.prefix === undefined ? 0 : 1;
  if (room < 4 + pre) return needRoom(4 + pre + 3 * s.length);
  const n = writeUtf8(s, out, at + 4 + pre, room - 4 - pre);
  if (n < 0) return needRoom(4 + pre + 3 * s.length);
  if (pre) out[at + 4] = t.prefix!;
  put32(out, at, n + pre);
  return at + 4 + pre + n;
}

/** scalarText(v) into the type: a finite number straight from its bits when the type can. */
function fromScalar(t: BinaryType, v: unknown, exact: boolean, out: Uint8Array, at: number): number {
  if (typeof v === 'number' && t.fromNumber !== undefined && v - v === 0) {
    if (out.length - at < 32) return needRoom(32);
    const r = t.fromNumber(v, out, at);
    if (r !== DECLINE) return r;
  }
  return fromString(t, typeof v === 'string' ? v : scalarText(v, exact), out, at);
}

function nullField(out: Uint8Array, at: number): number {
  if (out.length - at < 4) return needRoom(4);
  put32(out, at, -1);
  return at + 4;
}

const declineAll: BinaryValueEncoder = (v, _x, out, at) => (v == null ? nullField(out, at) : DECLINE);

/** One-dimensional array field of the elements (a bare scalar is a one-element array). */
function arrayEncoder(t: BinaryType, booleanElements: boolean): BinaryValueEncoder {
  return (v, exact, out, at) => {
    if (v == null) return nullField(out, at);
    const items = Array.isArray(v) ? v : [v];
    if (items.length === 0) return out.length - at < 16 ? needRoom(16) : writeEmptyArray(out, at, t.oid);
    if (out.length - at < ARRAY_HEAD) return needRoom(ARRAY_HEAD + 4 * items.length);
    let p = at + ARRAY_HEAD;
    let hasNull = false;
    for (let i = 0; i < items.length; i++) {
      const el: unknown = items[i];
      let r: number;
      if (el == null) {
        r = nullField(out, p);
        hasNull = true;
      } else if (booleanElements && typeof el === 'boolean') r = fromString(t, el ? 't' : 'f', out, p);
      else r = fromScalar(t, el, exact, out, p);
      if (r === NEED_ROOM) return needRoom(Math.max(2 * (out.length - at), p - at + binaryRoomNeeded()));
      if (r < 0) return DECLINE;
      p = r;
    }
    return finishArray(out, at, p, t.oid, items.length, hasNull);
  };
}

/**
 * The value encoder for a column of this type (the table's actual type), mirroring csv.ts's
 * encoderFor for the same type: the same kind (valueKindOf) decides the text, the type's writer
 * encodes it. Unsupported types get an encoder that declines every non-NULL value.
 */
export function binaryEncoderFor(pgType: string): BinaryValueEncoder {
  const kind = valueKindOf(pgType);
  if (kind === 'array') {
    const element = arrayElementType(pgType);
    return element === null ? declineAll : arrayEncoder(element, elementKindOf(pgType) === 'boolean');
  }
  const t = scalarBinaryType(pgType);
  if (t === null) return declineAll;
  switch (kind) {
    case 'boolean':
      return (v, x, out, at) => (v == null ? nullField(out, at) : v === true || v === false ? fromString(t, v ? 't' : 'f', out, at) : fromScalar(t, v, x, out, at));
    case 'json':
      return (v, x, out, at) => (v == null ? nullField(out, at) : fromString(t, jsonText(v, x), out, at));
    case 'bytea':
      return (v, x, out, at) => (v == null ? nullField(out, at) : typeof v === 'string' ? fromString(t, hexToBytea(v), out, at) : fromScalar(t, v, x, out, at));
    case 'wallclock':
      return (v, x, out, at) => (v == null ? nullField(out, at) : typeof v === 'string' ? fromString(t, toUtcWallClock(v), out, at) : fromScalar(t, v, x, out, at));
    default:
      // text, integer, number, timestamp, date, time, uuid: a string as it is, else scalarText
      return (v, x, out, at) => (v == null ? nullField(out, at) : typeof v === 'string' ? fromString(t, v, out, at) : fromScalar(t, v, x, out, at));
  }
}
