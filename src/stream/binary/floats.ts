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
 * single rounding unless the double lands exactly on the midpoint between two floats. There,
 * when the decimal is that midpoint exactly (16777217, checked in BigInt), both round to even;
 * otherwise strtof's direction depends on digits the double lost, and the value is declined.
 */

const MIN_NORMAL64 = 2.2250738585072014e-308;
const MIN_NORMAL32 = 1.1754943508222875e-38;

/** Number(text) for a text in the accepted grammar, NaN when it is not; zero digits flag in `allZero`. */
let allZero = false;
let lastText = '';
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
  lastText = asciiString(src, start, end);
  return Number(lastText);
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

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const hiWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Whether the decimal text (in the accepted grammar) is exactly the normal double d. */
export function decimalIs(text: string, d: number): boolean {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null || (m[1] === '-') !== d < 0) return false;
  const digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '');
  const k = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  if (digits === '' || Math.abs(k) > 1000) return false;
  f64[0] = Math.abs(d);
  const hi = u32[hiWord];
  const exponent = (hi >>> 20) & 0x7ff;
  if (exponent === 0 || exponent === 0x7ff) return false;
  const mantissa = BigInt((hi & 0xfffff) + 0x100000) * 4294967296n + BigInt(u32[1 - hiWord]);
  const e = exponent - 1075; // d = mantissa * 2^e
  const a = BigInt(digits) * 10n ** BigInt(Math.max(k, 0)) * 2n ** BigInt(Math.max(-e, 0));
  const b = mantissa * 2n ** BigInt(Math.max(e, 0)) * 10n ** BigInt(Math.max(-k, 0));
  return a === b;
}

/**
 * The float strtof gives for the decimal `text` whose correctly rounded double is d (the decimal
 * being zero exactly when zeroDigits; text null: it is String(d)), or NaN to decline.
 */
export function float4Of(d: number, zeroDigits: boolean, text: string | null): number {
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
  return (af + other) / 2 !== ad || decimalIs(text ?? String(d), d) ? f : NaN;
}

export const writeFloat4: BinaryFieldWriter = (src, start, end, out, at) => {
  const f = float4Of(parseFloatText(src, start, end), allZero, lastText);
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
  const f = float4Of(v === 0 ? 0 : v, v === 0, null);
  if (f !== f) return DECLINE;
  put32(out, at, 4);
  putFloat32(out, at + 4, f);
  return at + 8;
}
