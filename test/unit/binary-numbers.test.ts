import { describe, expect, it } from 'vitest';
import { fieldOf, hex, numericText, payload } from './binary-fields.js';

const int = (pgType: string, text: string): string | null => {
  const f = fieldOf(pgType, text);
  if (f === null) return null;
  const p = payload(f)!;
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return String(p.length === 2 ? dv.getInt16(0) : p.length === 4 ? dv.getInt32(0) : dv.getBigInt64(0));
};

describe('integer writers', () => {
  it('smallint: its range, edges included; one past them declines', () => {
    expect(int('smallint', '32767')).toBe('32767');
    expect(int('smallint', '-32768')).toBe('-32768');
    expect(int('smallint', '32768')).toBeNull();
    expect(int('smallint', '-32769')).toBeNull();
    expect(int('int2', '0')).toBe('0');
    expect(hex(fieldOf('smallint', '-1'))).toBe('00000002ffff');
  });

  it('integer: its range, edges included', () => {
    expect(int('integer', '2147483647')).toBe('2147483647');
    expect(int('integer', '-2147483648')).toBe('-2147483648');
    expect(int('integer', '2147483648')).toBeNull();
    expect(int('integer', '-2147483649')).toBeNull();
    expect(int('int4', '00000000000000000000042')).toBe('42');
    expect(hex(fieldOf('integer', '-2'))).toBe('00000004fffffffe');
  });

  it('bigint: all 19 digits exact, edges included', () => {
    expect(int('bigint', '9223372036854775807')).toBe('9223372036854775807');
    expect(int('bigint', '-9223372036854775808')).toBe('-9223372036854775808');
    expect(int('bigint', '9223372036854775808')).toBeNull();
    expect(int('bigint', '-9223372036854775809')).toBeNull();
    expect(int('bigint', '99999999999999999999')).toBeNull();
    expect(int('bigint', '1234567890123456789')).toBe('1234567890123456789');
    expect(int('bigint', '-4294967296')).toBe('-4294967296');
    expect(int('bigint', '-4294967295')).toBe('-4294967295');
    expect(int('bigint', '9007199254740993')).toBe('9007199254740993');
    expect(int('int8', '-0')).toBe('0');
    expect(int('bigint', '+17')).toBe('17');
    expect(int('bigint', '-000000000000000000000000001')).toBe('-1');
  });

  it('declines what int*in reads differently across versions or refuses', () => {
    for (const t of ['', '-', '+', ' 1', '1 ', '1_000', '0x10', '0o7', '0b1', '1.0', '1e3', '١', '--1', '+-1', 'NaN']) {
      for (const type of ['smallint', 'integer', 'bigint']) expect(fieldOf(type, t), `${type} ${JSON.stringify(t)}`).toBeNull();
    }
  });
});

const num = (text: string, type = 'numeric') => {
  const f = fieldOf(type, text);
  return f === null ? null : numericText(payload(f)!);
};

describe('numeric writer', () => {
  it('keeps the dscale numeric_in gives: fraction digits minus the exponent, at least 0', () => {
    expect(num('0')).toBe('0');
    expect(num('-0')).toBe('0');
    expect(num('0.000')).toBe('0.000');
    expect(num('-0.000')).toBe('0.000');
    expect(num('1.50')).toBe('1.50');
    expect(num('1.500e1')).toBe('15.00');
    expect(num('1.5e3')).toBe('1500');
    expect(num('1e-7')).toBe('0.0000001');
    expect(num('1E-7')).toBe('0.0000001');
    expect(num('1.0e-7')).toBe('0.00000010');
    expect(num('12.5e-1')).toBe('1.25');
    expect(num('1e+2')).toBe('100');
    expect(num('0e5')).toBe('0');
    expect(num('0.00e-3')).toBe('0.00000');
    expect(num('5.')).toBe('5');
    expect(num('.5')).toBe('0.5');
    expect(num('+.5')).toBe('0.5');
    expect(num('-.5e1')).toBe('-5');
  });

  it('base-10000 digit alignment around the decimal point', () => {
    expect(num('1000')).toBe('1000');
    expect(num('10000')).toBe('10000');
    expect(num('9999')).toBe('9999');
    expect(num('100000000')).toBe('100000000');
    expect(num('0.0001')).toBe('0.0001');
    expect(num('0.00001')).toBe('0.00001');
    expect(num('0.12345')).toBe('0.12345');
    expect(num('12345.6789')).toBe('12345.6789');
    expect(num('-1234.56780')).toBe('-1234.56780');
    expect(num('000123.4500')).toBe('123.4500');
    // 10000 is one digit with weight 1; trailing zero groups are not stored
    expect(hex(fieldOf('numeric', '10000'))).toBe('0000000a' + '0001' + '0001' + '0000' + '0000' + '0001');
    expect(hex(fieldOf('numeric', '-0.0001'))).toBe('0000000a' + '0001' + 'ffff' + '4000' + '0004' + '0001');
  });

  it('long digit runs stay exact', () => {
    const long = '1234567890'.repeat(12) + '.' + '0987654321'.repeat(11) + '0';
    expect(num(long)).toBe(long);
    expect(num('-' + '9'.repeat(150))).toBe('-' + '9'.repeat(150));
    expect(num('0.' + '0'.repeat(99) + '1')).toBe('0.' + '0'.repeat(99) + '1');
    expect(num('1e100')).toBe('1' + '0'.repeat(100));
    expect(num('1e-100')).toBe('0.' + '0'.repeat(99) + '1');
    expect(num('123456789012345678901234567890e-20')).toBe('1234567890.12345678901234567890');
  });

  it('a typmod is left to numeric_recv (it rounds and checks precision like numeric_in)', () => {
    expect(num('1.005', 'numeric(10,2)')).toBe('1.005');
    expect(num('1.005', 'decimal(5)')).toBe('1.005');
  });

  it('declines NaN, infinities, spaces, underscores, hex and what numeric cannot store', () => {
    for (const t of ['', '-', '.', '+.', 'e5', '1e', '1e+', '1.2.3', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', ' 1', '1 ', '1_000', '0x1F', '1,5', '1e1.5', '--1', '1e10000000']) {
      expect(fieldOf('numeric', t), JSON.stringify(t)).toBeNull();
    }
    expect(fieldOf('numeric', '1e-16384')).toBeNull(); // dscale 16384 > 16383
    expect(num('1e-16383')).toBe('0.' + '0'.repeat(16382) + '1');
    expect(fieldOf('numeric', '1e131072')).toBeNull(); // weight 32768
    expect(fieldOf('numeric', '1e131071')).not.toBeNull(); // weight 32767
  });
});
