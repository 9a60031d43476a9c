/**
 * Seeded generator of RECORD lines for differential tests of the transcoder against the generic
 * path: every column type, format and string escape, values a double keeps and values it does
 * not, nulls and missing properties, keys out of order, and lines the transcoder must leave to
 * the generic path (exponents, trailing zeros, unknown properties, NUL escapes).
 */
import type { JsonSchema } from '../../src/protocol/messages.js';

export const DIFF_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: ['null', 'string'] },
    amount: { type: ['null', 'number'] },
    big: { type: ['null', 'integer'] },
    small: { type: ['null', 'integer'] },
    flag: { type: ['null', 'boolean'] },
    created_at: { type: ['null', 'string'], format: 'date-time' },
    day: { type: ['null', 'string'], format: 'date' },
    at_time: { type: ['null', 'string'], format: 'time' },
    uid: { type: ['null', 'string'], format: 'uuid' },
    address: { type: ['null', 'object'], properties: { street: { type: ['null', 'string'] }, zip: { type: ['null', 'string'] }, geo: { type: ['null', 'object'], properties: { lat: { type: ['null', 'number'] } } } } },
    tags: { type: ['null', 'array'], items: { type: ['string'] } },
    counts: { type: ['null', 'array'], items: { type: ['null', 'integer'] } },
    extra: { type: ['null', 'object'] },
    anything: {},
    mixed: { type: ['null', 'string', 'number'] },
  },
};

/** A small fast PRNG (mulberry32), so every run generates the same records. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['plain', 'comma, here', 'quote "q"', 'back\\slash', 'new\nline', 'cr\rlf\r\n', 'tab\t', '\\N', '', ' ', 'é', 'ünïcödé', '日本語', '😀', 'emoji 👍🏽 mix', '\u2028', '\b\f', '/', '{"json":1}', 'NULL', '\\.', 'a,b,"c"', '\u007f', '\u0001'];

/** JSON text of a string, sometimes with characters written as \u escapes (pairs for astral ones). */
function jsonString(s: string, r: () => number): string {
  if (r() < 0.6) return JSON.stringify(s);
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x22 || cp === 0x5c || cp < 0x20 || r() < 0.3) {
      for (let i = 0; i < ch.length; i++) out += '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const digits = (r: () => number, n: number) => {
  let s = String(1 + Math.floor(r() * 9));
  for (let i = 1; i < n; i++) s += Math.floor(r() * 10);
  return s;
};

function numberText(r: () => number, integer: boolean): string {
  const x = r();
  const sign = r() < 0.2 ? '-' : '';
  if (integer) {
    if (x < 0.1) return sign + digits(r, 17 + Math.floor(r() * 2)); // past 2^53, within bigint
    if (x < 0.15) return '0';
    return sign + digits(r, 1 + Math.floor(r() * 9));
  }
  if (x < 0.05) return sign + digits(r, 2) + '.' + digits(r, 3) + '0'; // trailing zero: generic path
  if (x < 0.08) return sign + digits(r, 1) + 'e' + Math.floor(r() * 30); // exponent: generic path
  if (x < 0.2) return sign + digits(r, 1 + Math.floor(r() * 4)) + '.' + digits(r, 14 + Math.floor(r() * 10)); // long decimals
  if (x < 0.25) return sign + '0.0000' + digits(r, 3);
  if (x < 0.3) return String(r() * 1000);
  return sign + digits(r, 1 + Math.floor(r() * 6)) + '.' + digits(r, 1 + Math.floor(r() * 3));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function dateTime(r: () => number): string {
  const y = 1900 + Math.floor(r() * 200);
  const mo = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  const sep = r() < 0.8 ? 'T' : ' ';
  const frac = r() < 0.5 ? '' : '.' + digits(r, 1 + Math.floor(r() * 6));
  const off = pick(r, ['Z', 'Z', '+00:00', '+05:30', '-08:00', '', 'z', '+0100']);
  return `${y}-${pad(mo)}-${pad(d)}${sep}${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:${pad(Math.floor(r() * 60))}${frac}${off}`;
}

function uuid(r: () => number): string {
  const h = () => Math.floor(r() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, h).join('');
  const u = `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
  return r() < 0.2 ? u.toUpperCase() : u;
}

function text(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) s += pick(r, PIECES);
  return s;
}

/** One record's JSON text, and whether it was built in the form the transcoder should take itself. */
export function recordJson(r: () => number, id: number): string {
  const maybe = (p: number, v: () => string) => (r() < p ? 'null' : v());
  const fields: Array<[string, string]> = [
    ['id', String(id)],
    ['name', maybe(0.1, () => jsonString(text(r), r))],
    ['amount', maybe(0.1, () => numberText(r, false))],
    ['big', maybe(0.2, () => numberText(r, true))],
    ['small', maybe(0.2, () => String(Math.floor(r() * 100)))],
    ['flag', maybe(0.2, () => (r() < 0.5 ? 'true' : 'false'))],
    ['created_at', maybe(0.1, () => JSON.stringify(dateTime(r)))],
    ['day', maybe(0.3, () => JSON.stringify(`${2000 + Math.floor(r() * 30)}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`))],
    ['at_time', maybe(0.3, () => JSON.stringify(`${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:${pad(Math.floor(r() * 60))}`))],
    ['uid', maybe(0.3, () => JSON.stringify(uuid(r)))],
    ['address', maybe(0.2, () => `{"street":${maybe(0.2, () => jsonString(text(r), r))},"zip":${maybe(0.2, () => JSON.stringify(digits(r, 5)))}${r() < 0.5 ? `,"geo":${maybe(0.3, () => `{"lat":${numberText(r, false)}}`)}` : ''}}`)],
    ['tags', maybe(0.2, () => `[${Array.from({ length: Math.floor(r() * 4) }, () => jsonString(text(r), r)).join(',')}]`)],
    ['counts', maybe(0.3, () => `[${Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.2 ? 'null' : numberText(r, true))).join(', ')}]`)],
    ['extra', maybe(0.3, () => `{"k":${jsonString(text(r), r)},"n":${numberText(r, r() < 0.5)},"list":[1,"two",null,{"x":true}]}`)],
    ['anything', maybe(0.3, () => pick(r, ['1', '"s"', 'true', '[1,2]', '{"a":{"b":[]}}', numberText(r, false)]))],
    ['mixed', maybe(0.3, () => (r() < 0.5 ? jsonString(text(r), r) : numberText(r, r() < 0.5)))],
  ];
  // some properties missing, some out of schema order, sometimes an unknown one
  const kept = fields.filter(([k]) => k === 'id' || r() > 0.05);
  if (r() < 0.1) kept.reverse();
  if (r() < 0.02) kept.push(['unknown', '1']);
  if (r() < 0.01) kept.push(['name', '"a\\u0000b"']);
  const ws = r() < 0.1 ? ' ' : '';
  return '{' + kept.map(([k, v]) => `${JSON.stringify(k)}:${ws}${v}`).join(',' + ws) + '}';
}

/** A RECORD line of stream `s`, with or without time_extracted and version. */
export function recordLine(r: () => number, id: number): string {
  const te = r() < 0.5 ? `,"time_extracted":${JSON.stringify(dateTime(r))}` : '';
  const version = r() < 0.3 ? `,"version":${Math.floor(r() * 1e12)}` : '';
  return `{"type":"RECORD","stream":"s","record":${recordJson(r, id)}${version}${te}}`;
}
