import { BACKSLASH, QUOTE, unicodeEscape } from './json-bytes.js';

/** How a decoded string's quote and backslash are written. */
export const Mode = {
  /** As they are (a binary COPY text field). */
  raw: 0,
  /** Inside a quoted CSV field: `"` doubled. */
  csv: 1,
  /** An element of an array literal inside a quoted CSV field: `"` as `\""`, `\` as `\\`. */
  csvArrayElement: 2,
  /** An element of an array literal: `"` as `\"`, `\` as `\\`. */
  arrayElement: 3,
} as const;

function putSpecial(c: number, out: Uint8Array, at: number, mode: number): number {
  if (c === QUOTE) {
    if (mode === Mode.csv) out[at++] = QUOTE;
    else if (mode === Mode.csvArrayElement) {
      out[at++] = BACKSLASH;
      out[at++] = QUOTE;
    } else if (mode === Mode.arrayElement) out[at++] = BACKSLASH;
  } else if (mode >= Mode.csvArrayElement) out[at++] = BACKSLASH;
  out[at++] = c;
  return at;
}

function putCodePoint(cp: number, out: Uint8Array, at: number, mode: number): number {
  if (cp < 0x80) {
    if (cp === QUOTE || cp === BACKSLASH) return putSpecial(cp, out, at, mode);
    out[at++] = cp;
  } else if (cp < 0x800) {
    out[at++] = 0xc0 | (cp >> 6);
    out[at++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[at++] = 0xe0 | (cp >> 12);
    out[at++] = 0x80 | ((cp >> 6) & 0x3f);
    out[at++] = 0x80 | (cp & 0x3f);
  } else {
    out[at++] = 0xf0 | (cp >> 18);
    out[at++] = 0x80 | ((cp >> 12) & 0x3f);
    out[at++] = 0x80 | ((cp >> 6) & 0x3f);
    out[at++] = 0x80 | (cp & 0x3f);
  }
  return at;
}

/** What each two-character escape stands for, by the byte after the backslash (0: none, such as `u`). */
export const SIMPLE_ESCAPES = new Uint8Array(256);
for (const [e, c] of [[0x62, 0x08], [0x66, 0x0c], [0x6e, 0x0a], [0x72, 0x0d], [0x74, 0x09], [0x2f, 0x2f], [0x22, 0x22], [0x5c, 0x5c]]) SIMPLE_ESCAPES[e] = c;

/**
 * Writes the characters of the JSON string token src[s,e) (its quotes included, already checked
 * by scanString) as UTF-8 at out[at], in `mode`; returns the position after them.
 */
export function writeStringBody(src: Uint8Array, s: number, e: number, escaped: boolean, out: Uint8Array, at: number, mode: number): number {
  const last = e - 1;
  if (!escaped) {
    const n = last - s - 1;
    if (n > 32) {
      out.set(src.subarray(s + 1, last), at);
      return at + n;
    }
    for (let i = s + 1; i < last; i++) out[at++] = src[i];
    return at;
  }
  let i = s + 1;
  while (i < last) {
    const c = src[i];
    if (c !== BACKSLASH) {
      out[at++] = c;
      i++;
      continue;
    }
    const x = src[i + 1];
    if (x === 0x75) {
      let cp = unicodeEscape(src, i + 1, e);
      i += 6;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (unicodeEscape(src, i + 1, e) - 0xdc00);
        i += 6;
      }
      at = putCodePoint(cp, out, at, mode);
      continue;
    }
    const v = SIMPLE_ESCAPES[x];
    at = v === QUOTE || v === BACKSLASH ? putSpecial(v, out, at, mode) : ((out[at++] = v), at);
    i += 2;
  }
  return at;
}

/** Copies the JSON text src[s,e) into a quoted CSV field's body (`"` doubled). */
export function writeJsonCsv(src: Uint8Array, s: number, e: number, out: Uint8Array, at: number): number {
  for (let i = s; i < e; i++) {
    const c = src[i];
    if (c === QUOTE) out[at++] = QUOTE;
    out[at++] = c;
  }
  return at;
}
