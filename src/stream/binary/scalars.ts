import { DECLINE, put32, type BinaryFieldWriter } from './bytes.js';

/**
 * boolean: boolin's words, case-insensitive, as parse_bool_with_len matches them: any prefix of
 * true/false/yes/no, `on`, `of`/`off` (o needs two letters), `1`, `0`. Spaces declined.
 */
const WORDS = ['true', 'false', 'yes', 'no'];

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** 1 for true, 0 for false, -1 when boolin would refuse (or the text has spaces). */
export function boolOf(src: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n === 0) return -1;
  const c = lower(src[start]);
  if (n === 1 && (c === 49 || c === 48)) return c === 49 ? 1 : 0;
  let word: string;
  if (c === 111) {
    if (n < 2) return -1;
    word = lower(src[start + 1]) === 110 ? 'on' : 'off';
  } else {
    const k = c === 116 ? 0 : c === 102 ? 1 : c === 121 ? 2 : c === 110 ? 3 : -1;
    if (k < 0) return -1;
    word = WORDS[k];
  }
  if (n > word.length) return -1;
  for (let i = 1; i < n; i++) if (lower(src[start + i]) !== word.charCodeAt(i)) return -1;
  return word === 'true' || word === 'yes' || word === 'on' ? 1 : 0;
}

export const writeBool: BinaryFieldWriter = (src, start, end, out, at) => {
  const b = boolOf(src, start, end);
  if (b < 0) return DECLINE;
  put32(out, at, 1);
  out[at + 4] = b;
  return at + 5;
};

/** Hex digit values by byte, -1 for other bytes. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * uuid: string_to_uuid's forms: 32 hex digits (either case), a `-` allowed after any group of
 * four, all of it optionally in braces.
 */
export const writeUuid: BinaryFieldWriter = (src, start, end, out, at) => {
  let i = start;
  const braces = i < end && src[i] === 123;
  if (braces) i++;
  for (let k = 0; k < 16; k++) {
    if (end - i < 2) return DECLINE;
    const a = HEX[src[i]];
    const b = HEX[src[i + 1]];
    if ((a | b) < 0) return DECLINE;
    out[at + 4 + k] = (a << 4) | b;
    i += 2;
    if (i < end && src[i] === 45 && (k & 1) === 1 && k < 15) i++;
  }
  if (braces) {
    if (i === end || src[i] !== 125) return DECLINE;
    i++;
  }
  if (i !== end) return DECLINE;
  put32(out, at, 16);
  return at + 20;
};

/**
 * bytea from byteain's text: `\x` and an even number of hex digits (the CSV path's form; the
 * spaces hex_decode would skip are declined), or the escape form: bytes as they are, `\\` for a
 * backslash, `\ooo` (first digit 0-3) for a byte. Escape-form text must be ASCII (byteain sees
 * it in the server encoding, which may not be UTF-8).
 */
export const writeBytea: BinaryFieldWriter = (src, start, end, out, at) => {
  let p = at + 4;
  if (end - start >= 2 && src[start] === 92 && src[start + 1] === 120) {
    if ((end - start) % 2 === 1) return DECLINE;
    for (let i = start + 2; i < end; i += 2) {
      const a = HEX[src[i]];
      const b = HEX[src[i + 1]];
      if ((a | b) < 0) return DECLINE;
      out[p++] = (a << 4) | b;
    }
  } else {
    for (let i = start; i < end; ) {
      const c = src[i];
      if (c > 127) return DECLINE;
      if (c !== 92) {
        out[p++] = c;
        i++;
      } else if (src[i + 1] === 92 && i + 1 < end) {
        out[p++] = 92;
        i += 2;
      } else {
        const a = src[i + 1] - 48;
        const b = src[i + 2] - 48;
        const d = src[i + 3] - 48;
        if (i + 3 >= end || !(a >= 0 && a <= 3 && b >= 0 && b <= 7 && d >= 0 && d <= 7)) return DECLINE;
        out[p++] = (a << 6) | (b << 3) | d;
        i += 4;
      }
    }
  }
  put32(out, at, p - at - 4);
  return p;
};

/** The bytes as they are (text, varchar, char: their typmod is applied by the receive function as by the input function). NUL declined. */
export const writeText: BinaryFieldWriter = (src, start, end, out, at) => {
  if (end - start > 64) {
    const bytes = src.subarray(start, end);
    if (bytes.indexOf(0) !== -1) return DECLINE;
    out.set(bytes, at + 4);
  } else {
    for (let i = start; i < end; i++) {
      const c = src[i];
      if (c === 0) return DECLINE;
      out[at + 4 + i - start] = c;
    }
  }
  put32(out, at, end - start);
  return at + 4 + end - start;
};

/** jsonb: version 1, then the JSON text (jsonb_recv parses it as jsonb_in would). */
export const writeJsonb: BinaryFieldWriter = (src, start, end, out, at) => {
  const r = writeText(src, start, end, out, at + 1);
  if (r < 0) return DECLINE;
  put32(out, at, end - start + 1);
  out[at + 4] = 1;
  return r;
};
