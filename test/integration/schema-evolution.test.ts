import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer } from '../helpers/singer.js';

const db = useTestDatabase();

async function columnTypes(schema: string, table: string): Promise<Record<string, string>> {
  const rows = await db.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname NOT LIKE '\\_sdc%'`,
    [`"${schema}"."${table}"`],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.type]));
}

describe('schema evolution', () => {
  it('survives a schema that changes three times mid-run, keeping every row', async () => {
    const s = 'evo';
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'evo3', batch_size_rows: 2 },
      input: singer(
        schemaMsg(s, { id: { type: 'integer' }, a: { type: 'integer', minimum: 0, maximum: 100 } }),
        rec(s, { id: 1, a: 1 }),
        rec(s, { id: 2, a: 2 }),
        rec(s, { id: 3, a: 3 }),
        // 1: a widens smallint -> bigint, new column b
        schemaMsg(s, { id: { type: 'integer' }, a: { type: 'integer' }, b: { type: ['string', 'null'], format: 'date' } }),
        rec(s, { id: 4, a: 5_000_000_000, b: '2024-01-02' }),
        // 2: a may now be a string, b becomes date-time, c is added
        schemaMsg(s, { id: { type: 'integer' }, a: { type: ['integer', 'string'] }, b: { type: ['string', 'null'], format: 'date-time' }, c: { type: 'number' } }),
        rec(s, { id: 5, a: 'five', b: '2024-01-03T04:05:06Z', c: 1.5 }),
        rec(s, { id: 6, a: 6, b: null, c: 2 }),
        // 3: c may now hold objects, a narrows back to integer (column stays text), b removed
        schemaMsg(s, { id: { type: 'integer' }, a: { type: 'integer' }, c: { type: ['number', 'object'] } }),
        rec(s, { id: 7, a: 7, c: { x: 1 } }),
        rec(s, { id: 8, a: 8, c: 3.25 }),
      ),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await columnTypes('evo3', s)).toEqual({ id: 'bigint', a: 'text', b: 'timestamp with time zone', c: 'jsonb' });
    const rows = await db.query(`SELECT id::text, a, to_char(b AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS b, c FROM evo3.evo ORDER BY evo.id`);
    expect(rows).toEqual([
      { id: '1', a: '1', b: null, c: null },
      { id: '2', a: '2', b: null, c: null },
      { id: '3', a: '3', b: null, c: null },
      { id: '4', a: '5000000000', b: '2024-01-02 00:00:00', c: null },
      { id: '5', a: 'five', b: '2024-01-03 04:05:06', c: 1.5 },
      { id: '6', a: '6', b: null, c: 2 },
      { id: '7', a: '7', b: null, c: { x: 1 } },
      { id: '8', a: '8', b: null, c: 3.25 },
    ]);
  });

  it('widens smallint -> integer -> bigint -> numeric across runs and keeps values', async () => {
    const cfg = { ...db.config, default_target_schema: 'widen' };
    const steps: Array<[Record<string, unknown>, unknown, string]> = [
      [{ type: 'integer', minimum: 0, maximum: 10 }, 1, 'smallint'],
      [{ type: 'integer', minimum: 0, maximum: 100000 }, 100000, 'integer'],
      [{ type: 'integer' }, 10_000_000_000, 'bigint'],
      [{ type: 'number' }, 0.5, 'numeric'],
    ];
    for (const [i, [prop, value, type]] of steps.entries()) {
      const r = await runTarget({ config: cfg, input: singer(schemaMsg('w', { id: { type: 'integer' }, n: prop }), rec('w', { id: i, n: value })) });
      expect(r.code).toBe(0);
      expect((await columnTypes('widen', 'w')).n).toBe(type);
    }
    const rows = await db.query('SELECT n::text FROM widen.w ORDER BY w.id');
    expect(rows.map((x) => x.n)).toEqual(['1', '100000', '10000000000', '0.5']);
  });

  it('a value beyond bigint range widens the column to numeric instead of failing', async () => {
    const text = [
      JSON.stringify(schemaMsg('big', { id: { type: 'integer' }, n: { type: 'integer' } })),
      '{"type":"RECORD","stream":"big","record":{"id":1,"n":5}}',
      '{"type":"RECORD","stream":"big","record":{"id":2,"n":123456789012345678901234567890}}',
      '{"type":"STATE","value":{"done":true}}',
    ].join('\n');
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'bigwiden' }, input: text + '\n' });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":true}']);
    expect((await columnTypes('bigwiden', 'big')).n).toBe('numeric');
    expect((await db.query('SELECT n::text FROM bigwiden.big ORDER BY big.id')).map((x) => x.n)).toEqual(['5', '123456789012345678901234567890']);
  });

  it('a property that becomes required adds no NOT NULL; a removed property keeps its column', async () => {
    const cfg = { ...db.config, default_target_schema: 'req' };
    await runTarget({ config: cfg, input: singer(schemaMsg('q', { id: { type: 'integer' }, x: { type: ['string', 'null'] }, gone: { type: 'string' } }), rec('q', { id: 1, x: null, gone: 'g' })) });
    const xRequired = schemaMsg('q', { id: { type: 'integer' }, x: { type: 'string' } });
    xRequired.schema.required = ['id', 'x'];
    const r = await runTarget({ config: cfg, input: singer(xRequired, rec('q', { id: 2, x: 'now required' })) });
    expect(r.code).toBe(0);
    const nullable = await db.query(`SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'req' AND table_name = 'q' AND column_name IN ('x','gone') ORDER BY column_name`);
    expect(nullable).toEqual([
      { column_name: 'gone', is_nullable: 'YES' },
      { column_name: 'x', is_nullable: 'YES' },
    ]);
    expect(await db.query('SELECT id::text, x, gone FROM req.q ORDER BY q.id')).toEqual([
      { id: '1', x: null, gone: 'g' },
      { id: '2', x: 'now required', gone: null },
    ]);
  });

  it('moves the primary key when key_properties change and the rows allow it', async () => {
    const cfg = { ...db.config, default_target_schema: 'pkmove' };
    const props = { id: { type: 'integer' }, email: { type: 'string' } };
    await runTarget({ config: cfg, input: singer(schemaMsg('p', props, ['id']), rec('p', { id: 1, email: 'a@x' }), rec('p', { id: 2, email: 'b@x' })) });
    const r = await runTarget({ config: cfg, input: singer(schemaMsg('p', props, ['email']), rec('p', { id: 3, email: 'a@x' })) });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id::text, email FROM pkmove.p ORDER BY email')).toEqual([
      { id: '3', email: 'a@x' },
      { id: '2', email: 'b@x' },
    ]);
  });

  it('explains what to do when existing rows cannot take the new key', async () => {
    const cfg = { ...db.config, default_target_schema: 'pkfail' };
    const props = { id: { type: 'integer' }, email: { type: 'string' } };
    await runTarget({ config: cfg, input: singer(schemaMsg('p', props, ['id']), rec('p', { id: 1, email: 'same' }), rec('p', { id: 2, email: 'same' })) });
    const r = await runTarget({ config: cfg, input: singer(schemaMsg('p', props, ['email']), rec('p', { id: 3, email: 'other' })) });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('key_properties are now (email) but table pkfail.p has primary key (id)');
    expect(r.stderr).toContain('Remove the duplicate or null key rows, or drop the table to reload it');
    expect(await db.query('SELECT count(*)::int AS n FROM pkfail.p')).toEqual([{ n: 2 }]);
  });

  it('an identical repeated SCHEMA is not a change', async () => {
    const m = schemaMsg('same', { id: { type: 'integer' } });
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'repeat' }, input: singer(m, m, rec('same', { id: 1 }), m, m, rec('same', { id: 2 })) });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Schema has changed for stream');
    expect(await db.query('SELECT count(*)::int AS n FROM repeat.same')).toEqual([{ n: 2 }]);
  });
});
