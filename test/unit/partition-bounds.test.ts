import { describe, expect, it } from 'vitest';
import { batchBounds, distinctCsvField, firstNullRow, rangeBoundOf } from '../../src/batch/partition-bounds.js';
import { compileRowEncoder } from '../../src/stream/row-encoder.js';

const rows = (...lines: string[]) => [Buffer.from(lines.join(''))];

describe('distinctCsvField', () => {
  it('reads one field of every row: quoted with quotes, commas and newlines inside, NULL, the empty string', () => {
    const chunks = [
      ...rows('1,"a,b","x"\n', '2,"say ""hi""","y\nz"\n', '3,,"x"\n'),
      ...rows('4,"","w"\n', '5,"a,b",\n'),
    ];
    expect(distinctCsvField(chunks, 1)).toEqual(new Set(['a,b', 'say "hi"', null, '']));
    expect(distinctCsvField(chunks, 2)).toEqual(new Set(['x', 'y\nz', 'w', null]));
    expect(distinctCsvField(chunks, 0)).toEqual(new Set(['1', '2', '3', '4', '5']));
    expect(firstNullRow(chunks, 1)).toBe(3);
    expect(firstNullRow(chunks, 2)).toBe(5);
    expect(firstNullRow(chunks, 0)).toBeUndefined();
  });

  it('reads what the row encoder writes, unicode included', () => {
    const encode = compileRowEncoder([
      { name: 'id', path: ['id'], pgType: 'bigint', actualType: 'bigint' },
      { name: 'at', path: ['at'], pgType: 'timestamptz', actualType: 'timestamptz' },
      { name: 'r', path: ['r'], pgType: 'text', actualType: 'text' },
    ]);
    const meta = { receivedAt: '', syncStartedAt: '' } as never;
    const text = [{ id: 1, at: '2024-01-01T00:00:00Z', r: 'é😀,"' }, { id: 2, at: null, r: 'x\r\ny' }].map((r) => encode(r, meta, false)).join('');
    expect(distinctCsvField([Buffer.from(text)], 2)).toEqual(new Set(['é😀,"', 'x\r\ny']));
    expect(distinctCsvField([Buffer.from(text)], 1)).toEqual(new Set(['2024-01-01T00:00:00Z', null]));
  });
});

describe('rangeBoundOf', () => {
  const day = (v: string, type = 'timestamptz') => rangeBoundOf(v, 'day', type);
  it('places date-times by their UTC day; without an offset a value is UTC', () => {
    expect(day('2024-03-01T23:59:59.999999Z')).toEqual({ kind: 'range', from: '2024-03-01', to: '2024-03-02' });
    expect(day('2024-03-02T00:30:00+01:00')).toEqual({ kind: 'range', from: '2024-03-01', to: '2024-03-02' });
    expect(day('2024-03-01T20:00:00-05:00')).toEqual({ kind: 'range', from: '2024-03-02', to: '2024-03-03' });
    expect(day('2024-03-01 10:00')).toEqual({ kind: 'range', from: '2024-03-01', to: '2024-03-02' });
    expect(day('2024-02-29')).toEqual({ kind: 'range', from: '2024-02-29', to: '2024-03-01' });
    expect(day('2024-12-31T23:59:60Z')).toEqual({ kind: 'range', from: '2025-01-01', to: '2025-01-02' });
  });

  it('a date column takes the date as written, ignoring any offset (as PostgreSQL casts it)', () => {
    expect(day('2024-03-01T20:00:00-05:00', 'date')).toEqual({ kind: 'range', from: '2024-03-01', to: '2024-03-02' });
  });

  it('weeks start on Monday, months and years on their first day', () => {
    expect(rangeBoundOf('2024-03-10T12:00:00Z', 'week', 'timestamptz')).toEqual({ kind: 'range', from: '2024-03-04', to: '2024-03-11' });
    expect(rangeBoundOf('2024-03-04T00:00:00Z', 'week', 'timestamptz')).toEqual({ kind: 'range', from: '2024-03-04', to: '2024-03-11' });
    expect(rangeBoundOf('2024-12-31', 'week', 'date')).toEqual({ kind: 'range', from: '2024-12-30', to: '2025-01-06' });
    expect(rangeBoundOf('2024-12-15T00:00:00Z', 'month', 'timestamptz')).toEqual({ kind: 'range', from: '2024-12-01', to: '2025-01-01' });
    expect(rangeBoundOf('2024-06-15T00:00:00Z', 'year', 'timestamptz')).toEqual({ kind: 'range', from: '2024-01-01', to: '2025-01-01' });
  });

  it('leaves to PostgreSQL what it cannot place exactly', () => {
    for (const v of ['2024-03-01T23:59:59.9999999Z', '2024-02-30', '2023-02-29T00:00:00Z', 'infinity', 'Jan 1 2024', '0999-01-01', '9999-12-31T00:00:00Z', '2024-13-01']) {
      expect(rangeBoundOf(v, 'day', 'timestamptz'), v).toBeUndefined();
    }
  });
});

describe('batchBounds', () => {
  it('one bound per range start; a null needs the default partition', () => {
    expect(batchBounds(['2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z', null, '2024-01-02'], 'range', 'day', 'timestamptz')).toEqual({
      bounds: [
        { kind: 'range', from: '2024-01-01', to: '2024-01-02' },
        { kind: 'range', from: '2024-01-02', to: '2024-01-03' },
      ],
      hasNull: true,
    });
    expect(batchBounds(['2024-01-01', 'soon'], 'range', 'day', 'date')).toBeUndefined();
  });

  it('one bound per list value, NULL its own, booleans as PostgreSQL prints them', () => {
    expect(batchBounds(['eu', null, 'eu'], 'list', undefined, 'text')).toEqual({ bounds: [{ kind: 'list', value: 'eu' }, { kind: 'list', value: null }], hasNull: false });
    expect(batchBounds(['t', 'f'], 'list', undefined, 'boolean')?.bounds).toEqual([
      { kind: 'list', value: 'true' },
      { kind: 'list', value: 'false' },
    ]);
  });
});

describe('batchBounds places every value as rangeBoundOf does (its UTC fast path included)', () => {
  it('for random date-times, offsets, fractions and intervals', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let i = 0; i < 3000; i++) {
      const date = `${2000 + rand(30)}-${pad(1 + rand(12))}-${pad(1 + rand(28))}`;
      const time = `${pad(rand(24))}:${pad(rand(60))}:${pad(rand(60))}${['', '.5', '.123456', '.1234567'][rand(4)]}`;
      const offset = ['', 'Z', 'z', '+00:00', '-00:00', '+0000', '+05:30', '-08:00', '+14', '-12:00'][rand(10)];
      const v = rand(10) === 0 ? date : `${date}${'T '[rand(2)]}${time}${offset}`;
      for (const interval of ['day', 'week', 'month', 'year'] as const) {
        for (const type of ['timestamptz', 'timestamp without time zone', 'date']) {
          const one = rangeBoundOf(v, interval, type);
          expect(batchBounds([v], 'range', interval, type), `${v} ${interval} ${type}`).toEqual(one === undefined ? undefined : { bounds: [one], hasNull: false });
        }
      }
    }
  });
});
