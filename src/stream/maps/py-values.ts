import { ExactNumber } from '../../protocol/exact-json.js';
import { decimalCompare, PyDecimal } from './py-decimal.js';

/**
 * Python semantics over JSON values, for stream-map expressions. Inside the evaluator a Python
 * int is a bigint (exact at any size), a record's number with a fraction a PyDecimal (as the
 * SDK's targets read them), a float a JS number (from float() and int / int), a str a string, a
 * bool a boolean, None null, a list or tuple an array and a dict a plain object; dates are
 * PyDate values.
 * Record values are converted shallowly when read (toPy), so a passed-through value keeps its
 * exact JSON form (fromPy returns it unchanged).
 */

/** A datetime.datetime or datetime.date. */
export class PyDate {
  constructor(
    /** Milliseconds since the epoch of the wall-clock time read as UTC. */
    readonly wall: number,
    /** Microseconds within the millisecond (Python keeps microseconds). */
    readonly micros: number,
    /** Offset from UTC in minutes; null for a naive datetime. */
    readonly offset: number | null,
    readonly dateOnly: boolean,
  ) {}
}

/** An error Python would raise (TypeError, ValueError, KeyError, ...). */
export class PyError extends Error {
  constructor(kind: string, message: string) {
    super(`${kind}: ${message}`);
  }
}

/** simpleeval's bound on string and list results. */
export const MAX_SEQUENCE = 100_000;

/**
 * The work one evaluation may do (items visited, characters made), across every operation: a
 * bound on each result alone does not stop `[[1]*100000]*100000 == …` or json.dumps of it.
 */
const EVALUATION_BUDGET = 10_000_000;
let budget = EVALUATION_BUDGET;

/** Starts the budget of one expression's evaluation. */
export function resetBudget(): void {
  budget = EVALUATION_BUDGET;
}

/** Charges `n` units of work; past the budget the evaluation is a MemoryError. */
export function spend(n: number): void {
  budget -= n;
  if (budget < 0) throw new PyError('MemoryError', `the expression does more work than a stream map may (${EVALUATION_BUDGET.toLocaleString('en-US')} items or characters)`);
}

/** Defines `key` on `obj` as an own property, whatever its name (`__proto__` included). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function toPy(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : Number.isFinite(v) ? PyDecimal.parse(String(v))! : v;
  if (v instanceof ExactNumber) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : PyDecimal.parse(v.text)!;
  return v === undefined ? null : v;
}

const SAFE = 2n ** 53n;

/** A Python value as JSON for the record (datetimes as ISO text); `exact` is set when a big int needs its digits kept. */
export function fromPy(v: unknown, exact: { value: boolean }): unknown {
  if (typeof v === 'bigint') {
    if (v < SAFE && v > -SAFE) return Number(v);
    exact.value = true;
    return new ExactNumber(v.toString());
  }
  if (v instanceof PyDate) return isoformat(v);
  if (v instanceof PyDecimal) {
    exact.value = true;
    return new ExactNumber(v.toString());
  }
  if (Array.isArray(v)) {
    spend(v.length);
    return v.map((x) => fromPy(x, exact));
  }
  if (v !== null && typeof v === 'object' && !(v instanceof ExactNumber)) {
    const out: Record<string, unknown> = {};
    const entries = Object.entries(v);
    spend(entries.length);
    for (const [k, x] of entries) setOwn(out, k, fromPy(x, exact));
    return out;
  }
  return v;
}

export const typeName = (v: unknown): string =>
  v === null
    ? 'NoneType'
    : typeof v === 'bigint'
      ? 'int'
      : typeof v === 'number' || v instanceof ExactNumber
        ? 'float'
        : v instanceof PyDecimal
          ? 'decimal.Decimal'
        : typeof v === 'string'
          ? 'str'
          : typeof v === 'boolean'
            ? 'bool'
            : Array.isArray(v)
              ? 'list'
              : v instanceof PyDate
                ? v.dateOnly
                  ? 'date'
                  : 'datetime'
                : typeof v === 'function'
                  ? 'function'
                  : 'dict';

export function truthy(v: unknown): boolean {
  if (v === null || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (v instanceof ExactNumber) return Number(v.text) !== 0;
  if (v instanceof PyDecimal) return !v.isZero();
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyDate || typeof v === 'function') return true;
  return Object.keys(v as object).length > 0;
}

/** A numeric operand: int (bigint, bools count as ints) or float (number, a decimal as its nearest float); undefined when not a number. */
export function numeric(v: unknown): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof ExactNumber) return Number(v.text);
  if (v instanceof PyDecimal) return v.toNumber();
  return undefined;
}

/** An int or decimal operand as a decimal (undefined for anything else, floats included). */
export function asDecimal(v: unknown): PyDecimal | undefined {
  if (v instanceof PyDecimal) return v;
  if (typeof v === 'bigint') return PyDecimal.fromInt(v);
  if (typeof v === 'boolean') return PyDecimal.fromInt(v ? 1n : 0n);
  return undefined;
}

/** Python's repr of a float: shortest digits, positional between 1e-4 and 1e16, else 1e+16 style. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= 16 || exp < -4) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp >= 0) {
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = `${whole}.${frac || '0'}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg ? `-${out}` : out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function isoformat(d: PyDate, sep = 'T'): string {
  const t = new Date(d.wall);
  const date = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  if (d.dateOnly) return date;
  const us = t.getUTCMilliseconds() * 1000 + d.micros;
  let s = `${date}${sep}${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${us ? `.${pad(us, 6)}` : ''}`;
  if (d.offset !== null) s += offsetText(d.offset, ':');
  return s;
}

export function offsetText(offset: number, sep: string): string {
  const a = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${sep}${pad(a % 60)}`;
}

/** Python's str(). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyDecimal) return v.toString();
  if (v instanceof PyDate) return isoformat(v, ' ');
  return pyRepr(v);
}

/** Python's repr(). */
export function pyRepr(v: unknown): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return floatRepr(v);
  if (v instanceof ExactNumber) return v.text;
  if (v instanceof PyDecimal) return `Decimal('${v.toString()}')`;
  if (typeof v === 'string') return stringRepr(v);
  if (Array.isArray(v)) {
    spend(v.length);
    return `[${v.map((x) => pyRepr(toPy(x))).join(', ')}]`;
  }
  if (v instanceof PyDate) return `${v.dateOnly ? 'datetime.date' : 'datetime.datetime'}(${isoformat(v)})`;
  if (typeof v === 'function') return '<function>';
  spend(Object.keys(v as object).length);
  return `{${Object.entries(v as object)
    .map(([k, x]) => `${stringRepr(k)}: ${pyRepr(toPy(x))}`)
    .join(', ')}}`;
}

function stringRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
}

/** Python ==. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a instanceof PyDecimal || b instanceof PyDecimal) {
    const da = asDecimal(a);
    const db = asDecimal(b);
    if (da && db) return decimalCompare(da, db) === 0;
  }
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return typeof x === typeof y ? x === y : Number(x) === Number(y);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    spend(1);
    return a.length === b.length && a.every((v, i) => (spend(1), pyEquals(toPy(v), toPy(b[i]))));
  }
  if (a instanceof PyDate && b instanceof PyDate) return compareDates(a, b) === 0;
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b) && !(a instanceof PyDate) && !(b instanceof PyDate)) {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    spend(ka.length + 1);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && pyEquals(toPy((a as Record<string, unknown>)[k]), toPy((b as Record<string, unknown>)[k])));
  }
  return false;
}

function compareDates(a: PyDate, b: PyDate): number {
  if (a.dateOnly !== b.dateOnly || (a.offset === null) !== (b.offset === null)) {
    throw new PyError('TypeError', `can't compare ${a.offset === null ? 'offset-naive' : 'offset-aware'} and ${b.offset === null ? 'offset-naive' : 'offset-aware'} ${typeName(a)}s`);
  }
  const ta = a.wall - (a.offset ?? 0) * 60_000;
  const tb = b.wall - (b.offset ?? 0) * 60_000;
  return ta !== tb ? Math.sign(ta - tb) : Math.sign(a.micros - b.micros);
}

/** Python <, <=, >, >= as a sign; TypeError for types Python does not order. */
export function pyCompare(a: unknown, b: unknown, op: string): number {
  if (a instanceof PyDecimal || b instanceof PyDecimal) {
    const da = asDecimal(a);
    const db = asDecimal(b);
    if (da && db) return decimalCompare(da, db);
  }
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === typeof y) return x < y ? -1 : x > y ? 1 : 0;
    const fx = Number(x);
    const fy = Number(y);
    if (Number.isNaN(fx) || Number.isNaN(fy)) return NaN;
    return fx < fy ? -1 : fx > fy ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      spend(1);
      const ai = toPy(a[i]);
      const bi = toPy(b[i]);
      if (!pyEquals(ai, bi)) return pyCompare(ai, bi, op);
    }
    return Math.sign(a.length - b.length);
  }
  if (a instanceof PyDate && b instanceof PyDate) return compareDates(a, b);
  throw new PyError('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python `in`. */
export function pyContains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new PyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    spend(container.length);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((v) => (spend(1), pyEquals(toPy(v), item)));
  if (container !== null && typeof container === 'object' && !(container instanceof PyDate) && !(container instanceof ExactNumber)) {
    return typeof item === 'string' && Object.hasOwn(container, item);
  }
  throw new PyError('TypeError', `argument of type '${typeName(container)}' is not iterable`);
}
