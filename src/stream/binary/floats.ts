import { DECLINE, asciiString, float32Bits, float32FromBits, put32, putFloat32, putFloat64, type BinaryFieldWriter } from './bytes.js';

/**
 * double precision and real from their text. float8in is strtod and float4in is strtof (both
 * correctly rounded in glibc and every libc PostgreSQL supports); JS Number() is correctly
 * rounded to double too. Accepted: `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?`, at most
 * 400 characters. Declined: NaN, Infinity, hex floats, spaces; results that overflow or
 * underflow (PostgreSQL refuses them) and, to leave no doubt about platform strtod/strtof,
 * subnormal results.
 *
 * real: Math.fround(Number(text)) rounds twice (decimal -> double -> float). That equals strtof's
 * single rounding unless the double lands exactly on the midpoint between two floats; such
 * values are declined.
 */

const MIN_NORMAL64 = 2.2250738585072014e-308;
const MIN_NORMAL32 = 1.1754943508222875e-38;

/** Number(text) for a text in the accepted grammar, NaN when it is not; zero digits flag in `allZero`. */
let allZero = false;
function parseFloatText(src: Uint8Array, start: number, end: number): number {
  if (end - start > 400) return NaN;
  let i = start;
  if (i < end && (src[i] === 43 || src[i] === 45)) i++;
  let digits = 0;
  let nonZero = false;
  for (; i < end && src[i] >= 48 && src[i] <= 57; i++, digits++) if (src[i] !== 48) nonZero = true;
  if (i < end && src[i] === 46) {
    for (i++; i < end && src[i] >= 48 && src[i] <= 57; i++, digits++) if (src[i] !== 48) nonZero = true;
  }
  if (digits === 0) return NaN;
  if (i < end && (src[i] === 101 || src[i] === 69)) {
    i++;
    if (i < end && (src[i] === 43 || src[i] === 45)) i++;
    const e = i;
    while (i < end && src[i] >= 48 && src[i] <= 57) i++;
    if (i === e) return NaN;
  }
  if (i !== end) return NaN;
  allZero = !nonZero;
  return Number(asciiString(src, start, end));
}

/** A double as float8in would store it from this double's text, or NaN to decline. */
function checkedDouble(d: number, zeroDigits: boolean): number {
  if (d === 0) return zeroDigits ? d : NaN;
  const a = Math.abs(d);
  return a < MIN_NORMAL64 || a === Infinity ? NaN : d;
}

export const writeFloat8: BinaryFieldWriter = (src, start, end, out, at) => {
  const d = checkedDouble(parseFloatText(src, start, end), allZero);
  if (d !== d) return DECLINE;
  put32(out, at, 8);
  putFloat64(out, at + 4, d);
  return at + 12;
};

/**
 * The float strtof gives for a decimal whose correctly rounded double is d (the decimal being
 * zero exactly when zeroDigits), or NaN to decline.
 */
export function float4Of(d: number, zeroDigits: boolean): number {
  if (d === 0) return zeroDigits ? d : NaN;
  if (d !== d) return NaN;
  const f = Math.fround(d);
  const af = Math.abs(f);
  if (af < MIN_NORMAL32 || af === Infinity) return NaN;
  if (f === d) return f;
  const ad = Math.abs(d);
  // the float on the other side of d: one step up or down in magnitude (the bits step with it)
  const bits = float32Bits(af);
  let other = float32FromBits(ad > af ? bits + 1 : bits - 1);
  if (other === Infinity) other = 340282366920938463463374607431768211456; // 2^128
  return (af + other) / 2 === ad ? NaN : f;
}

export const writeFloat4: BinaryFieldWriter = (src, start, end, out, at) => {
  const f = float4Of(parseFloatText(src, start, end), allZero);
  if (f !== f) return DECLINE;
  put32(out, at, 4);
  putFloat32(out, at + 4, f);
  return at + 8;
};

/** A JS number into double precision as its String() text would be read (-0 prints as "0"). */
export function float8FromNumber(v: number, out: Uint8Array, at: number): number {
  if (!Number.isFinite(v) || (v !== 0 && Math.abs(v) < MIN_NORMAL64)) return DECLINE;
  put32(out, at, 8);
  putFloat64(out, at + 4, v === 0 ? 0 : v);
  return at + 12;
}

/** A JS number into real as its String() text would be read: String() round-trips, so d = v. */
export function float4FromNumber(v: number, out: Uint8Array, at: number): number {
  const f = float4Of(v === 0 ? 0 : v, v === 0);
  if (f !== f) return DECLINE;
  put32(out, at, 4);
  putFloat32(out, at + 4, f);
  return at + 8;
}
