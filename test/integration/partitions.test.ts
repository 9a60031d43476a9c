import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { rangeBoundOf } from '../../src/batch/partition-bounds.js';
import { useTestDatabase } from '../helpers/db.js';
import { partitionCatalog, partitionProps as props, partitioned } from '../helpers/partitions.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const { partitionsOf, placement, relkind } = partitionCatalog(db);

describe('partition_by range', () => {
  it('creates the table PARTITION BY RANGE and one partition per day the batches bring, state after commit', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'rday', load_method: 'append-only', batch_size_rows: 2, ...partitioned({ column: 'at', strategy: 'range', interval: 'day' }) },
      input: singer(
        schemaMsg('t', props),
        rec('t', { id: 1, at: '2024-03-01T10:00:00Z' }),
        rec('t', { id: 2, at: '2024-03-01T23:59:59.999Z' }),
        rec('t', { id: 3, at: '2024-03-02T00:00:00+01:00' }), // still 1 March in UTC
        rec('t', { id: 4, at: '2024-03-03T00:00:00Z' }),
        state({ s: 1 }),
      ),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toEqual(['{"s":1}']);
    expect(await relkind('rday')).toBe('p');
    expect(await db.query(`SELECT pg_get_partkeydef('rday.t'::regclass) AS k`)).toEqual([{ k: 'RANGE (at)' }]);
    expect(await partitionsOf('rday')).toEqual([
      { name: 't__20240301', bound: "FOR VALUES FROM ('2024-03-01 00:00:00+00') TO ('2024-03-02 00:00:00+00')" },
      { name: 't__20240303', bound: "FOR VALUES FROM ('2024-03-03 00:00:00+00') TO ('2024-03-04 00:00:00+00')" },
    ]);
    expect(await placement('rday')).toEqual([
      { part: 'rday.t__20240301', n: 3 },
      { part: 'rday.t__20240303', n: 1 },
    ]);
  });

  it('weeks start on Monday, months and years on their first day; an upsert keyed on (id, at) merges inside its partition', async () => {
    const cfg = (interval: string, schema: string) => ({ ...db.config, default_target_schema: schema, ...partitioned({ column: 'at', strategy: 'range', interval }, { key_properties: ['id', 'at'] }) });
    const input = singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-03-06T12:00:00Z', v: 'a' }), rec('t', { id: 1, at: '2024-03-06T12:00:00Z', v: 'b' }));
    for (const [interval, name, from, to] of [
      ['week', 't__20240304', '2024-03-04', '2024-03-11'],
      ['month', 't__202403', '2024-03-01', '2024-04-01'],
      ['year', 't__2024', '2024-01-01', '2025-01-01'],
    ]) {
      const schema = `r${interval}`;
      const r = await runTarget({ config: cfg(interval, schema), input });
      expect(r.code, r.stderr).toBe(0);
      expect(await partitionsOf(schema)).toEqual([{ name, bound: `FOR VALUES FROM ('${from} 00:00:00+00') TO ('${to} 00:00:00+00')` }]);
      expect(await db.query(`SELECT id::int, v FROM ${schema}.t`)).toEqual([{ id: 1, v: 'b' }]);
    }
    // the primary key of the partitioned table holds the partition column
    expect(await db.query(`SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = 'rweek.t'::regclass AND contype = 'p'`)).toEqual([{ d: 'PRIMARY KEY (id, at)' }]);
  });

  it('a null partition value: a clear error without a default partition (exit 65), the default partition with one', async () => {
    const bad = await runTarget({
      config: { ...db.config, default_target_schema: 'rnull', load_method: 'append-only', ...partitioned({ column: 'at', strategy: 'range', interval: 'month' }) },
      input: singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-05-05T00:00:00Z' }), rec('t', { id: 2, at: null }), state({ s: 1 })),
    });
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('line 3, stream "t", column "at": a record has no value for the partition column; a range partition cannot hold null. Send a value, or set partition_by.default_partition');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    // the records before it are committed, as for any value PostgreSQL rejects
    expect(await db.query('SELECT id::int FROM rnull.t')).toEqual([{ id: 1 }]);
    const ok = await runTarget({
      config: { ...db.config, default_target_schema: 'rnull2', load_method: 'append-only', ...partitioned({ column: 'at', strategy: 'range', interval: 'month', default_partition: true }) },
      input: singer(schemaMsg('t', props), rec('t', { id: 1, at: null }), rec('t', { id: 2, at: '2024-05-05T00:00:00Z' })),
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(await partitionsOf('rnull2')).toEqual([
      { name: 't__202405', bound: "FOR VALUES FROM ('2024-05-01 00:00:00+00') TO ('2024-06-01 00:00:00+00')" },
      { name: 't___default', bound: 'DEFAULT' },
    ]);
    expect(await placement('rnull2')).toEqual([
      { part: 'rnull2.t__202405', n: 1 },
      { part: 'rnull2.t___default', n: 1 },
    ]);
  });
});

describe('partition_by: values PostgreSQL places itself', () => {
  it('a value the target does not read (more than microseconds, rounding into the next day) goes through the staging table', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'rround', load_method: 'append-only', ...partitioned({ column: 'at', strategy: 'range', interval: 'day' }) },
      input: singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-03-01T23:59:59.9999999Z' }), rec('t', { id: 2, at: '2024-03-01T12:00:00Z' })),
    });
    expect(r.code, r.stderr).toBe(0);
    expect((await partitionsOf('rround')).map((p) => p.name)).toEqual(['t__20240301', 't__20240302']);
    expect(await db.query(`SELECT id::int, tableoid::regclass::text AS part FROM rround.t ORDER BY id`)).toEqual([
      { id: 1, part: 'rround.t__20240302' },
      { id: 2, part: 'rround.t__20240301' },
    ]);
  });

  it('date columns and list partitions on integers and booleans', async () => {
    const p2 = { id: { type: 'integer' }, d: { type: 'string', format: 'date' }, ok: { type: 'boolean' } };
    const run = (schema: string, by: Record<string, unknown>) =>
      runTarget({
        config: { ...db.config, default_target_schema: schema, load_method: 'append-only', ...partitioned(by) },
        input: singer(schemaMsg('t', p2), rec('t', { id: 1, d: '2024-02-29', ok: true }), rec('t', { id: 2, d: '2024-03-01', ok: false }), rec('t', { id: 3, d: '2024-03-31', ok: true })),
      });
    expect((await run('rdate', { column: 'd', strategy: 'range', interval: 'month' })).code).toBe(0);
    expect(await partitionsOf('rdate')).toEqual([
      { name: 't__202402', bound: "FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')" },
      { name: 't__202403', bound: "FOR VALUES FROM ('2024-03-01') TO ('2024-04-01')" },
    ]);
    expect((await run('lbool', { column: 'ok', strategy: 'list' })).code).toBe(0);
    expect(await partitionsOf('lbool')).toEqual([
      { name: 't__false', bound: "FOR VALUES IN (false)" },
      { name: 't__true', bound: "FOR VALUES IN (true)" },
    ]);
    expect((await run('lint', { column: 'id', strategy: 'list' })).code).toBe(0);
    expect((await partitionsOf('lint')).map((p) => p.bound)).toEqual(['FOR VALUES IN (\'1\')', 'FOR VALUES IN (\'2\')', 'FOR VALUES IN (\'3\')']);
  });
});

describe('the target places range values as PostgreSQL does', () => {
  it('for random date-times, offsets and intervals, its bounds equal date_trunc in UTC (or it leaves the value to PostgreSQL)', async () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const values: string[] = [];
    for (let i = 0; i < 400; i++) {
      const date = `${1990 + rand(60)}-${pad(1 + rand(12))}-${pad(1 + rand(28))}`;
      const time = `${pad(rand(24))}:${pad(rand(60))}:${pad(rand(60))}${['', '.5', '.999999', '.9999999'][rand(4)]}`;
      values.push(rand(8) === 0 ? date : `${date}${'T '[rand(2)]}${time}${['', 'Z', '+00:00', '+05:30', '-08:00', '+14', '-1200'][rand(7)]}`);
    }
    // a session in UTC, as every transaction of the target is
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`SET TimeZone = 'UTC'`);
    onTestFinished(() => client.end());
    let compared = 0;
    for (const type of ['timestamptz', 'date']) {
      for (const interval of ['day', 'week', 'month', 'year'] as const) {
        const pg = (await client.query<{ v: string; lo: string }>(`SELECT v, to_char(date_trunc($2, v::${type}), 'YYYY-MM-DD') AS lo FROM unnest($1::text[]) AS v`, [values, interval])).rows;
        for (const { v, lo } of pg) {
          const b = rangeBoundOf(v, interval, type);
          if (b === undefined) continue;
          compared++;
          expect(b.kind === 'range' && b.from, `${v} as ${type} by ${interval}`).toBe(lo);
        }
      }
    }
    expect(compared).toBeGreaterThan(2500);
  });
});

describe('partition_by list and hash', () => {
  it('list: one partition per value, NULL its own; values that cannot be names are hashed', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'lst', load_method: 'append-only', ...partitioned({ column: 'region', strategy: 'list' }) },
      input: singer(schemaMsg('t', props), rec('t', { id: 1, region: 'eu' }), rec('t', { id: 2, region: 'us' }), rec('t', { id: 3, region: null }), rec('t', { id: 4, region: "it's; x" }), rec('t', { id: 5, region: 'eu' })),
    });
    expect(r.code, r.stderr).toBe(0);
    const parts = await partitionsOf('lst');
    expect(parts.map((p) => p.bound).sort()).toEqual(["FOR VALUES IN ('eu')", "FOR VALUES IN ('it''s; x')", "FOR VALUES IN ('us')", 'FOR VALUES IN (NULL)']);
    expect(parts.map((p) => p.name)).toEqual(expect.arrayContaining(['t__eu', 't__us', 't___null']));
    expect(parts.find((p) => p.bound.includes('it'))!.name).toMatch(/^t___v[0-9a-f]{8}$/);
    expect(await db.query(`SELECT count(*)::int AS n FROM lst.t__eu`)).toEqual([{ n: 2 }]);
  });

  it('hash: all modulus partitions come with the table; rows spread over them', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'hsh', ...partitioned({ column: 'id', strategy: 'hash', modulus: 4 }) },
      input: singer(schemaMsg('t', props), ...Array.from({ length: 40 }, (_, i) => rec('t', { id: i + 1 }))),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(await partitionsOf('hsh')).toEqual([0, 1, 2, 3].map((i) => ({ name: `t___h${i}`, bound: `FOR VALUES WITH (modulus 4, remainder ${i})` })));
    const spread = await placement('hsh');
    expect(spread.length).toBeGreaterThan(1);
    expect(spread.reduce((a, p) => a + p.n, 0)).toBe(40);
  });
});

describe('partition_by refusals', () => {
  it('a keyed load method whose key lacks the partition column is refused at SCHEMA time (exit 64), nothing created', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'nokey', ...partitioned({ column: 'at', strategy: 'range', interval: 'day' }) },
      input: singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-01-01T00:00:00Z' })),
    });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(
      'stream "t": stream_overrides."t".partition_by: load method upsert keys the table on (id), and PostgreSQL requires the primary key of a partitioned table to contain the partition column; add "at" to stream_overrides."t".key_properties, or partition by one of the key properties',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'nokey'`)).toEqual([]);
  });

  it.each([
    [{ column: 'at', strategy: 'range' }, 'strategy range needs an interval: day, week, month or year'],
    [{ column: 'nope', strategy: 'list' }, 'column "nope" is not a property of the stream\'s schema'],
    [{ column: 'region', strategy: 'range', interval: 'day' }, 'column "region" is text'],
    [{ column: 'id', strategy: 'hash' }, 'strategy hash needs a modulus'],
  ])('%j is refused with exit 64', async (by, message) => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'badcfg', load_method: 'append-only', ...partitioned(by) }, input: singer(schemaMsg('t', props), rec('t', { id: 1 })) });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
  });

  it('an existing table that is not partitioned is loaded as it is, with a warning', async () => {
    await db.query(`CREATE SCHEMA plain; CREATE TABLE plain.t (id bigint PRIMARY KEY, at timestamptz)`);
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'plain', ...partitioned({ column: 'id', strategy: 'hash', modulus: 2 }) },
      input: singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-01-01T00:00:00Z' })),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('partition_by is set but the table already exists and is not partitioned');
    expect(await relkind('plain')).toBe('r');
    expect(await db.query('SELECT id::int FROM plain.t')).toEqual([{ id: 1 }]);
  });
});
