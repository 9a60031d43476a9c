import { MAX_SEQUENCE, numeric, PyError, spend, typeName } from './py-values.js';

const str = (name: string, v: unknown): string => {
  if (typeof v !== 'string') throw new PyError('TypeError', `${name} needs a str, not '${typeName(v)}'`);
  return v;
};

const WHITESPACE = ' \t\n\r\x0b\x0c';

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === null || chars === undefined ? WHITESPACE : str('strip()', chars);
  let a = 0;
  let b = s.length;
  while (left && a < b && set.includes(s[a])) a++;
  while (right && b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function split(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(numeric(maxsplit) ?? -1);
  const out: string[] = [];
  if (sep === undefined || sep === null) {
    let rest = s.replace(/^\s+/, '');
    while (rest.length) {
      if (max >= 0 && out.length === max) return [...out, rest];
      const m = /\s+/.exec(rest);
      if (!m) return [...out, rest];
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const d = str('split()', sep);
  if (d === '') throw new PyError('ValueError', 'empty separator');
  let at = 0;
  for (let i = s.indexOf(d); i >= 0 && (max < 0 || out.length < max); i = s.indexOf(d, at)) {
    out.push(s.slice(at, i));
    at = i + d.length;
  }
  out.push(s.slice(at));
  if (out.length > MAX_SEQUENCE) throw new PyError('MemoryError', `a result longer than ${MAX_SEQUENCE} is not allowed in a stream map`);
  return out;
}

/** A method: called with its object and the call's arguments. */
export type Method = (self: never, args: unknown[]) => unknown;

/** The str methods stream-map expressions may call, with Python's semantics. */
export const STR_METHODS: Record<string, Method> = {
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  strip: (s: string, a) => stripChars(s, a[0], true, true),
  lstrip: (s: string, a) => stripChars(s, a[0], true, false),
  rstrip: (s: string, a) => stripChars(s, a[0], false, true),
  split: (s: string, a) => split(s, a[0], a[1]),
  replace: (s: string, a) => {
    const [from, to] = [str('replace()', a[0]), str('replace()', a[1])];
    const count = a[2] === undefined ? -1 : Number(numeric(a[2]) ?? -1);
    // '' matches before every character and at the end, as in Python
    const parts = from === '' ? ['', ...Array.from(s), ''] : split(s, from, count);
    const out = from === '' && count >= 0 ? parts.slice(0, count + 1).join(to) + parts.slice(count + 1).join('') : parts.join(to);
    if (out.length > MAX_SEQUENCE) throw new PyError('MemoryError', `a result longer than ${MAX_SEQUENCE} is not allowed in a stream map`);
    return out;
  },
  startswith: (s: string, a) => s.startsWith(str('startswith()', a[0])),
  endswith: (s: string, a) => s.endsWith(str('endswith()', a[0])),
  // each run of letters: first upper, the rest lower (Python's title(), Unicode letters included)
  title: (s: string) => s.replace(/\p{L}+/gu, (w) => {
    const [first, ...rest] = Array.from(w);
    return first.toUpperCase() + rest.join('').toLowerCase();
  }),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  // in code points, as len() and indexing count
  find: (s: string, a) => {
    const at = s.indexOf(str('find()', a[0]));
    return BigInt(at < 0 ? -1 : Array.from(s.slice(0, at)).length);
  },
  count: (s: string, a) => BigInt(split(s, str('count()', a[0]), -1).length - 1),
  join: (s: string, a) => {
    if (!Array.isArray(a[0])) throw new PyError('TypeError', 'join() needs a list of strings');
    const parts = (a[0] as unknown[]).map((x) => str('join()', x));
    spend(parts.reduce((n, p) => n + p.length + s.length, 0));
    return parts.join(s);
  },
  zfill: (s: string, a) => {
    const w = Number(numeric(a[0]) ?? 0);
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    return sign + s.slice(sign.length).padStart(Math.min(w, MAX_SEQUENCE) - sign.length, '0');
  },
  isdigit: (s: string) => s.length > 0 && /^\d+$/.test(s),
  isalpha: (s: string) => s.length > 0 && /^\p{L}+$/u.test(s),
};

