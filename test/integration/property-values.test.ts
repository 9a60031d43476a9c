import { describe, expect, it } from 'vitest';
import { ExactNumber, parseJsonLine } from '../../src/protocol/exact-json.js';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { schemaMsg } from '../helpers/singer.js';

const db = useTestDatabase();

/** A small seeded generator (mulberry32), so a failure can be replayed with TP_PROPERTY_SEED. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const PIECES = ['a', 'Z', ' ', ',', '"', "'", '\\', '\n', '\r\n', '\t', '\u0001', '\u001f', '\u007f', 'é', '€', '中文', '𝄞', '😀', '👩‍👩‍👧', 'e\u0301', '\u2028', '\ufeff', 'N', '\\N', '\\.', 'NULL', '{', '}', '[', ']', ':', '0', '-1', 'true'];
const text = (r: Rng) => Array.from({ length: r.int(6) }, () => r.pick(PIECES)).join('');

/** A JSON number as text: small and huge integers, long decimals, exponents past the double range. */
function numberText(r: Rng, integer: boolean): string {
  const digits = (n: number) => String(1 + r.int(9)) + Array.from({ length: n - 1 }, () => String(r.int(10))).join('');
  const sign = r.int(4) === 0 ? '-' : '';
  switch (r.int(integer ? 3 : 6)) {
    case 0:
      return `${sign}${r.int(1000)}`;
    case 1:
      return `${sign}${digits(1 + r.int(18))}`;
    case 2:
      return `${sign}${digits(19 + r.int(20))}`;
    case 3:
      return `${sign}${digits(1 + r.int(20))}.${digits(1 + r.int(25))}`;
    case 4:
      return `${sign}${digits(1 + r.int(3))}e${r.pick(['', '+', '-'])}${r.int(2) ? 300 + r.int(150) : r.int(30)}`;
    default:
      return `${sign}0.${'0'.repeat(r.int(10))}${digits(1 + r.int(17))}`;
  }
}

/** Any JSON value (as text), nested up to `depth`. */
function jsonText(r: Rng, depth: number): string {
  switch (r.int(depth > 0 ? 7 : 5)) {
    case 0:
      return JSON.stringify(text(r));
    case 1:
      return numberText(r, false);
    case 2:
      return r.pick(['true', 'false', 'null']);
    case 3:
      return numberText(r, true);
    case 4:
      return JSON.stringify(text(r));
    case 5:
      return `[${Array.from({ length: r.int(4) }, () => jsonText(r, depth - 1)).join(',')}]`;
    default: {
      const keys = [...new Set(Array.from({ length: r.int(4) }, () => text(r)))];
      return `{${keys.map((k) => `${JSON.stringify(k)}:${jsonText(r, depth - 1)}`).join(',')}}`;
    }
  }
}

/** A decimal number in one canonical form (digits without trailing zeros, and an exponent). */
function canonicalNumber(t: string): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t.trim());
  if (!m) throw new Error(`not a number: ${t}`);
  let digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  if (digits === '') return '0';
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exp++;
  }
  return `${m[1]}${digits}e${exp}`;
}

/** A JSON value in one canonical form: numbers canonical, object keys sorted (jsonb orders them). */
function canonicalJson(v: unknown): string {
  if (v instanceof ExactNumber) return canonicalNumber(v.text);
  if (typeof v === 'number') return canonicalNumber(String(v));
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
const canonicalText = (t: string) => canonicalJson(parseJsonLine(t).value);

const PROPERTIES = {
  id: { type: 'integer' },
  s: { type: ['string', 'null'] },
  n: { type: ['number', 'null'] },
  i: { type: ['integer', 'null'] },
  j: { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] },
  a: { type: ['array', 'null'], items: { type: ['string', 'null'] } },
  ai: { type: ['array', 'null'], items: { type: ['integer', 'null'] } },
};

interface Sent {
  id: number;
  s: string;
  n: string;
  i: string;
  j: string;
  a: Array<string | null>;
  ai: Array<string | null>;
}

describe('property: random values come back from PostgreSQL as they were sent', () => {
  const seed = Number(process.env.TP_PROPERTY_SEED ?? 20261123);
  const count = Number(process.env.TP_PROPERTY_RECORDS ?? 1500);

  it.each([
    ['main thread only', 0],
    ['encode workers', 2],
  ])(`text, numeric, jsonb and array columns (%s; seed ${seed}, ${count} records)`, async (_mode, workers) => {
    const r = rng(seed + workers);
    const sent: Sent[] = [];
    const lines = [JSON.stringify(schemaMsg('p', PROPERTIES))];
    for (let id = 1; id <= count; id++) {
      const row: Sent = {
        id,
        s: text(r),
        n: numberText(r, false),
        i: numberText(r, true),
        j: jsonText(r, 3),
        a: Array.from({ length: r.int(4) }, () => (r.int(5) === 0 ? null : text(r))),
        ai: Array.from({ length: r.int(4) }, () => (r.int(5) === 0 ? null : numberText(r, true))),
      };
      sent.push(row);
      lines.push(
        `{"type":"RECORD","stream":"p","record":{"id":${id},"s":${JSON.stringify(row.s)},"n":${row.n},"i":${row.i},"j":${row.j},"a":${JSON.stringify(row.a)},"ai":[${row.ai.map((x) => x ?? 'null').join(',')}]}}`,
      );
    }
    const schema = `prop${workers}`;
    const run = await runTarget({ config: { ...db.config, default_target_schema: schema, parse_workers: workers, batch_size_rows: 400 }, input: lines.join('\n') + '\n', timeoutMs: 120_000 });
    expect(run.stderr).not.toContain('target-postgres: error');
    expect(run.code).toBe(0);
    const got = await db.query<{ id: number; s: string; n: string; i: string; j: string; a: Array<string | null>; ai: Array<string | null> }>(
      `SELECT id::int, s, n::text, i::text, j::text, a, ai::text[] AS ai FROM ${schema}.p ORDER BY id`,
    );
    expect(got).toHaveLength(count);
    const mismatches: string[] = [];
    for (const [k, g] of got.entries()) {
      const w = sent[k];
      const check = (what: string, ok: boolean, detail: () => string) => ok || mismatches.push(`id ${w.id} ${what}: ${detail()}`);
      check('s (text)', g.s === w.s, () => `${JSON.stringify(w.s)} came back ${JSON.stringify(g.s)}`);
      check('n (numeric)', canonicalNumber(g.n) === canonicalNumber(w.n), () => `${w.n} came back ${g.n}`);
      check('i (integer)', canonicalNumber(g.i) === canonicalNumber(w.i), () => `${w.i} came back ${g.i}`);
      check('j (jsonb)', canonicalText(g.j) === canonicalText(w.j), () => `${w.j} came back ${g.j}`);
      check('a (text[])', JSON.stringify(g.a) === JSON.stringify(w.a), () => `${JSON.stringify(w.a)} came back ${JSON.stringify(g.a)}`);
      check('ai (integer[])', JSON.stringify((g.ai ?? []).map((x) => (x === null ? null : canonicalNumber(x)))) === JSON.stringify(w.ai.map((x) => (x === null ? null : canonicalNumber(x)))), () => `${JSON.stringify(w.ai)} came back ${JSON.stringify(g.ai)}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  }, 180_000);
});
