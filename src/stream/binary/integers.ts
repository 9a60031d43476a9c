import { DECLINE, put16, put32, putInt64, type BinaryFieldWriter } from './bytes.js';

/**
 * smallint, integer and bigint from their text. Accepted: `[+-]?[0-9]+` (leading zeros too),
 * which int2in/int4in/int8in read the same way in every PostgreSQL version. Declined: spaces,
 * underscores and 0x/0o/0b prefixes (PostgreSQL 16+ only), anything else, and values out of
 * the type's range (PostgreSQL refuses them).
 */

const TWO32 = 4294967296;

/** Sign and position of the first significant digit, or -1 when the text is not `[+-]?\d+`. */
function digitsStart(src: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i < end && (src[i] === 45 || src[i] === 43)) i++;
  if (i === end) return -1;
  for (let j = i; j < end; j++) {
    const c = src[j] - 48;
    if (c < 0 || c > 9) return -1;
  }
  while (i < end - 1 && src[i] === 48) i++;
  return i;
}

/** int2/int4 from text: at most 10 significant digits are exact in a double. */
function smallInt(bytes: 2 | 4, min: number, max: number): BinaryFieldWriter {
  return (src, start, end, out, at) => {
    const i = digitsStart(src, start, end);
    if (i < 0 || end - i > 10) return DECLINE;
    let v = 0;
    for (let j = i; j < end; j++) v = v * 10 + (src[j] - 48);
    if (src[start] === 45) v = -v;
    if (v < min || v > max) return DECLINE;
    put32(out, at, bytes);
    if (bytes === 2) put16(out, at + 4, v);
    else put32(out, at + 4, v);
    return at + 4 + bytes;
  };
}

export const writeInt2 = smallInt(2, -32768, 32767);
export const writeInt4 = smallInt(4, -2147483648, 2147483647);

/** int8 from text, in two 32-bit limbs (no BigInt). */
export const writeInt8: BinaryFieldWriter = (src, start, end, out, at) => {
  const i = digitsStart(src, start, end);
  if (i < 0 || end - i > 19) return DECLINE;
  if (end - i <= 15) {
    // below 2^53: exact as a double
    let v = 0;
    for (let j = i; j < end; j++) v = v * 10 + (src[j] - 48);
    put32(out, at, 8);
    putInt64(out, at + 4, src[start] === 45 ? -v : v);
    return at + 12;
  }
  let hi = 0;
  let lo = 0;
  for (let j = i; j < end; j++) {
    lo = lo * 10 + (src[j] - 48);
    const carry = Math.floor(lo / TWO32);
    lo -= carry * TWO32;
    hi = hi * 10 + carry;
  }
  const negative = src[start] === 45;
  // at most 2^63 - 1, or 2^63 when negative
  if (hi > 0x7fffffff && !(negative && hi === 0x80000000 && lo === 0)) return DECLINE;
  if (negative && (hi !== 0 || lo !== 0)) {
    if (lo === 0) hi = TWO32 - hi;
    else {
      lo = TWO32 - lo;
      hi = TWO32 - hi - 1;
    }
  }
  put32(out, at, 8);
  put32(out, at + 4, hi);
  put32(out, at + 8, lo);
  return at + 12;
};

/**
 * A JS integer into smallint/integer/bigint, exactly as its String() text would be read, or
 * DECLINE. Only safe integers (String() gives their exact digits); others take the text path.
 */
export function intFromNumber(bytes: 2 | 4 | 8, v: number, out: Uint8Array, at: number): number {
  if (!Number.isSafeInteger(v)) return DECLINE;
  if (bytes === 2 ? v < -32768 || v > 32767 : bytes === 4 ? v < -2147483648 || v > 2147483647 : false) return DECLINE;
  put32(out, at, bytes);
  if (bytes === 2) put16(out, at + 4, v);
  else if (bytes === 4) put32(out, at + 4, v);
  else {
    const hi = Math.floor(v / TWO32);
    put32(out, at + 4, hi);
    put32(out, at + 8, v - hi * TWO32);
  }
  return at + 4 + bytes;
}
