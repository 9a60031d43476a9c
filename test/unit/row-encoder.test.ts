import { describe, expect, it } from 'vitest';
import { ExactNumber, parseJsonLine } from '../../src/protocol/exact-json.js';
import type { ColumnSpec } from '../../src/schema/columns.js';
import { buildColumnPlan } from '../../src/schema/columns.js';
import { compileRowEncoder, type RecordMeta } from '../../src/stream/row-encoder.js';
import { parseArrayLiteral, parseCsv, parseCsvRecord } from './reference-csv.js';

type Column = ColumnSpec & { actualType: string };

const col = (name: string, actualType: string, path: string[] = [name]): Column => ({ name, path, pgType: actualType, actualType });

const meta: RecordMeta = {
  extractedAt: '2024-05-01T10:00:00.123Z',
  receivedAt: '2024-05-01T10:00:01.000Z',
  batchedAt: '2024-05-01T10:00:02.000Z',
  sequence: 1714557601000123,
  tableVersion: 17,
  syncStartedAt: '1714557600000',
};

describe('compileRowEncoder: values', () => {
  const columns = [col('id', 'bigint'), col('name', 'text'), col('active', 'boolean'), col('tags', 'text[]'), col('data', 'jsonb'), col('blob', 'bytea')];
  const encode = compileRowEncoder(columns);

  it('writes one CSV line in column order, ending in a newline', () => {
    const row = encode({ id: 1, name: 'x', active: true, tags: ['a'], data: { k: 1 }, blob: 'FF' }, meta, false);
    expect(row).toBe('1,"x",t,"{""a""}","{""k"":1}","\\xff"\n');
  });

  it('writes missing and null properties as NULL', () => {
    const row = encode({ id: 2, name: null }, meta, false);
    expect(row).toBe('2,,,,,\n');
    expect(parseCsvRecord(row)).toEqual(['2', null, null, null, null, null]);
  });

  it('round-trips hostile strings through a full row', () => {
    const nasty = ['', '"', 'a,b', 'x\ny', 'x\r\ny', '\\N', '\\.', '\\', 'tab\t', '"; DROP TABLE x; --', 'NULL'];
    let text = '';
    for (const s of nasty) text += encode({ id: 1, name: s, tags: [s, null], data: { s } }, meta, false);
    const records = parseCsv(text);
    expect(records).toHaveLength(nasty.length);
    records.forEach((r, i) => {
      expect(r[1]).toBe(nasty[i]);
      expect(parseArrayLiteral(r[3] as string)).toEqual([nasty[i], null]);
      expect(JSON.parse(r[4] as string)).toEqual({ s: nasty[i] });
    });
  });

  it('keeps exact numbers of an exact line in every kind of column', () => {
    const { value, exact } = parseJsonLine('{"id":9223372036854775807,"name":12345678901234567,"data":{"n":-99999999999999999}}');
    expect(exact).toBe(true);
    const row = encode(value as Record<string, unknown>, meta, exact);
    expect(parseCsvRecord(row).slice(0, 5)).toEqual(['9223372036854775807', '12345678901234567', null, null, '{"n":-99999999999999999}']);
  });

  it('compiles a single-column encoder', () => {
    expect(compileRowEncoder([col('only', 'text')])({ only: '' }, meta, false)).toBe('""\n');
  });
});

describe('compileRowEncoder: nested paths', () => {
  const encode = compileRowEncoder([col('a__b', 'text', ['a', 'b']), col('a__c__d', 'bigint', ['a', 'c', 'd'])]);

  it('reads flattened columns from nested objects', () => {
    expect(encode({ a: { b: 'x', c: { d: 5 } } }, meta, false)).toBe('"x",5\n');
  });

  it('writes NULL when a parent is missing, null, a scalar or an array', () => {
    for (const a of [undefined, null, 'str', 7, ['b'], { c: null }, { c: [1] }]) {
      expect(encode({ a }, meta, false)).toBe(',\n');
    }
  });

  it('does not read nested values from Object.prototype', () => {
    const e = compileRowEncoder([col('a__toString', 'text', ['a', 'toString']), col('a__constructor', 'jsonb', ['a', 'constructor'])]);
    expect(e({ a: {} }, meta, false)).toBe(',\n');
  });
});

describe('compileRowEncoder: property names that exist on Object.prototype', () => {
  // A stream may well have properties called "constructor", "toString" or "__proto__"; a record
  // that leaves them out must load NULL, not something inherited from Object.prototype.
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('writes NULL for a missing %s', (name) => {
    const e = compileRowEncoder([col('id', 'bigint'), col(name, 'text')]);
    expect(e({ id: 1 }, meta, false)).toBe('1,\n');
  });

  it('writes NULL for a missing __proto__ property', () => {
    const e = compileRowEncoder([col('id', 'bigint'), col('__proto__', 'jsonb')]);
    expect(e({ id: 1 }, meta, false)).toBe('1,\n');
  });

  it('reads an own __proto__ property', () => {
    const e = compileRowEncoder([col('__proto__', 'jsonb')]);
    const { value } = parseJsonLine('{"__proto__":{"a":1}}');
    expect(parseCsvRecord(e(value as Record<string, unknown>, meta, false))).toEqual(['{"a":1}']);
  });

  it('reads an own constructor property', () => {
    const e = compileRowEncoder([col('constructor', 'text')]);
    expect(e({ constructor: 'x' }, meta, false)).toBe('"x"\n');
  });
});

describe('compileRowEncoder: metadata columns', () => {
  const plan = buildColumnPlan({ type: 'object', properties: { id: { type: 'integer' } } }, ['id'], { flatten: false, maxDepth: 0, metadata: true });
  const columns: Column[] = plan.columns.map((c) => ({ ...c, actualType: c.pgType }));
  const encode = compileRowEncoder(columns);
  const names = columns.map((c) => c.name);

  function row(record: Record<string, unknown>, m: RecordMeta = meta): Record<string, string | null> {
    const fields = parseCsvRecord(encode(record, m, false));
    return Object.fromEntries(names.map((n, i) => [n, fields[i]]));
  }

  it('fills every _sdc_ column from the record metadata', () => {
    expect(row({ id: 1 })).toEqual({
      id: '1',
      _sdc_extracted_at: '2024-05-01T10:00:00.123Z',
      _sdc_received_at: '2024-05-01T10:00:01.000Z',
      _sdc_batched_at: '2024-05-01T10:00:02.000Z',
      _sdc_deleted_at: null,
      _sdc_sequence: '1714557601000123',
      _sdc_table_version: '17',
      _sdc_sync_started_at: '1714557600000',
    });
  });

  it('writes NULL for a missing time_extracted and version', () => {
    const r = row({ id: 1 }, { ...meta, extractedAt: undefined, tableVersion: undefined });
    expect(r._sdc_extracted_at).toBeNull();
    expect(r._sdc_table_version).toBeNull();
    expect(row({ id: 1 }, { ...meta, tableVersion: null })._sdc_table_version).toBeNull();
  });

  it('keeps the digits of a big table version', () => {
    expect(row({ id: 1 }, { ...meta, tableVersion: new ExactNumber('99999999999999999') })._sdc_table_version).toBe('99999999999999999');
  });

  it('reads _sdc_deleted_at from the record; null and empty mean not deleted', () => {
    expect(row({ id: 1, _sdc_deleted_at: '2024-01-01T00:00:00Z' })._sdc_deleted_at).toBe('2024-01-01T00:00:00Z');
    expect(row({ id: 1, _sdc_deleted_at: null })._sdc_deleted_at).toBeNull();
    expect(row({ id: 1, _sdc_deleted_at: '' })._sdc_deleted_at).toBeNull();
  });

  it('records a deletion marker that is not a timestamp as the time the record was received', () => {
    for (const marker of [true, 'yes', 'x",y\n', 1]) {
      expect(row({ id: 1, _sdc_deleted_at: marker })._sdc_deleted_at).toBe(meta.receivedAt);
    }
  });

  it('accepts date-time markers with a space or an offset', () => {
    expect(row({ id: 1, _sdc_deleted_at: '2024-01-01 12:00:00+0200' })._sdc_deleted_at).toBe('2024-01-01 12:00:00+0200');
  });
});

describe('compileRowEncoder: a table version that is not a number', () => {
  it('is quoted, so it cannot shift the CSV columns', () => {
    const enc = compileRowEncoder([
      { name: '_sdc_table_version', path: [], metadata: '_sdc_table_version', pgType: 'bigint', actualType: 'bigint' },
      { name: '_sdc_sync_started_at', path: [], metadata: '_sdc_sync_started_at', pgType: 'bigint', actualType: 'bigint' },
    ]);
    expect(enc({}, { ...meta, tableVersion: '1,2' }, false)).toBe('"1,2",1714557600000\n');
    expect(enc({}, { ...meta, tableVersion: 5 }, false)).toBe('5,1714557600000\n');
  });
});
