import { createHash } from 'node:crypto';
import { ExactNumber, parseJsonLine } from '../../protocol/exact-json.js';
import { parseIsoDate, strftime, strptime } from './py-datetime.js';
import { decimalRound, decimalToInt, PyDecimal } from './py-decimal.js';
import { STR_METHODS, type Method } from './py-str-methods.js';
import { floatRepr, isoformat, numeric, PyDate, PyError, pyCompare, pyRepr, pyStr, spend, toPy, truthy, typeName } from './py-values.js';

/**
 * The functions, modules and methods stream-map expressions may call: the SDK's (simpleeval's
 * int, float, str, plus md5, datetime, bool, json) and a few documented additions (len,
 * sha256, abs, min, max, round, lower-level string methods). Nothing else is reachable.
 */

export type PyFunction = (args: unknown[]) => unknown;

/** A module (datetime, datetime.datetime, json): attribute access reaches only its members. */
export class PyModule {
  constructor(
    readonly name: string,
    readonly members: Record<string, PyFunction | PyModule>,
  ) {}
}

const arity = (name: string, args: unknown[], min: number, max = min) => {
  if (args.length < min || args.length > max) {
    throw new PyError('TypeError', `${name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'} (${args.length} given)`);
  }
};
const str = (name: string, v: unknown): string => {
  if (typeof v !== 'string') throw new PyError('TypeError', `${name} needs a str, not '${typeName(v)}'`);
  return v;
};

const INT_TEXT = /^\s*[+-]?\d(?:_?\d)*\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d+)?|\d(?:_?\d)*\.|nan|inf|infinity)\s*$/i;

function toInt(args: unknown[]): unknown {
  arity('int', args, 1);
  const v = args[0];
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof PyDecimal) return decimalToInt(v);
  if (typeof v === 'number' || v instanceof ExactNumber) {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new PyError('ValueError', `cannot convert float ${floatRepr(n)} to integer`);
    return v instanceof ExactNumber ? decimalToInt(PyDecimal.parse(v.text)!) : BigInt(Math.trunc(n));
  }
  if (typeof v === 'string' && INT_TEXT.test(v)) return BigInt(v.trim().replace(/_/g, ''));
  throw new PyError(typeof v === 'string' ? 'ValueError' : 'TypeError', `invalid literal for int(): ${pyRepr(v)}`);
}

function toFloat(args: unknown[]): unknown {
  arity('float', args, 1);
  const v = args[0];
  const n = numeric(v);
  if (n !== undefined) return Number(n);
  if (typeof v === 'string' && FLOAT_TEXT.test(v)) {
    const t = v.trim().replace(/_/g, '').toLowerCase();
    if (t.endsWith('nan')) return NaN;
    if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
    return Number(t);
  }
  throw new PyError(typeof v === 'string' ? 'ValueError' : 'TypeError', `could not convert to float: ${pyRepr(v)}`);
}

function length(args: unknown[]): unknown {
  arity('len', args, 1);
  const v = args[0];
  if (typeof v === 'string') {
    let n = 0;
    for (const _ of v) n++;
    return BigInt(n);
  }
  if (Array.isArray(v)) return BigInt(v.length);
  if (v !== null && typeof v === 'object' && !(v instanceof PyDate) && !(v instanceof ExactNumber)) return BigInt(Object.keys(v).length);
  throw new PyError('TypeError', `object of type '${typeName(v)}' has no len()`);
}

const digest = (algorithm: string) => (args: unknown[]) => {
  arity(algorithm, args, 1);
  return createHash(algorithm).update(str(`${algorithm}()`, args[0]), 'utf8').digest('hex');
};

/** min() (sign -1) and max() (sign 1): the first of equal items, as in Python. */
function extreme(name: string, sign: number): PyFunction {
  return (args) => {
    const items = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]).map(toPy) : args;
    if (items.length === 0) throw new PyError('ValueError', `${name}() arg is an empty sequence`);
    spend(items.length);
    return items.reduce((best, v) => (pyCompare(v, best, sign < 0 ? '<' : '>') * sign > 0 ? v : best));
  };
}

/** round(x) and round(x, n), half to even as Python: a float rounds by its exact binary value (round(2.675, 2) is 2.67). */
function round(args: unknown[]): unknown {
  arity('round', args, 1, 2);
  let places: number | undefined;
  if (args.length === 2 && args[1] !== null) {
    const n = args[1];
    if (typeof n !== 'bigint') throw new PyError('TypeError', 'round() needs an integer number of digits');
    places = Math.max(-400, Math.min(400, Number(n)));
  }
  const v = args[0];
  if (v instanceof PyDecimal) return decimalRound(v, places);
  const x = numeric(v);
  if (x === undefined) throw new PyError('TypeError', `type ${typeName(v)} doesn't define __round__`);
  if (typeof x === 'bigint') return places === undefined || places >= 0 ? x : decimalToInt(decimalRound(PyDecimal.fromInt(x), places) as PyDecimal);
  if (!Number.isFinite(x)) {
    if (places === undefined) throw new PyError(Number.isNaN(x) ? 'ValueError' : 'OverflowError', `cannot convert float ${floatRepr(x)} to integer`);
    return x;
  }
  // the float's exact decimal value (toFixed is exact), rounded half-even
  const exact = PyDecimal.parse(x.toFixed(Math.min(100, Math.max(0, (places ?? 0) + 30))))!;
  const rounded = decimalRound(exact, places);
  return typeof rounded === 'bigint' ? rounded : rounded.toNumber();
}

/** Python's json.dumps with its defaults: ", " and ": " separators, non-ASCII escaped. */
export function jsonDumps(v: unknown): string {
  if (v === null) return 'null';
  if (v === true || v === false) return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof ExactNumber) return v.text;
  if (v instanceof PyDecimal) return v.toString();
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'Infinity' : '-Infinity') : floatRepr(v);
  if (typeof v === 'string') spend(v.length);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) {
    spend(v.length);
    return `[${v.map((x) => jsonDumps(toPy(x))).join(', ')}]`;
  }
  if (v instanceof PyDate) throw new PyError('TypeError', `Object of type ${typeName(v)} is not JSON serializable`);
  spend(Object.keys(v as object).length);
  return `{${Object.entries(v as object)
    .map(([k, x]) => `${jsonDumps(k)}: ${jsonDumps(toPy(x))}`)
    .join(', ')}}`;
}

function jsonLoads(args: unknown[]): unknown {
  arity('json.loads', args, 1);
  try {
    return toPy(parseJsonLine(str('json.loads()', args[0])).value);
  } catch (e) {
    if (e instanceof PyError) throw e;
    throw new PyError('JSONDecodeError', (e as Error).message);
  }
}

const fromIso = (dateOnly: boolean) => (args: unknown[]) => {
  arity('fromisoformat', args, 1);
  return parseIsoDate(str('fromisoformat()', args[0]), dateOnly);
};

export const DATETIME = new PyModule('datetime', {
  datetime: new PyModule('datetime.datetime', {
    fromisoformat: fromIso(false),
    strptime: (args) => {
      arity('strptime', args, 2);
      return strptime(str('strptime()', args[0]), str('strptime()', args[1]));
    },
  }),
  date: new PyModule('datetime.date', { fromisoformat: fromIso(true) }),
});

export const JSON_MODULE = new PyModule('json', {
  dumps: (args) => (arity('json.dumps', args, 1), jsonDumps(args[0])),
  loads: jsonLoads,
});

/** Names an expression can call or read besides the record's properties. */
export const FUNCTIONS: Record<string, PyFunction | PyModule> = {
  int: toInt,
  float: toFloat,
  str: (args) => (args.length === 0 ? '' : (arity('str', args, 1), pyStr(args[0]))),
  bool: (args) => (args.length === 0 ? false : (arity('bool', args, 1), truthy(args[0]))),
  len: length,
  md5: digest('md5'),
  sha256: digest('sha256'),
  abs: (args) => {
    arity('abs', args, 1);
    if (args[0] instanceof PyDecimal) return new PyDecimal(args[0].coef < 0n ? -args[0].coef : args[0].coef, args[0].exp);
    const x = numeric(args[0]);
    if (x === undefined) throw new PyError('TypeError', `bad operand type for abs(): '${typeName(args[0])}'`);
    return typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x);
  },
  min: extreme('min', -1),
  max: extreme('max', 1),
  round,
  datetime: DATETIME,
  json: JSON_MODULE,
};

const DICT_METHODS: Record<string, Method> = {
  get: (d: Record<string, unknown>, a) => (typeof a[0] === 'string' && Object.hasOwn(d, a[0]) ? toPy(d[a[0]]) : (a[1] ?? null)),
  keys: (d: object) => Object.keys(d),
  values: (d: Record<string, unknown>) => Object.values(d).map(toPy),
  items: (d: Record<string, unknown>) => Object.entries(d).map(([k, v]) => [k, toPy(v)]),
};

const DATE_METHODS: Record<string, Method> = {
  date: (d: PyDate) => new PyDate(Math.floor(d.wall / 86_400_000) * 86_400_000, 0, null, true),
  isoformat: (d: PyDate, a) => isoformat(d, a[0] === undefined ? 'T' : str('isoformat()', a[0])),
  strftime: (d: PyDate, a) => strftime(d, str('strftime()', a[0])),
  timestamp: (d: PyDate) => (d.wall - (d.offset ?? 0) * 60_000) / 1000 + d.micros / 1e6,
};

/** Attributes (not calls) of dates. */
export const DATE_FIELDS: Record<string, (d: PyDate) => unknown> = {
  year: (d) => BigInt(new Date(d.wall).getUTCFullYear()),
  month: (d) => BigInt(new Date(d.wall).getUTCMonth() + 1),
  day: (d) => BigInt(new Date(d.wall).getUTCDate()),
  hour: (d) => BigInt(new Date(d.wall).getUTCHours()),
  minute: (d) => BigInt(new Date(d.wall).getUTCMinutes()),
  second: (d) => BigInt(new Date(d.wall).getUTCSeconds()),
  microsecond: (d) => BigInt(new Date(d.wall).getUTCMilliseconds() * 1000 + d.micros),
};

/** Every method name an expression may call (checked when the expression is compiled). */
export const METHOD_NAMES = new Set([...Object.keys(STR_METHODS), ...Object.keys(DICT_METHODS), ...Object.keys(DATE_METHODS)]);

/** Calls `obj.name(*args)`. */
export function callMethod(obj: unknown, name: string, args: unknown[]): unknown {
  let table: Record<string, Method> | undefined;
  if (typeof obj === 'string') table = STR_METHODS;
  else if (obj instanceof PyDate) table = DATE_METHODS;
  else if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && !(obj instanceof ExactNumber) && !(obj instanceof PyModule)) table = DICT_METHODS;
  const method = table && Object.hasOwn(table, name) ? table[name] : undefined;
  if (!method) throw new PyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
  return method(obj as never, args);
}
