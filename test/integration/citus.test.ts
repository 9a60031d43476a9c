import { describe, expect, it } from 'vitest';
import { describeCitus, useCitusCluster } from '../helpers/citus.js';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { activateVersion, rec, schemaMsg, singer } from '../helpers/singer.js';

/*
 * A real Citus cluster (coordinator + 2 workers): what the target makes of new tables, and that
 * every load method keeps working on them. Schema evolution, keys and overwrite are in
 * citus-evolution.test.ts.
 */
const cluster = useCitusCluster();
const plain = useTestDatabase();

const customer = { customer_id: { type: 'integer' }, name: { type: ['string', 'null'] } };
const order = { id: { type: 'integer' }, customer_id: { type: 'integer' }, total: { type: ['number', 'null'] } };

describe('Citus settings on plain PostgreSQL', () => {
  it('do nothing: plain tables, no Citus in the log; a wrong distribution_column is still a config error', async () => {
    const config = { ...plain.config, default_target_schema: 'plain', stream_overrides: { orders: { distribution_column: 'customer_id' }, dims: { citus_table: 'reference' } } };
    const r = await runTarget({ config, input: singer(schemaMsg('orders', order, ['id', 'customer_id']), schemaMsg('dims', customer, ['customer_id']), rec('orders', { id: 1, customer_id: 2, total: 3 }), rec('dims', { customer_id: 2, name: 'x' })) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('"msg":"connected"');
    expect(r.stderr).not.toMatch(/Citus/);
    expect(await plain.query('SELECT id::int, customer_id::int FROM plain.orders')).toEqual([{ id: 1, customer_id: 2 }]);
    const bad = await runTarget({ config: { ...config, default_target_schema: 'plain2', stream_overrides: { orders: { distribution_column: 'total' } } }, input: singer(schemaMsg('orders', order, ['id'])) });
    expect(bad.code).toBe(64);
  });
});

describeCitus('Citus: new tables', () => {
  it('keyed streams are distributed on their first key (or distribution_column), co-located, with shards on both workers; upsert updates rows', async () => {
    const schema = cluster.schema('keyed');
    const config = { ...cluster.config, default_target_schema: schema, stream_overrides: { orders: { distribution_column: 'customer_id' } } };
    const r1 = await runTarget({
      config,
      input: singer(
        schemaMsg('customers', customer, ['customer_id']),
        schemaMsg('orders', order, ['id', 'customer_id']),
        ...[1, 2, 3, 4].map((i) => rec('customers', { customer_id: i, name: `c${i}` })),
        ...[1, 2, 3, 4, 5, 6].map((i) => rec('orders', { id: i, customer_id: (i % 4) + 1, total: i * 10 })),
      ),
    });
    expect(r1.stderr).not.toMatch(/"level":50/);
    expect(r1.code).toBe(0);
    const customers = await cluster.layout(schema, 'customers');
    const orders = await cluster.layout(schema, 'orders');
    expect(customers).toMatchObject({ method: 'h', column: 'customer_id' });
    expect(orders).toMatchObject({ method: 'h', column: 'customer_id' });
    expect(orders.colocation).toBe(customers.colocation);
    const workers = await cluster.workerPorts();
    expect(workers).toHaveLength(2);
    expect(await cluster.shardPorts(schema, 'customers')).toEqual(workers);
    expect(await cluster.shardPorts(schema, 'orders')).toEqual(workers);

    // a second run upserts: one customer renamed, one added, one order changed
    const r2 = await runTarget({
      config,
      input: singer(schemaMsg('customers', customer, ['customer_id']), schemaMsg('orders', order, ['id', 'customer_id']), rec('customers', { customer_id: 2, name: 'renamed' }), rec('customers', { customer_id: 5, name: 'c5' }), rec('orders', { id: 3, customer_id: 4, total: 99 })),
    });
    expect(r2.code).toBe(0);
    expect(await cluster.query(`SELECT customer_id::int, name FROM "${schema}".customers ORDER BY 1`)).toEqual([
      { customer_id: 1, name: 'c1' },
      { customer_id: 2, name: 'renamed' },
      { customer_id: 3, name: 'c3' },
      { customer_id: 4, name: 'c4' },
      { customer_id: 5, name: 'c5' },
    ]);
    expect(await cluster.query(`SELECT count(*)::int AS n, sum(total)::int AS total FROM "${schema}".orders`)).toEqual([{ n: 6, total: 10 + 20 + 99 + 40 + 50 + 60 }]);
    // a co-located join runs on the workers
    expect(await cluster.query(`SELECT c.name, sum(o.total)::int AS t FROM "${schema}".orders o JOIN "${schema}".customers c USING (customer_id) WHERE customer_id = 4 GROUP BY 1`)).toEqual([{ name: 'c4', t: 99 }]);
  });

  it('a distribution column of another type is not co-located, with a warning saying why', async () => {
    const schema = cluster.schema('types');
    const narrow = { customer_id: { type: 'integer', minimum: 0, maximum: 100000 }, name: { type: 'string' } };
    const r = await runTarget({ config: { ...cluster.config, default_target_schema: schema }, input: singer(schemaMsg('customers', customer, ['customer_id']), schemaMsg('narrow', narrow, ['customer_id']), rec('narrow', { customer_id: 1, name: 'x' })) });
    expect(r.code).toBe(0);
    expect((await cluster.layout(schema, 'narrow')).colocation).not.toBe((await cluster.layout(schema, 'customers')).colocation);
    expect(r.stderr).toMatch(/is not co-located with .*: both are distributed on \\"customer_id\\", but as integer and bigint/);
  });

  it('quoted, mixed-case and hostile names are distributed and co-located like any other', async () => {
    const schema = cluster.schema('Odd "Schema"');
    const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
    const props = { 'Cust"Id': { type: 'integer' }, 'v; --': { type: 'string' } };
    const r = await runTarget({
      config: { ...cluster.config, default_target_schema: schema },
      input: singer(schemaMsg('We"ird', props, ['Cust"Id']), schemaMsg('Ot her', props, ['Cust"Id']), rec('We"ird', { 'Cust"Id': 1, 'v; --': 'a' }), rec('Ot her', { 'Cust"Id': 1, 'v; --': 'b' })),
    });
    expect(r.code).toBe(0);
    const a = await cluster.layout(schema, 'We"ird');
    expect(a).toMatchObject({ method: 'h', column: 'Cust"Id' });
    expect((await cluster.layout(schema, 'Ot her')).colocation).toBe(a.colocation);
    expect(await cluster.query(`SELECT "v; --" AS v FROM ${q(schema)}.${q('We"ird')}`)).toEqual([{ v: 'a' }]);
  });

  it('a distribution_column outside the key is a config error (exit 64), and no table is created', async () => {
    const schema = cluster.schema('badcol');
    const r = await runTarget({
      config: { ...cluster.config, default_target_schema: schema, stream_overrides: { orders: { distribution_column: 'total' } } },
      input: singer(schemaMsg('orders', order, ['id']), rec('orders', { id: 1, customer_id: 1, total: 1 })),
    });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`target-postgres: error: stream "orders": stream_overrides.orders.distribution_column "total" is not one of the stream's key_properties (id): a Citus table's primary key must include its distribution column`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await cluster.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).toEqual([]);
  });

  it('citus_table reference copies the table to every node; upsert works on it', async () => {
    const schema = cluster.schema('ref');
    const config = { ...cluster.config, default_target_schema: schema, stream_overrides: { countries: { citus_table: 'reference' } } };
    const props = { code: { type: 'string' }, name: { type: 'string' } };
    const r = await runTarget({ config, input: singer(schemaMsg('countries', props, ['code']), rec('countries', { code: 'DE', name: 'Germany' }), rec('countries', { code: 'FR', name: 'France' }), rec('countries', { code: 'DE', name: 'Deutschland' })) });
    expect(r.code).toBe(0);
    expect(await cluster.layout(schema, 'countries')).toMatchObject({ method: 'n', repmodel: 't', column: null });
    const nodes = await cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_dist_node WHERE isactive');
    expect((await cluster.shardPorts(schema, 'countries')).length).toBe(nodes[0].n);
    expect(await cluster.query(`SELECT code, name FROM "${schema}".countries ORDER BY 1`)).toEqual([
      { code: 'DE', name: 'Deutschland' },
      { code: 'FR', name: 'France' },
    ]);
  });

  it('hard deletes on a reference table (keys from a subquery: Citus cannot join it with the staging table); history on one is refused (exit 64)', async () => {
    const schema = cluster.schema('refdel');
    const props = { code: { type: 'string' }, name: { type: 'string' }, at: { type: 'string', format: 'date-time' } };
    const config = { ...cluster.config, default_target_schema: schema, hard_delete: true, stream_overrides: { c: { citus_table: 'reference' } } };
    const s = (...m: unknown[]) => singer(schemaMsg('c', props, ['code'], { bookmark_properties: ['at'] }), ...m);
    expect((await runTarget({ config, input: s(rec('c', { code: 'DE', name: 'x', at: '2024-01-02T00:00:00Z' }), rec('c', { code: 'FR', name: 'y', at: '2024-01-02T00:00:00Z' }), rec('c', { code: 'IT', name: 'z', at: '2024-01-02T00:00:00Z' })) })).code).toBe(0);
    const deleted = '2024-01-03T00:00:00Z';
    const r = await runTarget({ config, input: s(rec('c', { code: 'DE', name: 'x', at: '2024-01-03T00:00:00Z', _sdc_deleted_at: deleted }), rec('c', { code: 'FR', name: 'y', at: '2024-01-01T00:00:00Z', _sdc_deleted_at: deleted })) });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    // DE deleted; FR's delete is older than the stored row, so FR stays
    expect(await cluster.query(`SELECT code FROM "${schema}".c ORDER BY 1`)).toEqual([{ code: 'FR' }, { code: 'IT' }]);
    expect(await cluster.layout(schema, 'c')).toMatchObject({ method: 'n', repmodel: 't' });

    const history = await runTarget({ config: { ...config, stream_overrides: { h: { citus_table: 'reference', load_method: 'history' } } }, input: singer(schemaMsg('h', props, ['code']), rec('h', { code: 'DE', name: 'x', at: deleted })) });
    expect(history.code).toBe(64);
    expect(history.stderr).toContain('target-postgres: error: stream "h": load_method history cannot load into a Citus reference table');
    expect(await cluster.layout(schema, 'h')).toEqual({});
  });

  it('keyless streams: distributed on _sdc_sequence (rows on both workers), on distribution_column if set, single-shard without metadata columns', async () => {
    const schema = cluster.schema('keyless');
    const props = { user_id: { type: 'integer' }, what: { type: ['string', 'null'] } };
    const rows = Array.from({ length: 200 }, (_, i) => ({ user_id: i % 7, what: `e${i}` }));
    const r = await runTarget({
      config: { ...cluster.config, default_target_schema: schema, stream_overrides: { by_user: { distribution_column: 'user_id' } } },
      input: singer(schemaMsg('events', props, []), schemaMsg('by_user', props, []), ...rows.map((x) => rec('events', x)), ...rows.map((x) => rec('by_user', x)), rec('events', rows[0])),
    });
    expect(r.code).toBe(0);
    expect(await cluster.layout(schema, 'events')).toMatchObject({ method: 'h', column: '_sdc_sequence' });
    expect(await cluster.layout(schema, 'by_user')).toMatchObject({ method: 'h', column: 'user_id' });
    const perWorker = await cluster.query<{ nodeport: number; n: number }>(
      `SELECT s.nodeport, sum(r.result::int)::int AS n FROM run_command_on_shards($1, 'SELECT count(*) FROM %s') r JOIN citus_shards s USING (shardid) GROUP BY 1 HAVING sum(r.result::int) > 0 ORDER BY 1`,
      [`"${schema}".events`],
    );
    expect(perWorker.map((w) => w.nodeport)).toEqual(await cluster.workerPorts());
    expect(perWorker.every((w) => w.n > 40)).toBe(true); // 201 rows spread over 2 workers
    expect(await cluster.query(`SELECT count(*)::int AS n FROM "${schema}".events WHERE what = 'e0'`)).toEqual([{ n: 2 }]); // duplicates kept

    const bare = cluster.schema('bare');
    const r2 = await runTarget({ config: { ...cluster.config, default_target_schema: bare, add_record_metadata: false }, input: singer(schemaMsg('events', props, []), rec('events', rows[0])) });
    expect(r2.code).toBe(0);
    const single = await cluster.layout(bare, 'events');
    expect(single).toMatchObject({ method: 'n', repmodel: 's', column: null });
    expect(single.colocation).toBeGreaterThan(0); // a distributed table, not a Citus local one
    expect(await cluster.shardPorts(bare, 'events')).toHaveLength(1);
    expect((await cluster.workerPorts()).includes((await cluster.shardPorts(bare, 'events'))[0])).toBe(true);
  });

  it('a null in a keyless stream\'s distribution column is an input error naming the line', async () => {
    const schema = cluster.schema('nulldist');
    const r = await runTarget({
      config: { ...cluster.config, default_target_schema: schema, validate_records: false, stream_overrides: { e: { distribution_column: 'k' } } },
      input: singer(schemaMsg('e', { k: { type: ['integer', 'null'] } }, []), rec('e', { k: 1 }), rec('e', { k: null })),
    });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('target-postgres: error: line 3, stream "e": PostgreSQL rejected a value for table');
    expect(r.stderr).toContain('(every record needs a value in the Citus distribution column)');
  });

  it('citus_distribution off: new tables stay on the coordinator, except streams that ask for a Citus table', async () => {
    const schema = cluster.schema('off');
    const r = await runTarget({
      config: { ...cluster.config, default_target_schema: schema, citus_distribution: 'off', stream_overrides: { dims: { citus_table: 'reference' } } },
      input: singer(schemaMsg('facts', customer, ['customer_id']), schemaMsg('dims', customer, ['customer_id']), rec('facts', { customer_id: 1, name: 'x' }), rec('dims', { customer_id: 1, name: 'y' })),
    });
    expect(r.code).toBe(0);
    expect(await cluster.layout(schema, 'facts')).toEqual({});
    expect(await cluster.layout(schema, 'dims')).toMatchObject({ method: 'n', repmodel: 't' });
    expect(await cluster.query(`SELECT name FROM "${schema}".facts`)).toEqual([{ name: 'x' }]);
  });

  it('an existing local table is kept as it is, with a warning', async () => {
    const schema = cluster.schema('existing');
    await cluster.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".customers (customer_id bigint PRIMARY KEY, name text)`);
    const r = await runTarget({ config: { ...cluster.config, default_target_schema: schema }, input: singer(schemaMsg('customers', customer, ['customer_id']), rec('customers', { customer_id: 1, name: 'x' })) });
    expect(r.code).toBe(0);
    expect(await cluster.layout(schema, 'customers')).toEqual({});
    expect(r.stderr).toContain('is a plain table on the coordinator, not distributed on \\"customer_id\\" as the config makes new tables');
  });
});

describeCitus('Citus: load methods on distributed tables', () => {
  it('upsert_statement merge falls back to INSERT ... ON CONFLICT (Citus cannot MERGE from the staging table); the newer record wins', async () => {
    const schema = cluster.schema('merge');
    const props = { id: { type: 'integer' }, v: { type: 'string' }, at: { type: 'string', format: 'date-time' } };
    const config = { ...cluster.config, default_target_schema: schema, upsert_statement: 'merge', batch_size_rows: 2 };
    const s = (...m: unknown[]) => singer(schemaMsg('t', props, ['id'], { bookmark_properties: ['at'] }), ...m);
    const r1 = await runTarget({ config, input: s(rec('t', { id: 1, v: 'a', at: '2024-01-02T00:00:00Z' }), rec('t', { id: 2, v: 'b', at: '2024-01-02T00:00:00Z' }), rec('t', { id: 3, v: 'c', at: '2024-01-02T00:00:00Z' })) });
    expect(r1.code).toBe(0);
    expect(r1.stderr).toContain('upserts into Citus tables use INSERT ... ON CONFLICT');
    const r2 = await runTarget({ config, input: s(rec('t', { id: 1, v: 'newer', at: '2024-01-03T00:00:00Z' }), rec('t', { id: 2, v: 'stale', at: '2024-01-01T00:00:00Z' })) });
    expect(r2.code).toBe(0);
    expect(await cluster.query(`SELECT id::int, v FROM "${schema}".t ORDER BY 1`)).toEqual([
      { id: 1, v: 'newer' },
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
    ]);
    expect(await cluster.layout(schema, 't')).toMatchObject({ method: 'h', column: 'id' });
  });

  it('history keeps versions in a table distributed on the key', async () => {
    const schema = cluster.schema('hist');
    const config = { ...cluster.config, default_target_schema: schema, load_method: 'history' };
    const s = (...m: unknown[]) => singer(schemaMsg('h', customer, ['customer_id']), ...m);
    expect((await runTarget({ config, input: s(rec('h', { customer_id: 1, name: 'a' }), rec('h', { customer_id: 2, name: 'b' })) })).code).toBe(0);
    expect((await runTarget({ config, input: s(rec('h', { customer_id: 1, name: 'a2' }), rec('h', { customer_id: 2, name: 'b' })) })).code).toBe(0);
    expect(await cluster.query(`SELECT customer_id::int AS id, name, _sdc_is_current AS cur FROM "${schema}".h ORDER BY 1, _sdc_valid_from`)).toEqual([
      { id: 1, name: 'a', cur: false },
      { id: 1, name: 'a2', cur: true },
      { id: 2, name: 'b', cur: true },
    ]);
    expect(await cluster.layout(schema, 'h')).toMatchObject({ method: 'h', column: 'customer_id' });
  });

  it('hard deletes and ACTIVATE_VERSION delete rows across the shards; the table stays distributed', async () => {
    const schema = cluster.schema('deletes');
    const props = { id: { type: 'integer' }, v: { type: ['string', 'null'] } };
    const r = await runTarget({
      config: { ...cluster.config, default_target_schema: schema, hard_delete: true },
      input: singer(
        schemaMsg('d', props),
        ...[1, 2, 3, 4, 5, 6].map((id) => rec('d', { id, v: 'old' }, { version: 1 })),
        activateVersion('d', 2),
        rec('d', { id: 2, v: 'keep' }, { version: 2 }),
        rec('d', { id: 3, v: 'gone', _sdc_deleted_at: '2024-01-01T00:00:00Z' }, { version: 2 }),
        rec('d', { id: 4, v: 'keep' }, { version: 2 }),
        activateVersion('d', 2),
      ),
    });
    expect(r.code).toBe(0);
    expect(await cluster.query(`SELECT id::int, v FROM "${schema}".d ORDER BY 1`)).toEqual([
      { id: 2, v: 'keep' },
      { id: 4, v: 'keep' },
    ]);
    expect(await cluster.layout(schema, 'd')).toMatchObject({ method: 'h', column: 'id' });

    // without hard_delete, ACTIVATE_VERSION marks the older rows on every shard
    const soft = cluster.schema('softdel');
    const r2 = await runTarget({
      config: { ...cluster.config, default_target_schema: soft },
      input: singer(schemaMsg('d', props), ...[1, 2, 3, 4].map((id) => rec('d', { id, v: 'old' }, { version: 1 })), rec('d', { id: 2, v: 'new' }, { version: 2 }), activateVersion('d', 2)),
    });
    expect(r2.code).toBe(0);
    expect(await cluster.query(`SELECT id::int, _sdc_deleted_at IS NOT NULL AS deleted FROM "${soft}".d ORDER BY 1`)).toEqual([
      { id: 1, deleted: true },
      { id: 2, deleted: false },
      { id: 3, deleted: true },
      { id: 4, deleted: true },
    ]);
  });

  it('the dead-letter table is a single-shard distributed table holding the rejected records', async () => {
    const schema = cluster.schema('dlq');
    const props = { id: { type: 'integer' }, n: { type: 'integer' } };
    const r = await runTarget({
      config: { ...cluster.config, default_target_schema: schema, on_invalid_record: 'dead_letter' },
      input: singer(schemaMsg('s', props), rec('s', { id: 1, n: 1 }), rec('s', { id: 2, n: 'two' }), rec('s', { id: 3, n: 3 })),
    });
    expect(r.code).toBe(0);
    const dl = await cluster.layout(schema, '_sdc_rejected_records');
    expect(dl).toMatchObject({ method: 'n', repmodel: 's', column: null });
    expect(dl.colocation).toBeGreaterThan(0);
    expect(await cluster.query(`SELECT stream, line::int, record FROM "${schema}"._sdc_rejected_records`)).toEqual([{ stream: 's', line: 3, record: { id: 2, n: 'two' } }]);
    expect(await cluster.query(`SELECT id::int FROM "${schema}".s ORDER BY 1`)).toEqual([{ id: 1 }, { id: 3 }]);
  });
});
