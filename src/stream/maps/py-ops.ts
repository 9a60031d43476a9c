import { decimalBinary, decimalPower, PyDecimal } from './py-decimal.js';
import { asDecimal, MAX_SEQUENCE, numeric, PyError, spend, typeName } from './py-values.js';

/** Python's arithmetic operators over ints (bigint), floats (number), strs and lists. */

const MAX_POWER_BITS = 100_000;

function unsupported(op: string, a: unknown, b: unknown): never {
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function repeat(seq: string | unknown[], times: bigint): string | unknown[] {
  const n = times < 0n ? 0 : Number(times);
  if (seq.length * n > MAX_SEQUENCE) throw new PyError('MemoryError', `a result longer than ${MAX_SEQUENCE} is not allowed in a stream map`);
  spend(seq.length * n);
  if (typeof seq === 'string') return seq.repeat(n);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...seq);
  return out;
}

const floorDiv = (a: bigint, b: bigint) => {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
};
const zero = (): never => {
  throw new PyError('ZeroDivisionError', 'division by zero');
};

/** Decimal arithmetic: with ints and decimals; a float with a decimal is a TypeError, as in Python. */
function decimalOp(op: string, a: unknown, b: unknown): unknown {
  const x = asDecimal(a);
  const y = asDecimal(b);
  if (op === '**' && x && (typeof b === 'bigint' || typeof b === 'boolean')) return guard(() => decimalPower(x, typeof b === 'bigint' ? b : b ? 1n : 0n));
  if (!x || !y || op === '**') return unsupported(op, a, b);
  return guard(() => decimalBinary(op, x, y));
}

function guard(f: () => PyDecimal): PyDecimal {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) throw new PyError(/division/.test(e.message) ? 'ZeroDivisionError' : 'MemoryError', e.message);
    throw e;
  }
}

export function binary(op: string, a: unknown, b: unknown): unknown {
  if (a instanceof PyDecimal || b instanceof PyDecimal) {
    if (op === '*' && (typeof a === 'string' || Array.isArray(a) || typeof b === 'string' || Array.isArray(b))) return unsupported(op, a, b);
    return decimalOp(op, a, b);
  }
  const x = numeric(a);
  const y = numeric(b);
  if (x === undefined || y === undefined) {
    if (op === '+' && typeof a === 'string' && typeof b === 'string') {
      if (a.length + b.length > MAX_SEQUENCE) throw new PyError('MemoryError', `a result longer than ${MAX_SEQUENCE} is not allowed in a stream map`);
      return a + b;
    }
    if (op === '+' && Array.isArray(a) && Array.isArray(b)) {
      if (a.length + b.length > MAX_SEQUENCE) throw new PyError('MemoryError', `a result longer than ${MAX_SEQUENCE} is not allowed in a stream map`);
      spend(a.length + b.length);
      return [...a, ...b];
    }
    if (op === '*' && (typeof a === 'string' || Array.isArray(a)) && typeof y === 'bigint') return repeat(a, y);
    if (op === '*' && (typeof b === 'string' || Array.isArray(b)) && typeof x === 'bigint') return repeat(b, x);
    return unsupported(op, a, b);
  }
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return y === 0n ? zero() : Number(x) / Number(y);
      case '//':
        return y === 0n ? zero() : floorDiv(x, y);
      case '%': {
        if (y === 0n) zero();
        const r = x % y;
        return r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r;
      }
      case '**': {
        if (y < 0n) return Number(x) ** Number(y);
        const bits = x === 0n || x === 1n || x === -1n ? 0 : x.toString(2).length * Number(y);
        if (bits > MAX_POWER_BITS) throw new PyError('MemoryError', `a power this large is not allowed in a stream map`);
        return x ** y;
      }
    }
  }
  const fx = Number(x);
  const fy = Number(y);
  switch (op) {
    case '+':
      return fx + fy;
    case '-':
      return fx - fy;
    case '*':
      return fx * fy;
    case '/':
      return fy === 0 ? zero() : fx / fy;
    case '//':
      return fy === 0 ? zero() : Math.floor(fx / fy);
    case '%': {
      if (fy === 0) zero();
      const r = fx % fy;
      return r !== 0 && r < 0 !== fy < 0 ? r + fy : r;
    }
    case '**': {
      const r = fx ** fy;
      if (!Number.isFinite(r) && Number.isFinite(fx) && Number.isFinite(fy)) throw new PyError('OverflowError', 'numerical result out of range');
      return r;
    }
  }
  return unsupported(op, a, b);
}

export function unaryMinus(v: unknown, op: '-' | '+'): unknown {
  if (v instanceof PyDecimal) return op === '+' ? v : new PyDecimal(-v.coef, v.exp);
  const x = numeric(v);
  if (x === undefined) throw new PyError('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
  if (op === '+') return x;
  return typeof x === 'bigint' ? -x : -x;
}
