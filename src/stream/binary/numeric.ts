import { DECLINE, put16, put32, type BinaryFieldWriter } from './bytes.js';

/**
 * numeric from its text, as numeric_in's set_var_from_str reads it: `[+-]?`, digits with at
 * most one `.` (at least one digit; `5.` and `.5` count), then optionally `[eE][+-]?digits`.
 * The value is sent exactly, in base-10000 digits with their weight, sign and dscale, where
 * dscale = max(0, fraction digits - exponent) like numeric_in's. numeric_recv then strips zero
 * digits and applies a column's typmod (rounding to numeric(p,s), or the overflow error) with the
 * same apply_typmod as numeric_in, so typmod'ed columns get what the text would have given.
 *
 * Declined: NaN and the infinities, spaces, underscores and 0x forms (PostgreSQL 16+), and
 * values whose weight or dscale do not fit numeric's storage (PostgreSQL refuses them):
 * |exponent| > 1e6, base-10000 weight outside int16, dscale > 16383.
 */

const NUMERIC_NEG = 0x4000;
const DSCALE_MAX = 0x3fff;

/** Upper bound of the field a numeric text of n bytes gives: header 12, 2 bytes per 4 digits. */
export function numericBound(n: number): number {
  return 12 + 2 * ((n >> 2) + 2);
}

let digits = new Uint8Array(64);

export const writeNumeric: BinaryFieldWriter = (src, start, end, out, at) => {
  let i = start;
  let negative = false;
  if (i < end && (src[i] === 43 || src[i] === 45)) negative = src[i++] === 45;
  // integer digits [intStart, intEnd), fraction digits [fracStart, fracEnd)
  const intStart = i;
  while (i < end && src[i] >= 48 && src[i] <= 57) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < end && src[i] === 46) {
    fracStart = ++i;
    while (i < end && src[i] >= 48 && src[i] <= 57) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return DECLINE;
  let exponent = 0;
  if (i < end && (src[i] === 101 || src[i] === 69)) {
    i++;
    let expNegative = false;
    if (i < end && (src[i] === 43 || src[i] === 45)) expNegative = src[i++] === 45;
    if (i === end) return DECLINE;
    for (; i < end; i++) {
      const c = src[i] - 48;
      if (c < 0 || c > 9) return DECLINE;
      exponent = exponent * 10 + c;
      if (exponent > 1e6) return DECLINE;
    }
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return DECLINE;

  const fracDigits = fracEnd - fracStart;
  const dscale = Math.max(0, fracDigits - exponent);
  if (dscale > DSCALE_MAX) return DECLINE;

  // the significant digits: the integer and fraction digits as one run, without the zeros
  // at either end; digits[first] has the decimal weight dweight (10^dweight)
  const intDigits = intEnd - intStart;
  const total = intDigits + fracDigits;
  if (digits.length < total + 8) digits = new Uint8Array(2 * total + 8);
  const d = digits;
  // 3 zeros of padding on both sides of the run, for the alignment below
  const base = 3;
  d[0] = d[1] = d[2] = 0;
  for (let k = 0; k < intDigits; k++) d[base + k] = src[intStart + k] - 48;
  for (let k = 0; k < fracDigits; k++) d[base + intDigits + k] = src[fracStart + k] - 48;
  let first = base;
  const stop = base + total;
  while (first < stop && d[first] === 0) first++;
  if (first === stop) {
    // zero: no digits, weight 0, positive (make_result does the same to "-0.00")
    put32(out, at, 8);
    put32(out, at + 4, 0);
    put16(out, at + 8, 0);
    put16(out, at + 10, dscale);
    return at + 12;
  }
  let last = stop - 1;
  while (d[last] === 0) last--;
  d[last + 1] = d[last + 2] = d[last + 3] = 0;
  const dweight = intDigits - 1 - (first - base) + exponent;
  const weight = Math.floor(dweight / 4);
  if (weight > 32767 || weight < -32768) return DECLINE;
  // decimal zeros before `first` that align it in its base-10000 digit
  const offset = (weight + 1) * 4 - (dweight + 1);
  const ndigits = Math.ceil((last - first + 1 + offset) / 4);
  put32(out, at, 8 + 2 * ndigits);
  put16(out, at + 4, ndigits);
  put16(out, at + 6, weight);
  put16(out, at + 8, negative ? NUMERIC_NEG : 0);
  put16(out, at + 10, dscale);
  let p = at + 12;
  // the zeros before `first` are padding or leading zeros of the run: both 0
  for (let k = first - offset, n = 0; n < ndigits; n++, k += 4) {
    put16(out, p, ((d[k] * 10 + d[k + 1]) * 10 + d[k + 2]) * 10 + d[k + 3]);
    p += 2;
  }
  return p;
};
