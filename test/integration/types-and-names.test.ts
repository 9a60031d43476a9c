import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();

async function columns(schema: string, table: string): Promise<Array<{ name: string; type: string }>> {
  return db.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname NOT LIKE '\\_sdc%' ORDER BY a.attnum`,
    [`"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`],
  );
}

describe('type mapping', () => {
  it('maps formats, arrays, unions and x-sql-datatype', async () => {
    const props = {
      id: { type: 'integer' },
      small: { type: 'integer', minimum: -5, maximum: 5 },
      medium: { type: ['integer', 'null'], minimum: 0, maximum: 2147483647 },
      dec: { type: 'number' },
      flag: { type: 'boolean' },
      day: { type: 'string', format: 'date' },
      clock: { type: 'string', format: 'time' },
      uid: { type: 'string', format: 'uuid' },
      at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: ['string', 'null'] }] },
      mixed: { type: ['string', 'integer', 'null'] },
      obj: { type: 'object', properties: { a: { type: 'integer' } } },
      anything: {},
      tags: { type: 'array', items: { type: ['string', 'null'] } },
      nums: { type: 'array', items: { type: 'integer' } },
      decs: { type: ['array', 'null'], items: { type: 'number' } },
      flags: { type: 'array', items: { type: 'boolean' } },
      times: { type: 'array', items: { type: 'string', format: 'date-time' } },
      objs: { type: 'array', items: { type: 'object' } },
      forced: { type: 'string', 'x-sql-datatype': 'varchar(12)' },
    };
    const record = {
      id: 1, small: -5, medium: 2147483647, dec: 1.25, flag: true, day: '2024-02-29', clock: '23:59:58', uid: '123e4567-e89b-12d3-a456-426614174000',
      at: '2024-01-01T00:00:00+01:00', mixed: 42, obj: { a: 1 }, anything: [1, 'two'], tags: ['a', 'b"c', 'd,e', null], nums: [1, 9007199254740993], decs: [0.1, 2],
      flags: [true, false], times: ['2024-01-01T00:00:00Z'], objs: [{ k: 1 }], forced: 'twelve chars',
    };
    const text = JSON.stringify(schemaMsg('t', props, ['id'])) + '\n' + JSON.stringify(rec('t', record)).replace('9007199254740992', '9007199254740993') + '\n';
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'types' }, input: text });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(Object.fromEntries((await columns('types', 't')).map((c) => [c.name, c.type]))).toEqual({
      id: 'bigint', small: 'smallint', medium: 'integer', dec: 'numeric', flag: 'boolean', day: 'date', clock: 'time without time zone', uid: 'uuid',
      at: 'timestamp with time zone', mixed: 'text', obj: 'jsonb', anything: 'jsonb', tags: 'text[]', nums: 'bigint[]', decs: 'numeric[]', flags: 'boolean[]',
      times: 'timestamp with time zone[]', objs: 'jsonb', forced: 'character varying(12)',
    });
    const [row] = await db.query(`SELECT day::text, clock::text, uid::text, at AT TIME ZONE 'UTC' AS at_utc, mixed, obj, anything, tags, nums::text, decs::text, flags, forced FROM types.t`);
    expect(row).toMatchObject({ day: '2024-02-29', clock: '23:59:58', uid: '123e4567-e89b-12d3-a456-426614174000', mixed: '42', obj: { a: 1 }, anything: [1, 'two'], tags: ['a', 'b"c', 'd,e', null], nums: '{1,9007199254740993}', decs: '{0.1,2}', flags: [true, false], forced: 'twelve chars' });
    expect((row.at_utc as Date).toISOString()).toBe('2023-12-31T23:00:00.000Z');
  });

  it('base16 strings become bytea with interpret_content_encoding, text without', async () => {
    const props = { id: { type: 'integer' }, hex: { type: ['string', 'null'], contentEncoding: 'base16' } };
    const values = ['0x', '', '0xA1B2', 'A12', '0xa1', 'A12b', null];
    const input = singer(schemaMsg('h', props, ['id']), ...values.map((hex, id) => rec('h', { id, hex })));
    const on = await runTarget({ config: { ...db.config, default_target_schema: 'hex_on', interpret_content_encoding: true }, input });
    expect(on.code).toBe(0);
    expect((await columns('hex_on', 'h')).find((c) => c.name === 'hex')!.type).toBe('bytea');
    const rows = await db.query<{ hex: string | null }>(`SELECT encode(hex, 'hex') AS hex FROM hex_on.h ORDER BY h.id`);
    expect(rows.map((x) => x.hex)).toEqual(['', '', 'a1b2', '0a12', 'a1', 'a12b', null]);
    const off = await runTarget({ config: { ...db.config, default_target_schema: 'hex_off' }, input });
    expect(off.code).toBe(0);
    expect((await db.query<{ hex: string | null }>('SELECT hex FROM hex_off.h ORDER BY h.id')).map((x) => x.hex)).toEqual(values);
  });

  it('a date PostgreSQL cannot store is a clear error naming stream, column, line and value; earlier rows are kept', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'baddate' },
      input: singer(
        schemaMsg('d', { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } }, ['id']),
        rec('d', { id: 1, at: '2024-01-01T00:00:00Z' }),
        state({ n: 1 }),
        rec('d', { id: 2, at: '0000-01-01T00:00:00Z' }),
      ),
    });
    expect(r.code).toBe(65);
    const line = r.stderr.split('\n').find((l) => l.startsWith('target-postgres: error:'))!;
    expect(line).toContain('line 4');
    expect(line).toContain('stream "d"');
    expect(line).toContain('column "at"');
    expect(line).toContain('0000-01-01T00:00:00Z');
    expect(r.stdout).toEqual(['{"n":1}']);
    expect(await db.query('SELECT id::text FROM baddate.d')).toEqual([{ id: '1' }]);
  });
});

describe('names', () => {
  it('keeps hostile stream and property names verbatim and injects nothing', async () => {
    const stream = 'weird schema"; DROP TABLE x; --.select-Table "With" Spaces.and-dashes';
    const props = {
      'select': { type: 'integer' },
      'a column with spaces': { type: 'string' },
      'dot.ted': { type: 'string' },
      'quo"te': { type: 'string' },
      "'); DROP TABLE users; --": { type: 'string' },
      '1leading_digit': { type: 'string' },
      'CamelCase': { type: 'string' },
    };
    const record = { select: 1, 'a column with spaces': 'a', 'dot.ted': 'b', 'quo"te': 'c', "'); DROP TABLE users; --": 'd', '1leading_digit': 'e', CamelCase: 'f' };
    const r = await runTarget({ config: { ...db.config }, input: singer(schemaMsg(stream, props, ['select', 'quo"te']), rec(stream, record), rec(stream, record)) });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    // stream a-b-c: schema is the second-last part, table the last; here the parts are split on '-'
    const parts = stream.split('-');
    expect([parts[parts.length - 2], parts[parts.length - 1]]).toEqual(['Table "With" Spaces.and', 'dashes']);
    const cols = await columns(parts[parts.length - 2], 'dashes');
    expect(cols.map((c) => c.name)).toEqual(Object.keys(props));
    const rows = await db.query(`SELECT * FROM "Table ""With"" Spaces.and".dashes`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ select: '1', "'); DROP TABLE users; --": 'd', 'quo"te': 'c', CamelCase: 'f' });
    const tables = await db.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('x', 'users')`);
    expect(tables).toEqual([]);
  });

  it('shortens names over 63 bytes with a stable hash, never sharing a column', async () => {
    const base = 'p'.repeat(63);
    const a = base + '_first';
    const b = base + '_second';
    const multi = 'é'.repeat(35); // 70 bytes in UTF-8
    const props = { id: { type: 'integer' }, [a]: { type: 'string' }, [b]: { type: 'string' }, [multi]: { type: 'string' } };
    const cfg = { ...db.config, default_target_schema: 'longnames' };
    const r1 = await runTarget({ config: cfg, input: singer(schemaMsg('l', props, ['id']), rec('l', { id: 1, [a]: 'A', [b]: 'B', [multi]: 'M' })) });
    expect(r1.stderr).not.toContain('target-postgres: error');
    expect(r1.code).toBe(0);
    const cols = (await columns('longnames', 'l')).map((c) => c.name);
    expect(cols).toHaveLength(4);
    expect(new Set(cols).size).toBe(4);
    for (const c of cols) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(63);
    // a second run lists the properties in another order: each still lands in its own column
    const reordered = { [multi]: { type: 'string' }, [b]: { type: 'string' }, [a]: { type: 'string' }, id: { type: 'integer' } };
    const r2 = await runTarget({ config: cfg, input: singer(schemaMsg('l', reordered, ['id']), rec('l', { id: 2, [a]: 'A2', [b]: 'B2', [multi]: 'M2' })) });
    expect(r2.code).toBe(0);
    expect((await columns('longnames', 'l')).map((c) => c.name)).toEqual(cols);
    const rows = await db.query(`SELECT * FROM longnames.l ORDER BY l.id`);
    const byValue = rows.map((row) => Object.values(row).filter((v) => typeof v === 'string' && /^[ABM]/.test(v)).sort());
    expect(byValue).toEqual([
      ['A', 'B', 'M'],
      ['A2', 'B2', 'M2'],
    ]);
    const colOf = (prefix: string) => Object.entries(rows[1]).find(([, v]) => v === prefix)![0];
    expect(colOf('A2')).toBe(Object.entries(rows[0]).find(([, v]) => v === 'A')![0]);
    expect(colOf('M2')).toBe(Object.entries(rows[0]).find(([, v]) => v === 'M')![0]);
  });

  it('name_style lower and snake', async () => {
    const props = { Id: { type: 'integer' }, clientName: { type: 'string' }, 'minus-column': { type: 'string' } };
    const lower = await runTarget({ config: { ...db.config, default_target_schema: 'Styled', name_style: 'lower' }, input: singer(schemaMsg('MyStream', props, ['Id']), rec('MyStream', { Id: 1, clientName: 'x', 'minus-column': 'y' })) });
    expect(lower.code).toBe(0);
    expect((await columns('styled', 'mystream')).map((c) => c.name)).toEqual(['id', 'clientname', 'minus-column']);
    const snake = await runTarget({ config: { ...db.config, default_target_schema: 'Snaked', name_style: 'snake' }, input: singer(schemaMsg('MyStream', props, ['Id']), rec('MyStream', { Id: 1, clientName: 'x', 'minus-column': 'y' })) });
    expect(snake.code).toBe(0);
    expect((await columns('snaked', 'my_stream')).map((c) => c.name)).toEqual(['id', 'client_name', 'minus_column']);
  });
});
