import { describe, expect, it } from 'vitest';
import { ExactNumber } from '../../src/protocol/exact-json.js';
import { encoderFor, hexToBytea, quoteCsv } from '../../src/stream/csv.js';
import { parseArrayLiteral, parseCsvRecord } from './reference-csv.js';

/** Reads one CSV field (no record terminator). */
function field(text: string): string | null {
  return parseCsvRecord(text + '\n')[0];
}

const hostile = [
  '',
  ' ',
  'plain',
  'a,b',
  'say "hi"',
  '"',
  '""',
  '"quoted"',
  'line1\nline2',
  'cr\rlf\r\n',
  '\n',
  '\\',
  'back\\slash\\',
  'tab\there',
  '\\N',
  'NULL',
  '\\.',
  '\\.\n',
  '\n\\.\n',
  ',',
  ',,,',
  "it's",
  '日本語 😀',
  '{"json":"like"}',
  '{a,b}',
  '   padded   ',
];

describe('quoteCsv', () => {
  it('always quotes, doubling embedded quotes', () => {
    expect(quoteCsv('')).toBe('""');
    expect(quoteCsv('a')).toBe('"a"');
    expect(quoteCsv('a"b""c')).toBe('"a""b""""c"');
  });

  it.each(hostile)('round-trips %j', (s) => {
    expect(field(quoteCsv(s))).toBe(s);
  });
});

describe('text encoder', () => {
  const text = encoderFor('text');

  it('writes NULL as an empty unquoted field and the empty string as ""', () => {
    expect(text(null, false)).toBe('');
    expect(text(undefined, false)).toBe('');
    expect(text('', false)).toBe('""');
    expect(field(text(null, false))).toBeNull();
    expect(field(text('', false))).toBe('');
  });

  it.each(hostile)('round-trips hostile string %j', (s) => {
    const encoded = text(s, false);
    expect(encoded.startsWith('"')).toBe(true);
    expect(field(encoded)).toBe(s);
  });

  it('quotes \\N and \\. so COPY never reads them as NULL or end of data', () => {
    expect(text('\\N', false)).toBe('"\\N"');
    expect(text('\\.', false)).toBe('"\\."');
  });

  it('writes non-strings as their text', () => {
    expect(text(5, false)).toBe('"5"');
    expect(text(true, false)).toBe('"true"');
    expect(text(new ExactNumber('99999999999999999'), true)).toBe('"99999999999999999"');
    expect(field(text({ a: 'x"y' }, false))).toBe('{"a":"x\\"y"}');
    expect(field(text([1, new ExactNumber('12345678901234567')], true))).toBe('[1,12345678901234567]');
  });

  it('is used for character varying, timestamps, dates, times, uuids and unknown types', () => {
    for (const t of ['character varying(16)', 'timestamptz', 'timestamp with time zone', 'date', 'time', 'uuid', 'interval', 'citext']) {
      const enc = encoderFor(t);
      expect(enc('a"b', false)).toBe('"a""b"');
      expect(enc(null, false)).toBe('');
    }
  });
});

describe('number encoders', () => {
  it('writes finite numbers unquoted', () => {
    const n = encoderFor('numeric');
    expect(n(1, false)).toBe('1');
    expect(n(-2.5, false)).toBe('-2.5');
    expect(n(0, false)).toBe('0');
    expect(encoderFor('bigint')(42, false)).toBe('42');
    expect(encoderFor('smallint')(null, false)).toBe('');
  });

  it('keeps the digits of ExactNumber values', () => {
    expect(field(encoderFor('numeric')(new ExactNumber('0.123456789012345678901234567890'), true))).toBe('0.123456789012345678901234567890');
    expect(field(encoderFor('bigint')(new ExactNumber('-9223372036854775808'), true))).toBe('-9223372036854775808');
  });

  it('quotes non-finite numbers and strings', () => {
    expect(field(encoderFor('double precision')(Infinity, false))).toBe('Infinity');
    expect(field(encoderFor('numeric')(NaN, false))).toBe('NaN');
    expect(field(encoderFor('numeric')('1.50', false))).toBe('1.50');
  });

  it('is used for all numeric catalog type names', () => {
    for (const t of ['integer', 'int4', 'int8', 'real', 'double precision', 'numeric(38,9)', 'decimal']) {
      expect(encoderFor(t)(7, false)).toBe('7');
    }
  });
});

describe('boolean encoder', () => {
  const b = encoderFor('boolean');
  it('writes t and f, NULL as empty', () => {
    expect(b(true, false)).toBe('t');
    expect(b(false, false)).toBe('f');
    expect(b(null, false)).toBe('');
    expect(encoderFor('bool')(true, false)).toBe('t');
  });
  it('quotes other values for PostgreSQL to judge', () => {
    expect(field(b('yes', false))).toBe('yes');
    expect(field(b(1, false))).toBe('1');
  });
});

describe('json encoder', () => {
  const j = encoderFor('jsonb');

  it('writes JSON text, quoted for CSV', () => {
    const v = { a: 'x,"y"\n', b: [1, null, true], c: { d: '\\' } };
    expect(JSON.parse(field(j(v, false)) as string)).toEqual(v);
  });

  it('encodes a bare string as a JSON string', () => {
    expect(field(j('hello', false))).toBe('"hello"');
    expect(field(j('', false))).toBe('""');
  });

  it('encodes scalars', () => {
    expect(field(j(5, false))).toBe('5');
    expect(field(j(false, false))).toBe('false');
  });

  it('writes NULL for null, not the JSON null', () => {
    expect(j(null, false)).toBe('');
    expect(j(undefined, false)).toBe('');
  });

  it('keeps ExactNumber digits when the line was exact', () => {
    const v = { big: new ExactNumber('99999999999999999'), list: [new ExactNumber('-9223372036854775808')] };
    expect(field(j(v, true))).toBe('{"big":99999999999999999,"list":[-9223372036854775808]}');
    expect(field(encoderFor('json')(new ExactNumber('1.000000000000000000001'), true))).toBe('1.000000000000000000001');
  });
});

describe('bytea', () => {
  it('drops an optional 0x, pads odd lengths with a leading 0 and lower-cases', () => {
    expect(hexToBytea('DEADBEEF')).toBe('\\xdeadbeef');
    expect(hexToBytea('0xABCD')).toBe('\\xabcd');
    expect(hexToBytea('0XabCD')).toBe('\\xabcd');
    expect(hexToBytea('abc')).toBe('\\x0abc');
    expect(hexToBytea('0xF')).toBe('\\x0f');
    expect(hexToBytea('')).toBe('\\x');
    expect(hexToBytea('0x')).toBe('\\x');
  });

  it('encodes bytea fields quoted, NULL as empty', () => {
    const enc = encoderFor('bytea');
    expect(enc('0xAbC', false)).toBe('"\\x0abc"');
    expect(field(enc('ff', false))).toBe('\\xff');
    expect(enc(null, false)).toBe('');
  });
});

describe('native arrays', () => {
  it('writes text[] elements quoted and backslash-escaped, with NULL elements', () => {
    const enc = encoderFor('text[]');
    const items = ['a', 'b"c', 'd\\e', null, '', 'NULL', 'x,y', '{}', ' sp ', 'nl\nx'];
    const encoded = enc(items, false);
    const literal = field(encoded) as string;
    expect(literal).toBe('{"a","b\\"c","d\\\\e",NULL,"","NULL","x,y","{}"," sp ","nl\nx"}');
    expect(parseArrayLiteral(literal)).toEqual(items);
  });

  it.each(hostile)('round-trips hostile element %j', (s) => {
    const literal = field(encoderFor('text[]')([s, s], false)) as string;
    expect(parseArrayLiteral(literal)).toEqual([s, s]);
  });

  it('writes an empty array as {} and NULL as an empty field', () => {
    const enc = encoderFor('text[]');
    expect(field(enc([], false))).toBe('{}');
    expect(enc(null, false)).toBe('');
  });

  it('wraps a bare scalar into a one-element array', () => {
    expect(field(encoderFor('text[]')('solo', false))).toBe('{"solo"}');
  });

  it('writes boolean elements as t/f', () => {
    expect(field(encoderFor('boolean[]')([true, false, null], false))).toBe('{"t","f",NULL}');
  });

  it('writes number elements with their exact digits', () => {
    expect(field(encoderFor('bigint[]')([1, new ExactNumber('99999999999999999')], true))).toBe('{"1","99999999999999999"}');
    expect(field(encoderFor('numeric[]')([1.5, -2], false))).toBe('{"1.5","-2"}');
  });

  it('writes timestamp elements as text', () => {
    expect(field(encoderFor('timestamptz[]')(['2024-01-01T00:00:00Z'], false))).toBe('{"2024-01-01T00:00:00Z"}');
    expect(field(encoderFor('timestamp with time zone[]')(['x'], false))).toBe('{"x"}');
  });
});
