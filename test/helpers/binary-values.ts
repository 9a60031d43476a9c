import { ExactNumber } from '../../src/protocol/exact-json.js';
import { prng } from './record-generator.js';

/**
 * Seeded random column values for the binary-encoder tests: for each column type, values as
 * the record pipeline hands them to the encoders (strings, numbers, ExactNumber, booleans,
 * objects, arrays, null), the nasty ones mixed in. `normal` marks values a tap commonly sends:
 * the encoders should decline none of those.
 *
 * Generators never produce a value that PostgreSQL would refuse through the CSV path while the
 * binary writer passes its text on unchecked (text beyond a varchar(n), invalid JSON for json):
 * everything else PostgreSQL refuses, the binary writers must decline.
 */
export interface Sample {
  value: unknown;
  normal: boolean;
}

export type Rng = () => number;

/** The seeded PRNG of the record generator. */
export const rng: (seed: number) => Rng = prng;

const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const digits = (r: Rng, n: number) => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Random double across magnitudes, from random bits sometimes. */
function double(r: Rng): number {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  switch (int(r, 0, 5)) {
    case 0:
      u[0] = int(r, 0, 0xffffffff);
      u[1] = int(r, 0, 0x7fefffff) | (r() < 0.5 ? 0x80000000 : 0);
      return f[0];
    case 1:
      return (r() - 0.5) * 10 ** int(r, -12, 25);
    case 2:
      return Math.round((r() - 0.5) * 10 ** int(r, 0, 8)) / 10 ** int(r, 0, 6);
    case 3:
      return pick(r, [0, -0, 1, -1, 0.1, 1e-7, 1.5e-7, 1e21, 123e20, 2 ** 53, 2 ** 60, -(2 ** 63), 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, 3.4028234663852886e38, 1.1754943508222875e-38, 16777217, 0.30000000000000004]);
    case 4:
      return Math.fround((r() - 0.5) * 10 ** int(r, -10, 30));
    default:
      return int(r, -1e6, 1e6);
  }
}

function decimalText(r: Rng): string {
  const sign = pick(r, ['', '', '-', '+']);
  const intPart = r() < 0.2 ? '' : r() < 0.2 ? '0' : digits(r, int(r, 1, r() < 0.1 ? 120 : 20));
  const frac = r() < 0.4 ? '' : '.' + digits(r, int(r, intPart === '' ? 1 : 0, r() < 0.1 ? 120 : 12));
  const exp = r() < 0.7 ? '' : pick(r, ['e', 'E']) + pick(r, ['', '+', '-']) + String(int(r, 0, r() < 0.1 ? 400 : 30)).padStart(int(r, 1, 3), '0');
  return sign + (intPart === '' && frac === '' ? '0' : intPart) + frac + exp;
}

const numberJunk = ['', ' 1', '1 ', '1_000', '0x1F', '1e', '.', '-', 'NaN', 'Infinity', '-Infinity', 'inf', '1.2.3', '١٢', '1,5', 'true', '12abc'];

/** A JSON number never is Infinity; subnormal doubles are declined on purpose. */
function ordinary(v: unknown): boolean {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n !== 'number' || Number.isNaN(n) || (Number.isFinite(n) && (n === 0 || Math.abs(n) >= 2.2250738585072014e-308));
}

function numeric(r: Rng, kind: 'int2' | 'int4' | 'int8' | 'numeric' | 'float'): Sample {
  const s = numericSample(r, kind);
  return ordinary(s.value) ? s : { value: s.value, normal: false };
}

function numericSample(r: Rng, kind: 'int2' | 'int4' | 'int8' | 'numeric' | 'float'): Sample {
  const bits = kind === 'int2' ? 15 : kind === 'int4' ? 31 : 63;
  const edge = (d: number) => {
    const b = 2n ** BigInt(bits);
    return String(pick(r, [b - 1n, -b, b, -b - 1n, b - 2n, -b + 1n]) + BigInt(d));
  };
  switch (int(r, 0, 9)) {
    case 0:
    case 1:
      return { value: kind.startsWith('int') ? int(r, -(2 ** Math.min(bits, 52)), 2 ** Math.min(bits, 52) - 1) : double(r), normal: true };
    case 2:
      return { value: kind.startsWith('int') ? int(r, -1000, 1000) : Math.round(double(r) * 100) / 100, normal: true };
    case 3: {
      const t = kind.startsWith('int') ? edge(int(r, -1, 1)) : decimalText(r);
      return { value: r() < 0.5 ? new ExactNumber(t) : t, normal: false };
    }
    case 4:
      return { value: decimalText(r), normal: false };
    case 5:
      return { value: double(r), normal: false };
    case 6:
      return { value: pick(r, numberJunk), normal: false };
    case 7:
      return { value: new ExactNumber(pick(r, ['-', '']) + digits(r, int(r, 16, 30)) + (r() < 0.5 ? '.' + digits(r, int(r, 1, 20)) : '')), normal: kind === 'numeric' };
    case 8:
      return { value: pick(r, [null, undefined, true, false, {}, [1], 'null', '007', '+5', '-0', 0, -0]), normal: false };
    default:
      return { value: String(kind.startsWith('int') ? int(r, -(2 ** Math.min(bits, 52)) + 1, 2 ** Math.min(bits, 52) - 1) : double(r)), normal: true };
  }
}

const CHARS = ['a', 'Z', '0', ' ', ',', '"', "'", '\\', '\n', '\r', '\t', '{', '}', 'é', '日本', '😀', '\uD800', '\uDC00', 'NULL', '\\N', '\\.', '\u00a0', '\u2028'];

function text(r: Rng, maxChars = 40): string {
  const parts: string[] = [];
  for (let n = int(r, 0, r() < 0.05 ? 3000 : maxChars); n > 0; n--) parts.push(r() < 0.6 ? String.fromCharCode(int(r, 32, 126)) : pick(r, CHARS));
  return parts.join('');
}

function textSample(r: Rng, limit?: number): Sample {
  if (limit !== undefined) {
    // at most `limit` characters, or more that are only spaces (varchar/char drop those)
    const s = [...text(r, limit)].slice(0, limit).join('');
    return { value: r() < 0.2 ? s + ' '.repeat(int(r, 1, 5)) : s, normal: true };
  }
  switch (int(r, 0, 6)) {
    case 0:
      return { value: double(r), normal: true };
    case 1:
      return { value: pick(r, [true, false, new ExactNumber('12345678901234567890.5'), { a: [1, 'x'] }, ['a', null]]), normal: true };
    default:
      return { value: text(r), normal: true };
  }
}

function jsonValue(r: Rng, depth = 0): unknown {
  switch (int(r, 0, depth > 2 ? 3 : 6)) {
    case 0:
      return double(r);
    case 1:
      return text(r, 12).replace(/[\uD800-\uDFFF\u0000]/g, '?');
    case 2:
      return pick(r, [true, false, null, new ExactNumber('1e400'), new ExactNumber('12345678901234567890123'), 0]);
    case 3:
      return int(r, -1e9, 1e9);
    case 4:
      return Array.from({ length: int(r, 0, 4) }, () => jsonValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(r, 0, 4); i > 0; i--) o[text(r, 6).replace(/[\uD800-\uDFFF\u0000]/g, '?')] = jsonValue(r, depth + 1);
      return o;
    }
  }
}

export { decimalText, double, int, jsonValue, numeric, pad, pick, text, textSample };
