import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { activateVersion, rec, schemaMsg, singer } from '../helpers/singer.js';

const db = useTestDatabase();

const props = { id: { type: 'integer' }, v: { type: ['string', 'null'] } };

/** The indexes on the _sdc_ columns of schema.table, as pg_indexes has them. */
const sdcIndexes = (schema: string, table = 't') =>
  db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexdef LIKE '%_sdc_%' ORDER BY 1`, [schema, table]);
const createdLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('created performance index')).length;

describe('create_performance_indexes', () => {
  it('with hard_delete: one index on _sdc_table_version, created once, serving ACTIVATE_VERSION', async () => {
    const cfg = { ...db.config, default_target_schema: 'pi_hard', hard_delete: true, create_performance_indexes: true };
    const input = singer(schemaMsg('t', props), rec('t', { id: 1 }, { version: 1 }), rec('t', { id: 2 }, { version: 2 }), activateVersion('t', 2));
    const r1 = await runTarget({ config: cfg, input });
    expect(r1.code, r1.stderr).toBe(0);
    expect(createdLines(r1.stderr)).toBe(1);
    const r2 = await runTarget({ config: cfg, input });
    expect(r2.code).toBe(0);
    expect(createdLines(r2.stderr)).toBe(0);
    expect(await sdcIndexes('pi_hard')).toEqual([{ indexname: 't__sdc_table_version_idx', indexdef: 'CREATE INDEX t__sdc_table_version_idx ON pi_hard.t USING btree (_sdc_table_version)' }]);
    expect((await db.query<{ id: number }>('SELECT id::int FROM pi_hard.t')).map((x) => x.id)).toEqual([2]);
  });

  it('without hard_delete: a partial index on the rows not yet marked deleted; an existing table gets it at its next SCHEMA', async () => {
    const plain = { ...db.config, default_target_schema: 'pi_soft' };
    expect((await runTarget({ config: plain, input: singer(schemaMsg('t', props), rec('t', { id: 1 }, { version: 1 })) })).code).toBe(0);
    expect(await sdcIndexes('pi_soft')).toEqual([]);
    const r = await runTarget({ config: { ...plain, create_performance_indexes: true }, input: singer(schemaMsg('t', props), rec('t', { id: 2 }, { version: 2 }), activateVersion('t', 2)) });
    expect(r.code, r.stderr).toBe(0);
    expect(await sdcIndexes('pi_soft')).toEqual([
      { indexname: 't__sdc_table_version_live_idx', indexdef: 'CREATE INDEX t__sdc_table_version_live_idx ON pi_soft.t USING btree (_sdc_table_version) WHERE (_sdc_deleted_at IS NULL)' },
    ]);
    expect(await db.query('SELECT id::int, _sdc_deleted_at IS NOT NULL AS marked FROM pi_soft.t ORDER BY id')).toEqual([
      { id: 1, marked: true },
      { id: 2, marked: false },
    ]);
  });

  it('no index when ACTIVATE_VERSION is off or has no metadata columns to filter on', async () => {
    for (const [schema, extra] of [
      ['pi_off', { activate_version: false }],
      ['pi_nometa', { add_record_metadata: false }],
    ] as const) {
      const r = await runTarget({ config: { ...db.config, default_target_schema: schema, create_performance_indexes: true, ...extra }, input: singer(schemaMsg('t', props), rec('t', { id: 1 })) });
      expect(r.code, r.stderr).toBe(0);
      expect(await sdcIndexes(schema)).toEqual([]);
    }
  });

  it('the planner uses the index for the ACTIVATE_VERSION delete on a large table', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'pi_plan', hard_delete: true, create_performance_indexes: true }, input: singer(schemaMsg('t', props), rec('t', { id: 0 }, { version: 1 })) });
    expect(r.code).toBe(0);
    await db.query(`INSERT INTO pi_plan.t (id, _sdc_table_version) SELECT g, 2 FROM generate_series(1, 50000) g`);
    await db.query('ANALYZE pi_plan.t');
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN DELETE FROM pi_plan.t WHERE "_sdc_table_version" IS NULL OR "_sdc_table_version" < 2`)).map((x) => x['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Bitmap Index Scan on t__sdc_table_version_idx|Index Scan using t__sdc_table_version_idx/);
    expect(plan).not.toContain('Seq Scan');
  });

  it('overwrite: the fresh table has the index before the swap; the live table ends with exactly one', async () => {
    const cfg = { ...db.config, default_target_schema: 'pi_ow', load_method: 'overwrite', create_performance_indexes: true };
    for (const v of ['first', 'second', 'third']) {
      const r = await runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: 1, v })) });
      expect(r.code, r.stderr).toBe(0);
      const indexes = await sdcIndexes('pi_ow');
      expect(indexes).toHaveLength(1);
      expect(indexes[0].indexdef).toMatch(/ ON pi_ow\.t USING btree \(_sdc_table_version\) WHERE \(_sdc_deleted_at IS NULL\)$/);
    }
    expect(await db.query('SELECT v FROM pi_ow.t')).toEqual([{ v: 'third' }]);
  });

  it('a long table name gives an index name within 63 bytes, stable across runs; a partitioned table indexes every partition', async () => {
    const long = 'a_table_name_that_is_long_enough_to_need_shortening_in_indexes';
    const cfg = {
      ...db.config,
      default_target_schema: 'pi_long',
      load_method: 'append-only',
      create_performance_indexes: true,
      stream_overrides: { t: { table: long, partition_by: { column: 'id', strategy: 'hash', modulus: 2 } } },
    };
    for (let i = 0; i < 2; i++) expect((await runTarget({ config: cfg, input: singer(schemaMsg('t', props), rec('t', { id: i })) })).code).toBe(0);
    const [index, ...more] = await sdcIndexes('pi_long', long);
    expect(more).toEqual([]);
    expect(Buffer.byteLength(index.indexname)).toBeLessThanOrEqual(63);
    expect(index.indexname).toMatch(/^a_table_name_that_is_long_enough.*_[0-9a-f]{8}$/);
    const partitions = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'pi_long' AND tablename LIKE 'a\\_table%' AND tablename <> $1 AND indexdef LIKE '%(_sdc_table_version)%'`,
      [long],
    );
    expect(partitions).toEqual([{ n: 2 }]);
  });
});
