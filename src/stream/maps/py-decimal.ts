/**
 * Python's decimal.Decimal, for the numbers of a record: the Singer SDK's targets read JSON
 * numbers with a fraction or exponent as Decimal (parse_float=decimal.Decimal), so a stream map
 * computes `amount * 100` exactly (19.99 → 1999.00) and str() gives the number as written.
 * Value = coef × 10^exp; the exponent is kept (1.50 stays 1.50), as Decimal keeps it.
 * Division rounds to 28 significant digits (Decimal's default context), half-even.
 */
export class PyDecimal {
  constructor(
    readonly coef: bigint,
    readonly exp: number,
  ) {}

  static parse(text: string): PyDecimal | undefined {
    const m = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
    const frac = m[3] ?? '';
    const coef = BigInt((m[2] || '0') + frac) * (m[1] === '-' ? -1n : 1n);
    return new PyDecimal(coef, Number(m[4] ?? 0) - frac.length);
  }

  static fromInt(v: bigint): PyDecimal {
    return new PyDecimal(v, 0);
  }

  isZero(): boolean {
    return this.coef === 0n;
  }

  /** Python's str(Decimal): plain notation unless the exponent is positive or the number very small. */
  toString(): string {
    const neg = this.coef < 0n;
    const digits = (neg ? -this.coef : this.coef).toString();
    const adjusted = this.exp + digits.length - 1;
    let out: string;
    if (this.exp <= 0 && adjusted >= -6) {
      if (this.exp === 0) out = digits;
      else {
        const point = digits.length + this.exp;
        out = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
      }
    } else {
      const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
      out = `${mant}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
    }
    return neg ? `-${out}` : out;
  }

  toNumber(): number {
    return Number(this.toString());
  }
}

const pow10 = (n: number) => 10n ** BigInt(n);
const MAX_EXP_GAP = 10_000;

/** Both coefficients at the smaller exponent. */
function align(a: PyDecimal, b: PyDecimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  if (Math.abs(a.exp - b.exp) > MAX_EXP_GAP) throw new RangeError('the exponents of these decimals are too far apart');
  return [a.coef * pow10(a.exp - exp), b.coef * pow10(b.exp - exp), exp];
}

export function decimalCompare(a: PyDecimal, b: PyDecimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds coef × 10^exp to `digits` significant digits, half-even. */
function roundSignificant(coef: bigint, exp: number, digits: number): PyDecimal {
  const neg = coef < 0n;
  let c = neg ? -coef : coef;
  const len = c.toString().length;
  if (len <= digits) return new PyDecimal(coef, exp);
  const drop = len - digits;
  const unit = pow10(drop);
  let q = c / unit;
  const r = c % unit;
  const half = unit / 2n;
  if (r > half || (r === half && q % 2n === 1n)) q++;
  c = q;
  return new PyDecimal(neg ? -c : c, exp + drop);
}

const PRECISION = 28;

export function decimalBinary(op: string, a: PyDecimal, b: PyDecimal): PyDecimal {
  switch (op) {
    case '+':
    case '-': {
      const [x, y, exp] = align(a, b);
      return roundSignificant(op === '+' ? x + y : x - y, exp, PRECISION);
    }
    case '*':
      return roundSignificant(a.coef * b.coef, a.exp + b.exp, PRECISION);
    case '/': {
      if (b.isZero()) throw new RangeError('division by zero');
      const ideal = a.exp - b.exp;
      if (a.isZero()) return new PyDecimal(0n, ideal);
      // enough digits for 28 significant ones, then rounded, then trailing zeros down to the ideal exponent
      const shift = PRECISION + 2 + b.coef.toString().length - a.coef.toString().length + 1;
      const scale = Math.max(0, shift);
      const num = a.coef * pow10(scale);
      let q = num / b.coef;
      const exact = num % b.coef === 0n;
      // a sticky digit keeps half-even rounding right when the division was not exact
      let exp = ideal - scale;
      if (!exact) {
        q = q * 10n + (q >= 0n ? 1n : -1n);
        exp -= 1;
      }
      let d = roundSignificant(q, exp, PRECISION);
      let c = d.coef;
      let e = d.exp;
      while (e < ideal && c !== 0n && c % 10n === 0n) {
        c /= 10n;
        e++;
      }
      d = new PyDecimal(c, e);
      return d;
    }
    case '//':
    case '%': {
      if (b.isZero()) throw new RangeError('division by zero');
      const [x, y, exp] = align(a, b);
      // Decimal truncates toward zero (unlike int's floor)
      const q = x / y;
      return op === '//' ? new PyDecimal(q, 0) : new PyDecimal(x - q * y, exp);
    }
  }
  throw new TypeError(`unsupported operator ${op} for decimals`);
}

/** Decimal ** int. */
export function decimalPower(a: PyDecimal, n: bigint): PyDecimal {
  if (n < 0n) {
    const p = decimalPower(a, -n);
    return decimalBinary('/', new PyDecimal(1n, 0), p);
  }
  if (n > 10_000n) throw new RangeError('a power this large is not allowed in a stream map');
  let out = new PyDecimal(1n, 0);
  for (let i = 0n; i < n; i++) out = decimalBinary('*', out, a);
  return out;
}

/** int(Decimal): toward zero. */
export function decimalToInt(a: PyDecimal): bigint {
  return a.exp >= 0 ? a.coef * pow10(a.exp) : a.coef / pow10(-a.exp);
}

/** round(Decimal) and round(Decimal, n), half-even. */
export function decimalRound(a: PyDecimal, places: number | undefined): PyDecimal | bigint {
  const target = -(places ?? 0);
  if (a.exp >= target) return places === undefined ? decimalToInt(a) : new PyDecimal(a.coef * pow10(a.exp - target), target);
  const unit = pow10(target - a.exp);
  const neg = a.coef < 0n;
  const c = neg ? -a.coef : a.coef;
  let q = c / unit;
  const r = c % unit;
  if (r * 2n > unit || (r * 2n === unit && q % 2n === 1n)) q++;
  const rounded = neg ? -q : q;
  return places === undefined ? rounded : new PyDecimal(rounded, target);
}
