import { describe, expect, it } from 'vitest';
import { isUtf8 } from 'node:buffer';
import { isDateTimeBytes, scanNumber, scanString, scanned } from '../../src/stream/transcode/json-bytes.js';
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

describe('scanString: a string with bytes past ASCII is taken only when they are UTF-8', () => {
  it('agrees with Node’s isUtf8 on edge cases and 200,000 random byte strings', () => {
    const edges = [
      [0xc2, 0x80], [0xc1, 0xbf], [0xdf, 0xbf], [0xe0, 0xa0, 0x80], [0xe0, 0x9f, 0xbf], [0xed, 0x9f, 0xbf], [0xed, 0xa0, 0x80],
      [0xef, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3, 0xa9, 0x41],
    ];
    const r = prng(7);
    const random = Array.from({ length: 200_000 }, () => {
      const n = 1 + Math.floor(r() * 6);
      // bytes past ASCII, mostly, with the odd letter between them
      return Array.from({ length: n }, () => (r() < 0.15 ? 0x41 : 0x80 + Math.floor(r() * 0x80)));
    });
    let taken = 0;
    for (const body of [...edges, ...random]) {
      const src = Uint8Array.from([0x22, ...body, 0x22]);
      const end = scanString(src, 0, src.length);
      const utf8 = isUtf8(Uint8Array.from(body));
      expect({ body, end }).toEqual({ body, end: utf8 ? src.length : -1 });
      if (utf8) {
        taken++;
        expect(scanned.high).toBe(body.some((b) => b >= 0x80));
      }
    }
    // both outcomes are exercised
    expect(taken).toBeGreaterThan(1000);
  });
});
