import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { partitionCatalog, partitionProps as props, partitioned } from '../helpers/partitions.js';
import { runTarget } from '../helpers/run-target.js';
import { startTarget } from '../helpers/spawn-target.js';
import { activateVersion, rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const { partitionsOf, relkind } = partitionCatalog(db);

/** Row 1 in its day's partition; row 2 (the target's) and row 100 (someone else's, first in the default partition) in the next day's. */
async function expectMoved(schema: string) {
  expect(await db.query(`SELECT tableoid::regclass::text AS part, id::int FROM "${schema}".t ORDER BY id`)).toEqual([
    { part: `${schema}.t__20240101`, id: 1 },
    { part: `${schema}.t__20240102`, id: 2 },
    { part: `${schema}.t__20240102`, id: 100 },
  ]);
}

describe('partition_by: a default partition holding rows of a new range', () => {
  it('rows of a new range already in the default partition move into the new partition', async () => {
    const cfg = { ...db.config, default_target_schema: 'rmove', load_method: 'append-only', ...partitioned({ column: 'at', strategy: 'range', interval: 'day', default_partition: true }) };
    expect((await runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-01-01T00:00:00Z' })) })).code).toBe(0);
    // someone else's insert for a day without a partition lands in the default partition
    await db.query(`INSERT INTO rmove.t (id, at, v) VALUES (100, '2024-01-02T05:00:00Z', 'by hand')`);
    const r = await runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: 2, at: '2024-01-02T06:00:00Z' })) });
    expect(r.code, r.stderr).toBe(0);
    await expectMoved('rmove');
  });

  it('a row of the new range that another session is inserting into the default partition while the partition is created is moved, not an error', async () => {
    const cfg = { ...db.config, default_target_schema: 'rrace', load_method: 'append-only', ...partitioned({ column: 'at', strategy: 'range', interval: 'day', default_partition: true }) };
    expect((await runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-01-01T00:00:00Z' })) })).code).toBe(0);
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    onTestFinished(() => other.end());
    await other.query('BEGIN');
    await other.query(`INSERT INTO rrace.t (id, at) VALUES (100, '2024-01-02T05:00:00Z')`); // into the default partition, not committed yet
    const run = runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: 2, at: '2024-01-02T06:00:00Z' })) });
    // the target waits for the other session's lock on the table
    for (let i = 0; i < 100; i++) {
      const waiting = await db.query(`SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND NOT l.granted`);
      if (waiting.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await other.query('COMMIT');
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    await expectMoved('rrace');
  });
});

describe('partition_by: a partition dropped while the target runs', () => {
  it('the next batch for it finds no partition, goes through the staging table and makes it again', async () => {
    const t = startTarget({ ...db.config, default_target_schema: 'rdrop', load_method: 'append-only', batch_size_rows: 1, ...partitioned({ column: 'at', strategy: 'range', interval: 'day' }) });
    t.child.stdin.write(singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-01-01T01:00:00Z' }), state({ n: 1 })));
    await t.waitForLine((l) => l === '{"n":1}', 30_000);
    await db.query('DROP TABLE rdrop.t__20240101');
    t.child.stdin.end(singer(rec('t', { id: 2, at: '2024-01-01T02:00:00Z' }), state({ n: 2 })));
    const { code } = await t.exited;
    expect(code, t.stderr()).toBe(0);
    expect(t.stdout).toEqual(['{"n":1}', '{"n":2}']);
    expect(await db.query(`SELECT id::int, tableoid::regclass::text AS part FROM rdrop.t`)).toEqual([{ id: 2, part: 'rdrop.t__20240101' }]);
  });
});

describe('partitioned tables with the rest of the target', () => {
  it('schema evolution, hard delete and ACTIVATE_VERSION work across partitions', async () => {
    const cfg = { ...db.config, default_target_schema: 'evo', hard_delete: true, ...partitioned({ column: 'at', strategy: 'range', interval: 'month' }, { key_properties: ['id', 'at'] }) };
    const r1 = await runTarget({
      config: cfg,
      input: singer(
        schemaMsg('t', props),
        rec('t', { id: 1, at: '2024-01-10T00:00:00Z' }, { version: 1 }),
        rec('t', { id: 2, at: '2024-02-10T00:00:00Z' }, { version: 1 }),
        rec('t', { id: 3, at: '2024-03-10T00:00:00Z' }, { version: 1 }),
      ),
    });
    expect(r1.code, r1.stderr).toBe(0);
    const wider = { ...props, id: { type: 'number' }, extra: { type: ['string', 'null'] } };
    const r2 = await runTarget({
      config: cfg,
      input: singer(
        schemaMsg('t', wider),
        rec('t', { id: 2, at: '2024-02-10T00:00:00Z', extra: 'new column' }, { version: 2 }),
        rec('t', { id: 3, at: '2024-03-10T00:00:00Z', _sdc_deleted_at: '2024-04-01T00:00:00Z' }, { version: 2 }),
        rec('t', { id: 4.5, at: '2024-04-10T00:00:00Z' }, { version: 2 }),
        activateVersion('t', 2),
      ),
    });
    expect(r2.code, r2.stderr).toBe(0);
    expect(await db.query(`SELECT id::text, extra, tableoid::regclass::text AS part FROM evo.t ORDER BY id`)).toEqual([
      { id: '2', extra: 'new column', part: 'evo.t__202402' },
      { id: '4.5', extra: null, part: 'evo.t__202404' },
    ]);
    // the widened and added columns reached every partition
    expect(await db.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'evo.t__202401'::regclass AND attname IN ('id', 'extra') ORDER BY attname`)).toEqual([{ t: 'text' }, { t: 'numeric' }]);
  });

  it('a schema that widens the partition column is refused at its SCHEMA (exit 65), the table kept', async () => {
    const p2 = { id: { type: 'integer' }, d: { type: 'string', format: 'date' } };
    const cfg = { ...db.config, default_target_schema: 'widen', load_method: 'append-only', ...partitioned({ column: 'd', strategy: 'range', interval: 'month' }) };
    expect((await runTarget({ config: cfg, input: singer(schemaMsg('t', p2), rec('t', { id: 1, d: '2024-01-05' })) })).code).toBe(0);
    const r = await runTarget({ config: cfg, input: singer(schemaMsg('t', { ...p2, d: { type: 'string', format: 'date-time' } }), rec('t', { id: 2, d: '2024-01-05T10:00:00Z' })) });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(
      'stream "t", column "d": the schema now makes the partition column timestamptz, but it is date in table widen.t, and PostgreSQL cannot change the type of a partition key',
    );
    expect(await db.query(`SELECT id::int, d::text FROM widen.t`)).toEqual([{ id: 1, d: '2024-01-05' }]);
  });

  it('update, delete, history and MERGE upserts work on partitioned tables', async () => {
    const base = { ...db.config, default_target_schema: 'modes' };
    const by = { column: 'region', strategy: 'list' };
    const seed = singer(schemaMsg('t', props), rec('t', { id: 1, region: 'eu', v: 'a' }), rec('t', { id: 2, region: 'us', v: 'b' }), rec('t', { id: 3, region: 'eu', v: 'c' }));
    const keyed = (extra: Record<string, unknown>) => ({ stream_overrides: { t: { key_properties: ['id', 'region'], partition_by: by, ...extra } } });
    expect((await runTarget({ config: { ...base, upsert_statement: 'merge', ...keyed({}) }, input: seed })).code).toBe(0);
    const upd = await runTarget({ config: { ...base, ...keyed({ load_method: 'update' }) }, input: singer(schemaMsg('t', props), rec('t', { id: 1, region: 'eu', v: 'a2' }), rec('t', { id: 9, region: 'asia', v: 'no' })) });
    expect(upd.code, upd.stderr).toBe(0);
    const del = await runTarget({ config: { ...base, ...keyed({ load_method: 'delete' }) }, input: singer(schemaMsg('t', props), rec('t', { id: 2, region: 'us' })) });
    expect(del.code, del.stderr).toBe(0);
    expect(await db.query(`SELECT id::int, v, tableoid::regclass::text AS part FROM modes.t ORDER BY id`)).toEqual([
      { id: 1, v: 'a2', part: 'modes.t__eu' },
      { id: 3, v: 'c', part: 'modes.t__eu' },
    ]);
    // update and delete never insert, so they make no partition for a value without rows
    expect((await partitionsOf('modes')).map((p) => p.name)).toEqual(['t__eu', 't__us']);

    const hist = { ...db.config, default_target_schema: 'hist', load_method: 'history', ...keyed({}) };
    expect((await runTarget({ config: hist, input: seed })).code).toBe(0);
    const h2 = await runTarget({ config: hist, input: singer(schemaMsg('t', props), rec('t', { id: 1, region: 'eu', v: 'a2' })) });
    expect(h2.code, h2.stderr).toBe(0);
    expect(await db.query(`SELECT id::int, v, _sdc_is_current AS cur FROM hist.t WHERE id = 1 ORDER BY _sdc_valid_from`)).toEqual([
      { id: 1, v: 'a', cur: false },
      { id: 1, v: 'a2', cur: true },
    ]);
    expect(await relkind('hist')).toBe('p');
  });

  it('--about documents partition_by and create_performance_indexes', async () => {
    const r = await runTarget({ args: ['--about'] });
    expect(r.code).toBe(0);
    const about = JSON.parse(r.stdout.join('\n'));
    expect(about.settings.properties.create_performance_indexes.description).toContain('ACTIVATE_VERSION');
    expect(Object.keys(about.settings.properties.stream_overrides.additionalProperties.properties.partition_by.properties)).toEqual(['column', 'strategy', 'interval', 'modulus', 'default_partition']);
    expect(about.settings.properties.load_method.enum).toEqual(['append-only', 'upsert', 'overwrite', 'history', 'update', 'delete']);
  });

  it('overwrite: the fresh table is partitioned the same way, partitions included, and keeps the partition names after the swap', async () => {
    const cfg = { ...db.config, default_target_schema: 'ow', load_method: 'overwrite', ...partitioned({ column: 'at', strategy: 'range', interval: 'day', default_partition: true }, { key_properties: ['id', 'at'] }) };
    const r1 = await runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: 1, at: '2024-01-01T00:00:00Z', v: 'old' })) });
    expect(r1.code, r1.stderr).toBe(0);
    expect(await relkind('ow')).toBe('p');
    const r2 = await runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: 2, at: '2024-01-02T00:00:00Z', v: 'new' }), state({ s: 2 })) });
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toEqual(['{"s":2}']);
    expect(await relkind('ow')).toBe('p');
    expect((await partitionsOf('ow')).map((p) => p.name)).toEqual(['t__20240101', 't__20240102', 't___default']);
    expect(await db.query(`SELECT id::int, v, tableoid::regclass::text AS part FROM ow.t`)).toEqual([{ id: 2, v: 'new', part: 'ow.t__20240102' }]);
    expect(await db.query(`SELECT relname FROM pg_class WHERE relname LIKE '\\_tp\\_%' AND relkind IN ('r', 'p')`)).toEqual([]);
    expect(await db.query(`SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = 'ow.t'::regclass AND contype = 'p'`)).toEqual([{ d: 'PRIMARY KEY (id, at)' }]);
  });

  it('two runs at once and two parallel streams into one table create each partition once and lose no row', async () => {
    const days = (stream: string, from: number) => Array.from({ length: 30 }, (_, i) => rec(stream, { id: from + i, at: `2024-06-${String((i % 10) + 1).padStart(2, '0')}T12:00:00Z` }));
    const cfg = {
      ...db.config,
      default_target_schema: 'conc',
      load_method: 'append-only',
      batch_size_rows: 3,
      parallelism: 2,
      stream_overrides: {
        a: { table: 't', partition_by: { column: 'at', strategy: 'range', interval: 'day' } },
        b: { table: 't', partition_by: { column: 'at', strategy: 'range', interval: 'day' } },
      },
    };
    const input = (offset: number) => singer(schemaMsg('a', props), schemaMsg('b', props), ...days('a', offset).flatMap((m, i) => [m, days('b', offset + 100)[i]]));
    const [r1, r2] = await Promise.all([runTarget({ config: cfg, input: input(0) }), runTarget({ config: cfg, input: input(1000) })]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    expect((await partitionsOf('conc')).map((p) => p.name)).toEqual(Array.from({ length: 10 }, (_, i) => `t__202406${String(i + 1).padStart(2, '0')}`));
    expect(await db.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM conc.t`)).toEqual([{ n: 120, d: 120 }]);
  });
});
