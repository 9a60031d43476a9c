import { describe, expect, it } from 'vitest';
import { ExactNumber } from '../../src/protocol/exact-json.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, binaryEncoderFor, binaryRoomNeeded, binaryTypeSupported, binaryWriterFor, fieldBound } from '../../src/stream/binary/index.js';
import { encoderFor } from '../../src/stream/csv.js';
import { SAMPLES, samplesFor } from '../helpers/binary-samples.js';

const hasExact = (v: unknown): boolean =>
  v instanceof ExactNumber || (v !== null && typeof v === 'object' && Object.values(v as object).some(hasExact));

/** The text PostgreSQL's input function gets from a CSV field (null for NULL). */
function csvText(field: string): string | null {
  if (field === '') return null;
  return field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
}

/** Encodes at offset 3 of a buffer that starts with no room, growing by what NEED_ROOM asks. */
function encodeGrowing(pgType: string, v: unknown): Buffer | 'decline' {
  const enc = binaryEncoderFor(pgType);
  let size = 3;
  for (let tries = 0; ; tries++) {
    const out = Buffer.alloc(size, 0xee);
    const end = enc(v, hasExact(v), out, 3);
    expect(out.subarray(0, 3).toString('hex')).toBe('eeeeee');
    if (end === -1) return 'decline';
    if (end >= 0) {
      expect(end).toBeLessThanOrEqual(out.length);
      return out.subarray(3, end);
    }
    expect(end).toBe(-2);
    const need = binaryRoomNeeded();
    expect(need).toBeGreaterThan(size - 3);
    expect(tries).toBeLessThan(8);
    size = 3 + need;
  }
}

describe('value encoders mirror csv.ts: the field is what the writer makes of the CSV text', () => {
  for (const [n, pgType] of Object.keys(SAMPLES).entries()) {
    it(pgType, () => {
      const csv = encoderFor(pgType);
      const write = binaryWriterFor(pgType)!;
      for (const { value } of samplesFor(pgType, 1500, 7000 + n)) {
        const text = csvText(csv(value, hasExact(value)));
        const viaValue = encodeGrowing(pgType, value);
        let viaText: Buffer | 'decline';
        if (text === null) viaText = Buffer.from([255, 255, 255, 255]);
        else {
          const src = Buffer.from(text, 'utf8');
          const out = Buffer.alloc(fieldBound(src.length));
          const end = write(src, 0, src.length, out, 0);
          expect(end).toBeLessThanOrEqual(out.length);
          viaText = end === -1 ? 'decline' : out.subarray(0, end);
        }
        const show = (b: Buffer | 'decline') => (b === 'decline' ? b : b.toString('hex'));
        expect(show(viaValue), `${pgType} ${JSON.stringify(value)} (CSV text ${JSON.stringify(text)})`).toBe(show(viaText));
      }
    });
  }
});

describe('value encoders', () => {
  it('NULL and undefined are the NULL field for every type, supported or not', () => {
    for (const t of [...Object.keys(SAMPLES), 'interval', 'inet', 'public.my_enum']) {
      for (const v of [null, undefined]) expect(encodeGrowing(t, v)).toEqual(Buffer.from([255, 255, 255, 255]));
    }
  });

  it('an unsupported type declines every value', () => {
    for (const t of ['interval', 'inet', 'money', 'citext', 'name', '"char"', 'vector(3)', 'integer[][]', 'float', 'xml', 'bit(3)']) {
      expect(binaryTypeSupported(t), t).toBe(false);
      expect(encodeGrowing(t, '1'), t).toBe('decline');
    }
  });

  it('supports the names format_type gives and the DDL aliases', () => {
    for (const t of ['int2', 'int4', 'int8', 'int', 'decimal(10,2)', 'numeric(5)', 'float4', 'float8', 'bool', 'varchar', 'varchar(20)', 'char(2)', 'char', 'bpchar', 'timestamptz', 'timestamptz(3)', 'timestamp(6) without time zone', 'time(2)', 'timetz', 'time(0) with time zone', 'TEXT', 'Double  Precision', 'character varying(20)[]', 'numeric(10,2)[]', 'timestamp(3) with time zone[]']) {
      expect(binaryTypeSupported(t), t).toBe(true);
    }
    for (const t of ['timestamptz with time zone', 'text(5)', 'boolean(1)', 'jsonb(2)', 'uuid[][]', 'bigint []x']) expect(binaryTypeSupported(t), t).toBe(false);
  });

  it('numbers take the fast paths and give what their String() text gives', () => {
    const cases: [string, number[]][] = [
      ['smallint', [0, -0, 1, -32768, 32767, 32768, 1.5, 1e21]],
      ['integer', [2147483647, -2147483648, 2147483648, 0.1]],
      ['bigint', [2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 2 ** 60, -(2 ** 63), 2 ** 63, 1e19, 1e21]],
      ['numeric', [0, -0, 10000, -12345678, 2 ** 53 - 1, 2 ** 53, 1e21, 1.5e-7, 0.1, -99.125]],
      ['double precision', [0, -0, 0.1, 5e-324, 1.7976931348623157e308]],
      ['real', [0, -0, 0.1, 16777217, 3.4028235677973366e38, 1e-40]],
    ];
    for (const [t, values] of cases) {
      for (const v of values) expect(encodeGrowing(t, v), `${t} ${v}`).toEqual(encodeGrowing(t, String(v)));
    }
  });

  it('a bare scalar into an array column is a one-element array; [] is the empty array', () => {
    expect(encodeGrowing('bigint[]', 5)).toEqual(encodeGrowing('bigint[]', [5]));
    expect((encodeGrowing('text[]', []) as Buffer).toString('hex')).toBe('0000000c' + '00000000' + '00000000' + '00000019');
  });

  it('COPY framing: 19-byte header and the -1 trailer', () => {
    expect(Buffer.from(COPY_BINARY_HEADER).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0' + '\0'.repeat(8));
    expect(Buffer.from(COPY_BINARY_TRAILER).toString('hex')).toBe('ffff');
  });
});

describe('text into tight buffers', () => {
  it('Buffer and plain Uint8Array give the same bytes, and one retry with binaryRoomNeeded() bytes always fits', () => {
    const enc = binaryEncoderFor('text');
    const strings = ['', 'a', 'x'.repeat(31), 'x'.repeat(33), 'é'.repeat(40), '😀'.repeat(20) + 'a', 'a\uD800b', '\uDC00', 'x'.repeat(5000) + '日本'];
    for (const s of strings) {
      const expected = Buffer.concat([Buffer.alloc(4), Buffer.from(s, 'utf8')]);
      expected.writeInt32BE(expected.length - 4, 0);
      for (const make of [(n: number) => Buffer.alloc(n, 0xee), (n: number) => new Uint8Array(n).fill(0xee)]) {
        for (let size = 0; size <= expected.length + 8; size += Math.max(1, expected.length >> 3)) {
          let out = make(size);
          let end = enc(s, false, out, 0);
          if (end === -2) {
            out = make(binaryRoomNeeded());
            end = enc(s, false, out, 0);
          }
          expect(end, `${JSON.stringify(s.slice(0, 10))} in ${size}`).toBe(expected.length);
          expect(Buffer.from(out.subarray(0, end)).equals(expected)).toBe(true);
        }
      }
    }
  });
});
