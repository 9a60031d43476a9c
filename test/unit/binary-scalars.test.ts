import { describe, expect, it } from 'vitest';
import { fieldOf, hex, payload } from './binary-fields.js';

const bool = (t: string) => hex(fieldOf('boolean', t));

describe('boolean writer', () => {
  it("reads boolin's words and their prefixes, case-insensitively", () => {
    for (const t of ['t', 'tr', 'tru', 'true', 'TRUE', 'True', 'y', 'ye', 'yes', 'on', 'ON', '1']) expect(bool(t), t).toBe('0000000101');
    for (const t of ['f', 'fa', 'fal', 'fals', 'false', 'FALSE', 'n', 'no', 'of', 'off', 'OFF', '0']) expect(bool(t), t).toBe('0000000100');
  });

  it('declines the rest', () => {
    for (const t of ['', 'o', 'truee', 'yess', 'onn', 'offf', '2', '01', '00', '-1', ' t', 't ', 'x', 'null', 'tak']) expect(bool(t), t).toBeNull();
  });
});

describe('uuid writer', () => {
  const bytes = '0123456789abcdef0123456789abcdef';
  it("accepts string_to_uuid's forms", () => {
    for (const t of [
      '01234567-89ab-cdef-0123-456789abcdef',
      '01234567-89AB-CDEF-0123-456789ABCDEF',
      '{01234567-89ab-cdef-0123-456789abcdef}',
      '0123456789abcdef0123456789abcdef',
      '{0123456789abcdef0123456789abcdef}',
      '0123-4567-89ab-cdef-0123-4567-89ab-cdef',
      '01234567-89abcdef-01234567-89abcdef',
    ]) {
      expect(hex(payload(fieldOf('uuid', t) ?? new Uint8Array([255, 255, 255, 255]))), t).toBe(bytes);
    }
  });

  it('declines the rest', () => {
    for (const t of [
      '',
      '01234567-89ab-cdef-0123-456789abcde',
      '01234567-89ab-cdef-0123-456789abcdef0',
      '01234567-89ab-cdef-0123-456789abcdef-',
      '012345678-9ab-cdef-0123-456789abcdef',
      '01234567--89ab-cdef-0123-456789abcdef',
      '{01234567-89ab-cdef-0123-456789abcdef',
      '01234567-89ab-cdef-0123-456789abcdef}',
      ' 01234567-89ab-cdef-0123-456789abcdef',
      '0123456g-89ab-cdef-0123-456789abcdef',
      '-0123456789abcdef0123456789abcdef',
    ]) {
      expect(fieldOf('uuid', t), t).toBeNull();
    }
  });
});

describe('bytea writer', () => {
  it('decodes the \\x hex form', () => {
    expect(hex(fieldOf('bytea', '\\x'))).toBe('00000000');
    expect(hex(fieldOf('bytea', '\\xdeadBEEF'))).toBe('00000004deadbeef');
    expect(fieldOf('bytea', '\\xabc')).toBeNull();
    expect(fieldOf('bytea', '\\xab cd')).toBeNull();
    expect(fieldOf('bytea', '\\xzz')).toBeNull();
  });

  it('decodes the escape form: \\\\ and \\ooo; other text as it is (ASCII only)', () => {
    expect(hex(payload(fieldOf('bytea', 'abc')!))).toBe('616263');
    expect(hex(payload(fieldOf('bytea', 'a\\\\b')!))).toBe('615c62');
    expect(hex(payload(fieldOf('bytea', '\\000\\377\\101')!))).toBe('00ff41');
    expect(hex(payload(fieldOf('bytea', '')!))).toBe('');
    for (const t of ['\\', 'a\\', '\\400', '\\08', '\\12', '\\X00', 'é']) expect(fieldOf('bytea', t), t).toBeNull();
  });
});

describe('text, json and jsonb writers', () => {
  it('text types carry the bytes; a typmod is applied by the receive function', () => {
    for (const type of ['text', 'character varying', 'varchar(3)', 'character(10)', 'bpchar', 'json']) {
      expect(Buffer.from(payload(fieldOf(type, 'héllo, "wörld" 😀')!)!).toString()).toBe('héllo, "wörld" 😀');
      expect(hex(fieldOf(type, ''))).toBe('00000000');
      expect(fieldOf(type, 'a\u0000b')).toBeNull();
    }
    const long = 'x'.repeat(1000) + 'é';
    expect(Buffer.from(payload(fieldOf('text', long)!)!).toString()).toBe(long);
    expect(fieldOf('text', long + '\u0000')).toBeNull();
  });

  it('jsonb is version 1 and the text', () => {
    expect(hex(fieldOf('jsonb', '{"a":1}'))).toBe('00000008' + '01' + Buffer.from('{"a":1}').toString('hex'));
  });
});

describe('array literal writer', () => {
  it("reads the CSV path's literal: quoted elements with \\ escapes, NULL", () => {
    const f = fieldOf('text[]', '{"a","b\\"c","d\\\\e",NULL,"NULL",""}')!;
    const p = payload(f)!;
    const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
    expect([dv.getInt32(0), dv.getInt32(4), dv.getInt32(8), dv.getInt32(12), dv.getInt32(16)]).toEqual([1, 1, 25, 6, 1]);
    const items: (string | null)[] = [];
    for (let o = 20; o < p.length; ) {
      const n = dv.getInt32(o);
      o += 4;
      if (n < 0) items.push(null);
      else {
        items.push(Buffer.from(p.subarray(o, o + n)).toString());
        o += n;
      }
    }
    expect(items).toEqual(['a', 'b"c', 'd\\e', null, 'NULL', '']);
  });

  it('empty array is ndim 0; element types give their OIDs', () => {
    expect(hex(fieldOf('bigint[]', '{}'))).toBe('0000000c' + '00000000' + '00000000' + '00000014');
    expect(hex(fieldOf('integer[]', '{"1","-2"}'))).toBe('00000024' + '00000001' + '00000000' + '00000017' + '00000002' + '00000001' + '0000000400000001' + '00000004fffffffe');
    expect(fieldOf('timestamptz[]', '{"2020-01-01T00:00:00Z"}')).not.toBeNull();
    expect(fieldOf('character varying(5)[]', '{"abc"}')).not.toBeNull();
  });

  it('declines other literal forms and elements their writer declines', () => {
    for (const t of ['', '{', '}', '{1}', '{"1",}', '{,"1"}', '{"1" ,"2"}', ' {"1"}', '{"1"}x', '{{"1"}}', '[1:1]={"1"}', '{null}', '{"1"', '{"1}', '{"x"}']) {
      expect(fieldOf('bigint[]', t), t).toBeNull();
    }
  });
});
