import { describe, expect, it } from 'vitest';
import { isDateTimeBytes, scanNumber, scanned } from '../../src/stream/transcode/json-bytes.js';
import { isDateTime } from '../../src/stream/formats.js';
import { prng } from '../helpers/record-generator.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('isDateTimeBytes: the date-time check of the transcoder, on bytes', () => {
  it('agrees with isDateTime on edge cases and 200,000 mutated date-times', () => {
    const cases = ['2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '1900-02-29 00:00', '2000-02-29t23:59:60.123456789z', '2024-01-01T24:00:00Z', '2024-01-01T00:60Z', '2024-13-01T00:00Z', '2024-00-10T00:00Z', '2024-04-31T00:00Z', '2024-01-01T00:00:00+23:59', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00-0530', '2024-01-01T00:00:00+05', '2024-01-01T00:00:00+5', '2024-01-01T00:00.5Z', '2024-01-01T00:00:00.Z', '2024-01-01X00:00:00Z', '2024-01-01T00:00:00ZZ', '2024-1-01T00:00:00Z', '2024-01-01T00:00'];
    for (const c of cases) expect(isDateTimeBytes(bytes(c), 0, c.length), c).toBe(isDateTime(c));
    const r = prng(7);
    const alphabet = '0123456789-:T tZz+.x';
    for (let n = 0; n < 200_000; n++) {
      const base = cases[Math.floor(r() * cases.length)].split('');
      const edits = 1 + Math.floor(r() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(r() * (base.length + 1));
        const op = r();
        const ch = alphabet[Math.floor(r() * alphabet.length)];
        if (op < 0.4) base[at] = ch;
        else if (op < 0.7) base.splice(at, 0, ch);
        else base.splice(at, 1);
      }
      const s = base.join('');
      if (isDateTimeBytes(bytes(s), 0, s.length) !== isDateTime(s)) expect({ s, bytes: isDateTimeBytes(bytes(s), 0, s.length) }).toEqual({ s, bytes: isDateTime(s) });
    }
  });
});

describe('scanNumber: only numbers a double prints digit for digit', () => {
  it('accepts exactly the texts the generic path writes back unchanged', () => {
    const r = prng(11);
    for (let n = 0; n < 100_000; n++) {
      const int = String(Math.floor(r() * 10 ** Math.floor(r() * 22)));
      const frac = r() < 0.5 ? '' : '.' + String(Math.floor(r() * 1e9)).padStart(Math.floor(r() * 12), '0');
      const t = (r() < 0.3 ? '-' : '') + int + frac;
      const end = scanNumber(bytes(t + ','), 0, t.length + 1);
      if (end === t.length) {
        // what the generic path writes: the text itself when a double keeps it, else the text kept exactly
        const n = Number(t);
        if (String(n) !== t) expect({ t, digits: t.replace(/[-.]/g, '').replace(/^0+/, '').length > 15 }).toEqual({ t, digits: true });
        expect(scanned.integer).toBe(!t.includes('.'));
      }
    }
    for (const declined of ['1.50', '1e5', '1E-5', '-0', '01', '0.0000001', '1234567890123456789012', '.5', '1.', '-']) expect(scanNumber(bytes(declined + ','), 0, declined.length + 1), declined).toBe(-1);
    for (const taken of ['0', '-0.5', '0.000001', '123456789012345678901', '6.178139243274927']) expect(scanNumber(bytes(taken + ','), 0, taken.length + 1), taken).toBe(taken.length);
  });
});
