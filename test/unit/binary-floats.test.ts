import { describe, expect, it } from 'vitest';
import { fieldOf, payload, valueField } from './binary-fields.js';

const f8 = (text: string): number | null => {
  const f = fieldOf('double precision', text);
  return f === null ? null : new DataView(payload(f)!.buffer, payload(f)!.byteOffset).getFloat64(0);
};
const f4 = (text: string): number | null => {
  const f = fieldOf('real', text);
  return f === null ? null : new DataView(payload(f)!.buffer, payload(f)!.byteOffset).getFloat32(0);
};

describe('double precision writer', () => {
  it('reads like strtod (correctly rounded), -0 kept', () => {
    expect(f8('0.1')).toBe(0.1);
    expect(f8('-1.5e300')).toBe(-1.5e300);
    expect(f8('1.7976931348623157e308')).toBe(Number.MAX_VALUE);
    expect(f8('2.2250738585072014e-308')).toBe(2.2250738585072014e-308);
    expect(Object.is(f8('-0'), -0)).toBe(true);
    expect(Object.is(f8('0.000e-500'), 0)).toBe(true);
    expect(f8('5.')).toBe(5);
    expect(f8('.5')).toBe(0.5);
    expect(f8('+1E+2')).toBe(100);
    expect(f8('9007199254740993')).toBe(9007199254740992);
    expect(f8('0.' + '3'.repeat(300))).toBe(1 / 3);
  });

  it('declines overflow, underflow, subnormals and forms beyond the plain decimal ones', () => {
    for (const t of ['1e309', '-1e400', '1e-400', '4.9e-324', '1e-310', 'NaN', 'Infinity', '-inf', '0x1p3', ' 1', '1 ', '', '.', 'e1', '1e', '1_0', '1'.repeat(401)]) {
      expect(f8(t), JSON.stringify(t)).toBeNull();
    }
  });

  it('a JS number is written as its String() text reads: -0 prints as "0"', () => {
    const bits = (v: unknown) => {
      const f = valueField('double precision', v);
      return f === 'decline' ? f : Buffer.from(f).toString('hex');
    };
    expect(bits(-0)).toBe(bits(0));
    expect(bits(0.1)).toBe(Buffer.from(fieldOf('double precision', '0.1')!).toString('hex'));
    expect(bits(5e-324)).toBe('decline');
  });
});

describe('real writer', () => {
  it('rounds like strtof', () => {
    expect(f4('0.1')).toBe(Math.fround(0.1));
    expect(f4('3.4028235e38')).toBe(3.4028234663852886e38);
    expect(f4('1.17549435e-38')).toBe(Math.fround(1.17549435e-38));
    expect(Object.is(f4('-0'), -0)).toBe(true);
    expect(f4('16777217.5')).toBe(16777218);
    expect(f4('16777216.9')).toBe(16777216);
  });

  it('a double on the midpoint of two floats: rounds to even when the decimal is that midpoint exactly, else declines', () => {
    // 1 + 2^-24 is the midpoint of 1 and 1 + 2^-23, exact as a double and as this decimal
    expect(f4('1.000000059604644775390625')).toBe(1);
    expect(f4('16777217')).toBe(16777216);
    expect(f4('16777217.0')).toBe(16777216);
    expect(f4('1.6777217e7')).toBe(16777216);
    expect(f4('16777219')).toBe(16777220);
    expect(f4('-16777219')).toBe(-16777220);
    expect(valueField('real', 16777217)).toEqual(fieldOf('real', '16777216'));
    // its nearest double is the midpoint, the decimal is not: declined
    expect(f4('1.0000000596046448')).toBeNull();
    // clearly above the midpoint: strtof and fround agree
    expect(f4('1.00000006')).toBe(1 + 2 ** -23);
    expect(f4('1.00000005')).toBe(1);
    // a decimal just above the midpoint whose double IS the midpoint: declined (strtof would round up)
    expect(f4('1.00000005960464477539062500001')).toBeNull();
    // FLT_MAX + half an ulp rounds to infinity in fround; declined either way
    expect(f4('3.4028235677973366e38')).toBeNull();
  });

  it('declines overflow, underflow and subnormal floats', () => {
    for (const t of ['3.5e38', '1e39', '1e-46', '1e-40', 'NaN', 'inf']) expect(f4(t), t).toBeNull();
  });
});
