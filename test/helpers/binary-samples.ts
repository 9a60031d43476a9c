import { ExactNumber } from '../../src/protocol/exact-json.js';
import { decimalText, double, int, jsonValue, numeric, pad, pick, rng, text, textSample, type Rng, type Sample } from './binary-values.js';

/** Date, time, uuid, bytea and boolean samples, and the per-column-type sample table. */

function year(r: Rng): number {
  return r() < 0.7 ? int(r, 1900, 2100) : int(r, 1, 9999);
}

function dateText(r: Rng, valid = true): string {
  const y = !valid && r() < 0.1 ? pick(r, [0, 10000]) : year(r);
  let m = int(r, 1, 12);
  let d = int(r, 1, 28);
  if (r() < 0.2) d = pick(r, [29, 30, 31]);
  if (!valid && r() < 0.3) m = pick(r, [0, 13]);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

const OFFSETS = ['', 'Z', 'z', '+00:00', '-00:00', '+05:30', '-08:00', '+0530', '-0345', '+14', '-12', '+15:59', '-15:59', '+16:00', '+5', '+05:00:00', ' +05:00', 'UTC', '+05:60'];

function fraction(r: Rng): string {
  if (r() < 0.4) return '';
  const n = r() < 0.7 ? int(r, 1, 6) : int(r, 7, 12);
  let f = digits(r, n);
  if (r() < 0.15) f = f.slice(0, 6) + '5' + (r() < 0.5 ? '' : '0'.repeat(int(r, 1, 4)));
  if (r() < 0.05) f = '999999' + pick(r, ['5', '9', '49', '51']);
  return '.' + f;
}

function digits(r: Rng, n: number): string {
  return Array.from({ length: n }, () => String(int(r, 0, 9))).join('');
}

function timeText(r: Rng, bad: boolean): string {
  const h = bad && r() < 0.2 ? pick(r, [24, 25]) : int(r, 0, 23);
  const m = bad && r() < 0.1 ? 60 : int(r, 0, 59);
  const s = bad && r() < 0.1 ? 60 : int(r, 0, 59);
  const form = int(r, 0, 9);
  if (form === 0) return `${pad(h)}:${pad(m)}`;
  if (form === 1 && bad) return `${h}:${pad(m)}:${pad(s)}`;
  return `${pad(h)}:${pad(m)}:${pad(s)}${fraction(r)}`;
}

export function dateTimeSample(r: Rng): Sample {
  const bad = r() < 0.2;
  const sep = bad ? pick(r, ['T', 't', ' ', 'X', '']) : pick(r, ['T', 'T', ' ', 't']);
  const off = bad ? pick(r, OFFSETS) : pick(r, OFFSETS.slice(0, 13));
  const s = `${dateText(r, !bad)}${sep}${timeText(r, bad)}${off}`;
  if (r() < 0.03) return { value: pick(r, ['now', 'infinity', '-infinity', 'epoch', '', ' 2020-01-01T00:00:00Z', '2020-01-01', 20200101, true, '2020-01-01T10:00:00+05:30[Asia/Kolkata]']), normal: false };
  return { value: s, normal: !bad && !/-(29|30|31)[T t]/.test(s) };
}

export function timeSample(r: Rng): Sample {
  const bad = r() < 0.2;
  const off = bad ? pick(r, OFFSETS) : pick(r, OFFSETS.slice(0, 13));
  if (r() < 0.03) return { value: pick(r, ['allballs', '', 'now', '24:00:00', '12', 1200, '1:02:03', 'T12:00']), normal: false };
  return { value: timeText(r, bad) + off, normal: !bad };
}

export function dateSample(r: Rng): Sample {
  if (r() < 0.05) return { value: pick(r, ['2020-01-01T00:00:00Z', 'today', 'epoch', '20200101', 20200101, '2020-1-1', 'Jan 1 2020', '']), normal: false };
  const s = dateText(r, r() < 0.9);
  return { value: s, normal: !/-(00|13)-|-(29|30|31)$|^(0000|10000)/.test(s) };
}

export function uuidSample(r: Rng): Sample {
  const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[int(r, 0, 15)]).join('');
  const canon = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  switch (int(r, 0, 7)) {
    case 0:
      return { value: canon.toUpperCase(), normal: true };
    case 1:
      return { value: `{${canon}}`, normal: true };
    case 2:
      return { value: hex, normal: true };
    case 3:
      return { value: hex.replace(/(.{4})/g, '$1-').slice(0, -1), normal: false };
    case 4:
      return { value: pick(r, [canon.slice(1), canon + 'a', ' ' + canon, canon.replace('-', '--'), `{${canon}`, canon.replace(/^./, 'g'), '', 'null', 12345]), normal: false };
    default:
      return { value: canon, normal: true };
  }
}

export function byteaSample(r: Rng): Sample {
  const hex = Array.from({ length: int(r, 0, r() < 0.05 ? 4000 : 40) }, () => '0123456789abcdefABCDEF'[int(r, 0, 21)]).join('');
  switch (int(r, 0, 5)) {
    case 0:
      return { value: '0x' + hex, normal: true };
    case 1:
      return { value: pick(r, ['xyz', 'ab cd', '\\x00', '0X1', 'é', 12345, true, { a: 1 }, '0x', '']), normal: false };
    default:
      return { value: hex, normal: true };
  }
}

const BOOL_WORDS = ['t', 'f', 'true', 'false', 'TRUE', 'False', 'yes', 'no', 'y', 'n', 'on', 'off', 'of', '1', '0', 'tr', 'fal', 'o', '2', '', ' t', 'truex', 'null', 'On', 'OFF'];

export function boolSample(r: Rng): Sample {
  if (r() < 0.7) return { value: r() < 0.5, normal: true };
  return { value: r() < 0.8 ? pick(r, BOOL_WORDS) : pick(r, [0, 1, 2, -0, 1.5, new ExactNumber('1'), {}]), normal: false };
}

function floatText(r: Rng): Sample {
  const n = numeric(r, 'float');
  // values below real's normal range are declined on purpose; beyond its range PostgreSQL refuses them
  const d = typeof n.value === 'number' || typeof n.value === 'string' ? Number(n.value) : 1;
  const v = Math.abs(Math.fround(d));
  const s = (d !== 0 && v < 1.1754943508222875e-38) || v === Infinity ? { value: n.value, normal: false } : n;
  // float4 midpoints as exact decimals, and their neighbours a digit away
  if (r() < 0.1) {
    const f = Math.fround(double(r) / 1e20);
    const next = new Float32Array([f]);
    new Uint32Array(next.buffer)[0] += 1;
    const mid = (f + next[0]) / 2;
    return { value: pick(r, [String(mid), mid.toPrecision(int(r, 9, 17)), mid.toExponential(30)]), normal: false };
  }
  return s;
}

/** Sample generators by column type (the table's type as written in DDL). */
export const SAMPLES: Record<string, (r: Rng) => Sample> = {
  smallint: (r) => numeric(r, 'int2'),
  integer: (r) => numeric(r, 'int4'),
  bigint: (r) => numeric(r, 'int8'),
  numeric: (r) => (r() < 0.3 ? { value: decimalText(r), normal: true } : numeric(r, 'numeric')),
  // at most 9 integer digits (numeric(12,3) takes no more); extra decimals are rounded by the typmod
  'numeric(12,3)': (r) => ({ value: r() < 0.5 ? Math.round((r() - 0.5) * 10 ** int(r, 0, 12)) / 10 ** int(r, 3, 6) : `${pick(r, ['', '-'])}${int(r, 0, 999999999)}.${digits(r, int(r, 0, 8))}`, normal: true }),
  'double precision': (r) => numeric(r, 'float'),
  real: floatText,
  boolean: boolSample,
  text: (r) => textSample(r),
  'character varying': (r) => textSample(r),
  'character varying(5)': (r) => textSample(r, 5),
  'character(4)': (r) => textSample(r, 4),
  json: (r) => ({ value: jsonValue(r), normal: true }),
  jsonb: (r) => ({ value: jsonValue(r), normal: true }),
  bytea: byteaSample,
  uuid: uuidSample,
  date: dateSample,
  'time without time zone': timeSample,
  'time with time zone': timeSample,
  'timestamp with time zone': dateTimeSample,
  'timestamp without time zone': dateTimeSample,
  'timestamp(3) with time zone': dateTimeSample,
  'bigint[]': (r) => arraySample(r, (q) => numeric(q, 'int8')),
  'numeric[]': (r) => arraySample(r, (q) => numeric(q, 'numeric')),
  'double precision[]': (r) => arraySample(r, (q) => numeric(q, 'float')),
  'text[]': (r) => arraySample(r, (q) => textSample(q)),
  'boolean[]': (r) => arraySample(r, boolSample),
  'timestamp with time zone[]': (r) => arraySample(r, dateTimeSample),
  'timestamp without time zone[]': (r) => arraySample(r, dateTimeSample),
  'date[]': (r) => arraySample(r, dateSample),
  'uuid[]': (r) => arraySample(r, uuidSample),
  'character varying(5)[]': (r) => arraySample(r, (q) => textSample(q, 5)),
  'integer[]': (r) => arraySample(r, (q) => numeric(q, 'int4')),
  'real[]': (r) => arraySample(r, floatText),
  'bytea[]': (r) => arraySample(r, byteaSample),
  'time with time zone[]': (r) => arraySample(r, timeSample),
  // elements are JSON texts: no strings (a string's text is not JSON), so both paths accept them
  'jsonb[]': (r) => arraySample(r, (q) => ({ value: pick(q, [{ a: 1, b: 'x' }, [1, [2]], 5, new ExactNumber('1e400'), true, { n: new ExactNumber('12345678901234567890.5') }]), normal: true })),
};

function arraySample(r: Rng, element: (r: Rng) => Sample): Sample {
  if (r() < 0.1) return element(r); // a bare scalar is a one-element array
  const items = Array.from({ length: r() < 0.05 ? int(r, 100, 400) : int(r, 0, 6) }, () => (r() < 0.1 ? { value: null, normal: true } : element(r)));
  if (r() < 0.03) items.push({ value: [1, 2], normal: false });
  return { value: items.map((s) => s.value), normal: items.every((s) => s.normal) };
}

/** `count` samples for a column type, deterministic for a seed. */
export function samplesFor(pgType: string, count: number, seed: number): Sample[] {
  const r = rng(seed);
  const gen = SAMPLES[pgType];
  return Array.from({ length: count }, () => gen(r));
}

export { text };
