import { describe, expect, it } from 'vitest';
import { daysSince2000, tapStamp, writeTapTimestamptz } from '../../src/stream/binary/date-time.js';
import { fieldOf, int64Of, payload, timestampText, valueField } from './binary-fields.js';

const ts = (text: string, type = 'timestamp with time zone'): string | null => {
  const f = fieldOf(type, text);
  return f === null ? null : timestampText(int64Of(payload(f)!));
};
const date = (text: string): number | null => {
  const f = fieldOf('date', text);
  return f === null ? null : new DataView(payload(f)!.buffer, payload(f)!.byteOffset).getInt32(0);
};
const time = (text: string, type = 'time without time zone'): string | null => {
  const f = fieldOf(type, text);
  if (f === null) return null;
  const p = payload(f)!;
  const us = int64Of(p);
  const zone = p.length === 12 ? ` zone ${new DataView(p.buffer, p.byteOffset).getInt32(8)}` : '';
  return `${us}${zone}`;
};

describe('timestamptz writer', () => {
  it('microseconds since 2000-01-01 UTC; no offset means UTC (the session TimeZone)', () => {
    expect(int64Of(payload(fieldOf('timestamptz', '2000-01-01T00:00:00Z')!)!)).toBe(0n);
    expect(int64Of(payload(fieldOf('timestamptz', '2000-01-01 00:00:00.000001')!)!)).toBe(1n);
    expect(int64Of(payload(fieldOf('timestamptz', '1999-12-31T23:59:59.999999Z')!)!)).toBe(-1n);
    expect(ts('2024-02-29T12:34:56.789Z')).toBe('2024-02-29 12:34:56.789000');
    expect(ts('2024-02-29t12:34:56.789z')).toBe('2024-02-29 12:34:56.789000');
    expect(ts('2024-02-29 12:34')).toBe('2024-02-29 12:34:00.000000');
    expect(ts('0001-01-01T00:00:00Z')).toBe('0001-01-01 00:00:00.000000');
    expect(ts('9999-12-31T23:59:59.999999Z')).toBe('9999-12-31 23:59:59.999999');
    expect(ts('1970-01-01T00:00:00Z')).toBe('1970-01-01 00:00:00.000000');
    expect(ts('1900-03-01T00:00:00Z')).toBe('1900-03-01 00:00:00.000000');
  });

  it('applies ±HH, ±HHMM and ±HH:MM offsets (up to 15:59)', () => {
    expect(ts('2020-01-01T10:00:00+05:30')).toBe('2020-01-01 04:30:00.000000');
    expect(ts('2020-01-01T10:00:00+0530')).toBe('2020-01-01 04:30:00.000000');
    expect(ts('2020-01-01T10:00:00-05')).toBe('2020-01-01 15:00:00.000000');
    expect(ts('2020-01-01T00:00:00+15:59')).toBe('2019-12-31 08:01:00.000000');
    expect(ts('2020-01-01T00:00-00:00')).toBe('2020-01-01 00:00:00.000000');
    expect(ts('9999-12-31T23:00:00-05:00')).toBe('10000-01-01 04:00:00.000000');
    expect(ts('0001-01-01T00:00:00+01:00')).toBe('0000-12-31 23:00:00.000000');
  });

  it('fractions of 1 to 6 digits are the microseconds', () => {
    expect(ts('2020-01-01T00:00:00.1Z')).toBe('2020-01-01 00:00:00.100000');
    expect(ts('2020-01-01T00:00:00.12Z')).toBe('2020-01-01 00:00:00.120000');
    expect(ts('2020-01-01T00:00:00.123Z')).toBe('2020-01-01 00:00:00.123000');
    expect(ts('2020-01-01T00:00:00.1234Z')).toBe('2020-01-01 00:00:00.123400');
    expect(ts('2020-01-01T00:00:00.12345Z')).toBe('2020-01-01 00:00:00.123450');
    expect(ts('2020-01-01T00:00:00.123456Z')).toBe('2020-01-01 00:00:00.123456');
    expect(ts('1960-06-15T08:09:10.000007Z')).toBe('1960-06-15 08:09:10.000007');
  });

  it('longer fractions round as ParseFractionalSecond does: rint(strtod(".f") * 1e6), carrying', () => {
    expect(ts('2020-01-01T00:00:00.1234567Z')).toBe('2020-01-01 00:00:00.123457');
    expect(ts('2020-01-01T00:00:00.1234560000Z')).toBe('2020-01-01 00:00:00.123456');
    expect(ts('2020-01-01T00:00:00.0000005Z')).toBe('2020-01-01 00:00:00.000000'); // 0.5 exactly: to even
    expect(ts('2020-01-01T00:00:00.0000015Z')).toBe('2020-01-01 00:00:00.000002');
    expect(ts('2020-12-31T23:59:59.9999999Z')).toBe('2021-01-01 00:00:00.000000');
  });

  it('declines what it cannot prove', () => {
    for (const t of [
      '2020-01-01T24:00:00Z',
      '2020-01-01T23:59:60Z',
      '2020-01-01T23:60:00Z',
      '2019-02-29T00:00:00Z',
      '2020-04-31T00:00:00Z',
      '2020-13-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '10000-01-01T00:00:00Z',
      '2020-01-01',
      '2020-01-01T',
      '2020-01-01T1:00:00Z',
      '2020-01-01T10:00:00 Z',
      '2020-01-01T10:00:00+16:00',
      '2020-01-01T10:00:00+05:60',
      '2020-01-01T10:00:00+5',
      '2020-01-01T10:00:00+05:00:00',
      '2020-01-01T10:00:00.Z',
      '2020-01-01T10:00:00.' + '1'.repeat(33) + 'Z',
      '2020-01-01T10:00:00UTC',
      '2020-01-01T10:00:00+05:30[Asia/Kolkata]',
      '2020-01-01X10:00:00Z',
      '2020/01/01 10:00:00',
      ' 2020-01-01T10:00:00Z',
      'now',
      'infinity',
      '20200101T100000Z',
    ]) {
      expect(ts(t), t).toBeNull();
    }
  });

  it('timestamp without time zone ignores an offset, as timestamp_in does', () => {
    expect(ts('2020-01-01T10:00:00+05:30', 'timestamp without time zone')).toBe('2020-01-01 10:00:00.000000');
    expect(ts('2020-01-01 10:00:00.5', 'timestamp')).toBe('2020-01-01 10:00:00.500000');
    expect(ts('1999-12-31 23:59:59', 'timestamp(3)')).toBe('1999-12-31 23:59:59.000000');
  });

  it('a timestamp without time zone value converts an offset to UTC wall-clock time first, as csv.ts does', () => {
    const v = valueField('timestamp without time zone', '2020-01-01T01:00:00.25+02:00');
    expect(v).not.toBe('decline');
    expect(timestampText(int64Of(payload(v as Uint8Array)!))).toBe('2019-12-31 23:00:00.250000');
    // toUtcWallClock would write year 0000, which PostgreSQL refuses: declined
    expect(valueField('timestamp', '0001-01-01T00:30:00+01:00')).toBe('decline');
  });
});

describe('date writer', () => {
  it('days since 2000-01-01, leap years included', () => {
    expect(date('2000-01-01')).toBe(0);
    expect(date('1999-12-31')).toBe(-1);
    expect(date('2000-02-29')).toBe(59);
    expect(date('2024-02-29')).toBe(daysSince2000(2024, 2, 29));
    expect(date('1970-01-01')).toBe(-10957);
    expect(date('0001-01-01')).toBe(-730119);
    expect(date('9999-12-31')).toBe(2921939);
    expect(date('1900-02-29')).toBeNull();
    expect(date('2100-02-29')).toBeNull();
    expect(date('2400-02-29')).toBe(daysSince2000(2400, 2, 29));
    for (const t of ['2020-1-01', '2020-01-01T00:00:00Z', '20200101', '0000-01-01', '2020-00-10', '2020-01-32', ' 2020-01-01', 'today', 'epoch']) {
      expect(date(t), t).toBeNull();
    }
  });
});

describe('time and timetz writers', () => {
  it('microseconds of the day; time ignores an offset, timetz keeps it as seconds west', () => {
    expect(time('00:00')).toBe('0');
    expect(time('23:59:59.999999')).toBe('86399999999');
    expect(time('23:59:59.9999999')).toBe('86400000000');
    expect(time('12:00:00+05:30')).toBe('43200000000');
    expect(time('12:00:00Z')).toBe('43200000000');
    expect(time('12:00:00+05:30', 'time with time zone')).toBe('43200000000 zone -19800');
    expect(time('12:00:00-0800', 'timetz')).toBe('43200000000 zone 28800');
    expect(time('12:00:00', 'time(3) with time zone')).toBe('43200000000 zone 0');
    for (const t of ['24:00:00', '12:60', '12:00:60', '1:00', '12', '12:00:00 +05', 'allballs', '12:00:00.', 'T12:00']) {
      expect(time(t), t).toBeNull();
    }
  });
});

describe('writeTapTimestamptz (the form taps write, in one pass)', () => {
  it('writes what writeTimestamptz writes for every text it takes, and takes the form taps write', () => {
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    let taken = 0;
    for (let n = 0; n < 20000; n++) {
      // mostly valid stamps, now and then a field out of range or another spelling
      const y = r() < 0.02 ? 0 : 1 + Math.floor(r() * 9999);
      const mo = Math.floor(r() * 13.2);
      const d = Math.floor(r() * 32);
      const h = Math.floor(r() * 24.5);
      const mi = Math.floor(r() * 60.3);
      const s = Math.floor(r() * 60.3);
      const frac = ['', '.5', '.123', '.999999', '.1234567', '.'][Math.floor(r() * 6)];
      const zone = ['Z', '+00:00', '-15:59', '+16:00', '+05:30', 'z', '', '+0530'][Math.floor(r() * 8)];
      const sep = r() < 0.95 ? 'T' : ' ';
      const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}${sep}${pad(h)}:${pad(mi)}:${pad(s)}${frac}${zone}`;
      const src = Buffer.from(text + '"');
      const fast = new Uint8Array(16);
      const end = writeTapTimestamptz(src, 0, fast, 0);
      if (end < 0) continue;
      taken++;
      expect(tapStamp.end, text).toBe(text.length);
      expect(Buffer.from(fast.subarray(0, end)).toString('hex'), text).toBe(Buffer.from(fieldOf('timestamptz', text)!).toString('hex'));
    }
    expect(taken).toBeGreaterThan(3000);
  });

  it('leaves any other spelling to the general writer', () => {
    for (const text of ['2024-02-29t12:34:56Z', '2024-02-29T12:34:56z', '2024-02-29 12:34:56Z', '2024-02-29T12:34Z', '2024-02-29T12:34:56', '2024-02-29T12:34:56+05', '2024-02-29T12:34:56.1234567Z', '2023-02-29T12:34:56Z', '2024-02-29T12:34:60Z', '0000-01-01T00:00:00Z'])
      expect(writeTapTimestamptz(Buffer.from(text + '"'), 0, new Uint8Array(16), 0), text).toBe(-1);
  });
});
