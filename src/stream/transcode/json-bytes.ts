/**
 * Scanning JSON text as UTF-8 bytes, for the transcoder: each function takes the bytes and a
 * position and returns the position after the token, or -1 when the token is one the
 * transcoder leaves to the generic path (bad JSON, a NUL or unpaired surrogate escape, a
 * number a double would print differently). Declining is always safe: the generic path then
 * reads the record and decides, so these functions only need to be right about what they accept.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;

/** What the last scanString / scanNumber saw (one shared object: no allocation per token). */
export const scanned = {
  /** The string had a backslash escape. */
  escaped: false,
  /** The string had a byte ≥ 0x80 (every such sequence was checked to be UTF-8). */
  high: false,
  /** The number had no fraction. */
  integer: false,
};

/** Skips JSON whitespace. */
export function skipWs(src: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = src[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x57;
  return -1;
}

/** The code unit of the \uXXXX escape whose `u` is at i, or -1. */
export function unicodeEscape(src: Uint8Array, i: number, end: number): number {
  if (i + 4 >= end) return -1;
  const a = hexValue(src[i + 1]);
  const b = hexValue(src[i + 2]);
  const c = hexValue(src[i + 3]);
  const d = hexValue(src[i + 4]);
  if ((a | b | c | d) < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

/** Bytes a string holds as they are: printable ASCII but the quote and the backslash (1 for those). */
export const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) if (c !== QUOTE && c !== BACKSLASH) PLAIN[c] = 1;

/**
 * Scans the string whose opening quote is at i; returns the position after its closing quote.
 * Declines raw control characters (bad JSON), `\u0000` (NUL handling belongs to the generic
 * path) and unpaired surrogate escapes.
 */
export function scanString(src: Uint8Array, i: number, end: number): number {
  let escaped = false;
  let high = false;
  i++;
  while (i < end) {
    const c = src[i];
    if (PLAIN[c] === 1) {
      i++;
      continue;
    }
    if (c === QUOTE) {
      scanned.escaped = escaped;
      scanned.high = high;
      return i + 1;
    }
    if (c === BACKSLASH) {
      escaped = true;
      const e = src[i + 1];
      if (e === 0x75) {
        const u = unicodeEscape(src, i + 1, end);
        if (u <= 0) return -1;
        if (u >= 0xd800 && u <= 0xdfff) {
          // a high surrogate must be followed by a low one
          if (u >= 0xdc00 || src[i + 6] !== BACKSLASH || src[i + 7] !== 0x75) return -1;
          const low = unicodeEscape(src, i + 7, end);
          if (low < 0xdc00 || low > 0xdfff) return -1;
          i += 12;
        } else i += 6;
        continue;
      }
      if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
        continue;
      }
      return -1;
    }
    if (c < 0x20) return -1;
    if (c >= 0x80) {
      const n = utf8Sequence(src, i, end);
      if (n < 0) return -1;
      high = true;
      i += n;
      continue;
    }
    i++;
  }
  return -1;
}

const cont = (c: number) => (c & 0xc0) === 0x80;

/**
 * The length of the well-formed UTF-8 sequence at src[i] (a byte ≥ 0x80), or -1: overlong
 * forms, surrogates, code points past U+10FFFF and truncated sequences are not UTF-8, and the
 * generic path reports the line.
 */
export function utf8Sequence(src: Uint8Array, i: number, end: number): number {
  const c = src[i];
  if (c < 0xc2) return -1;
  if (c < 0xe0) return i + 1 < end && cont(src[i + 1]) ? 2 : -1;
  if (i + 2 >= end) return -1;
  const c1 = src[i + 1];
  if (c < 0xf0) {
    if (c === 0xe0 ? c1 < 0xa0 || c1 > 0xbf : c === 0xed ? c1 < 0x80 || c1 > 0x9f : !cont(c1)) return -1;
    return cont(src[i + 2]) ? 3 : -1;
  }
  if (c > 0xf4 || i + 3 >= end) return -1;
  if (c === 0xf0 ? c1 < 0x90 || c1 > 0xbf : c === 0xf4 ? c1 < 0x80 || c1 > 0x8f : !cont(c1)) return -1;
  return cont(src[i + 2]) && cont(src[i + 3]) ? 4 : -1;
}

/**
 * Scans a number at i. Accepts only the form JavaScript prints a double (or our exact-number
 * parser keeps) in, digit for digit: no exponent, no trailing zero in the fraction, not -0,
 * below 1e21 and not below 1e-6 in magnitude. For those, the generic path writes exactly the
 * source text, so copying the digits is exact.
 */
export function scanNumber(src: Uint8Array, i: number, end: number): number {
  const start = i;
  if (src[i] === 0x2d) i++;
  const intStart = i;
  if (src[i] === 0x30) i++;
  else {
    if (!(src[i] >= 0x31 && src[i] <= 0x39)) return -1;
    while (i < end && src[i] >= 0x30 && src[i] <= 0x39) i++;
  }
  const intDigits = i - intStart;
  if (intDigits > 21) return -1;
  scanned.integer = true;
  if (src[i] === 0x2e) {
    i++;
    const fracStart = i;
    while (i < end && src[i] >= 0x30 && src[i] <= 0x39) i++;
    if (i === fracStart || src[i - 1] === 0x30) return -1;
    if (intDigits === 1 && src[intStart] === 0x30) {
      // 0.000000x prints as 7e-7
      let zeros = 0;
      while (src[fracStart + zeros] === 0x30) zeros++;
      if (zeros >= 6) return -1;
    }
    scanned.integer = false;
  } else if (intDigits === 1 && src[intStart] === 0x30 && intStart > start) return -1; // -0
  const c = src[i];
  if (c === 0x65 || c === 0x45 || (c >= 0x30 && c <= 0x39)) return -1;
  return i;
}

/** Scans `true`, `false` or `null` at i (whichever the first byte names); -1 otherwise. */
export function scanLiteral(src: Uint8Array, i: number): number {
  const c = src[i];
  if (c === 0x74) return src[i + 1] === 0x72 && src[i + 2] === 0x75 && src[i + 3] === 0x65 ? i + 4 : -1;
  if (c === 0x66) return src[i + 1] === 0x61 && src[i + 2] === 0x6c && src[i + 3] === 0x73 && src[i + 4] === 0x65 ? i + 5 : -1;
  if (c === 0x6e) return src[i + 1] === 0x75 && src[i + 2] === 0x6c && src[i + 3] === 0x6c ? i + 4 : -1;
  return -1;
}

/** True when the bytes src[start,end) equal `name`. */
export function bytesEqual(src: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (src[start + k] !== name[k]) return false;
  return true;
}

/** True when src[i, end) starts with the bytes of `prefix`. */
export function startsWith(src: Uint8Array, i: number, end: number, prefix: Uint8Array): boolean {
  if (end - i < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (src[i + k] !== prefix[k]) return false;
  return true;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const two = (src: Uint8Array, i: number) => (src[i] - 0x30) * 10 + (src[i + 1] - 0x30);
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * stream/formats.ts's isDateTime on the characters src[s,e) (a string without escapes), without
 * making a string: the same grammar (DATE_TIME) and the same calendar and clock checks.
 */
export function isDateTimeBytes(src: Uint8Array, s: number, e: number): boolean {
  if (e - s < 16) return false;
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]) if (!isDigit(src[s + k])) return false;
  const sep = src[s + 10];
  if (src[s + 4] !== 0x2d || src[s + 7] !== 0x2d || (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) || src[s + 13] !== 0x3a) return false;
  const year = two(src, s) * 100 + two(src, s + 2);
  const month = two(src, s + 5);
  const day = two(src, s + 8);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]) return false;
  if (month === 2 && day === 29 && (year % 4 !== 0 || (year % 100 === 0 && year % 400 !== 0))) return false;
  if (two(src, s + 11) > 23 || two(src, s + 14) > 59) return false;
  let i = s + 16;
  if (i < e && src[i] === 0x3a) {
    if (i + 3 > e || !isDigit(src[i + 1]) || !isDigit(src[i + 2]) || two(src, i + 1) > 60) return false;
    i += 3;
    if (i < e && src[i] === 0x2e) {
      const start = ++i;
      while (i < e && isDigit(src[i])) i++;
      if (i === start) return false;
    }
  }
  if (i === e) return true;
  const c = src[i];
  if (c === 0x5a || c === 0x7a) return i + 1 === e;
  if (c !== 0x2b && c !== 0x2d) return false;
  if (i + 3 > e || !isDigit(src[i + 1]) || !isDigit(src[i + 2]) || two(src, i + 1) > 23) return false;
  i += 3;
  if (i === e) return true;
  if (src[i] === 0x3a) i++;
  return i + 2 === e && isDigit(src[i]) && isDigit(src[i + 1]) && two(src, i) <= 59;
}
