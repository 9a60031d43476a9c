import { expect, it } from 'vitest';
import { describeCitus, useCitusCluster } from '../helpers/citus.js';
import { runTarget } from '../helpers/run-target.js';
import { activateVersion, rec, schemaMsg, singer } from '../helpers/singer.js';

/*
 * A real Citus cluster: Citus tables keep their layout through schema evolution, key changes
 * and overwrite, and what Citus cannot do is refused with a clear error.
 */
const cluster = useCitusCluster();

async function columnType(schema: string, table: string, column: string): Promise<string> {
  const rows = await cluster.query<{ t: string }>('SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2', [`"${schema}"."${table}"`, column]);
  return rows[0]?.t;
}

async function primaryKey(schema: string, table: string): Promise<string[]> {
  const rows = await cluster.query<{ a: string }>(
    `SELECT a.attname AS a FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
     WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY k.o`,
    [`"${schema}"."${table}"`],
  );
  return rows.map((r) => r.a);
}

describeCitus('Citus: schema evolution', () => {
  it('adds and widens columns of a distributed table, which stays distributed on the same column', async () => {
    const schema = cluster.schema('evolve');
    const config = { ...cluster.config, default_target_schema: schema };
    const v1 = { id: { type: 'integer' }, n: { type: 'integer', minimum: 0, maximum: 100 } };
    const v2 = { id: { type: 'integer' }, n: { type: ['integer', 'string'] }, added: { type: ['string', 'null'], format: 'date' } };
    expect((await runTarget({ config, input: singer(schemaMsg('t', v1), rec('t', { id: 1, n: 5 })) })).code).toBe(0);
    const before = await cluster.layout(schema, 't');
    const r = await runTarget({ config, input: singer(schemaMsg('t', v2), rec('t', { id: 2, n: 'two', added: '2024-05-06' })) });
    expect(r.code).toBe(0);
    expect(await columnType(schema, 't', 'n')).toBe('text');
    expect(await columnType(schema, 't', 'added')).toBe('date');
    expect(await cluster.layout(schema, 't')).toEqual(before);
    expect(before).toMatchObject({ method: 'h', column: 'id' });
    expect(await cluster.query(`SELECT id::int, n, added::text FROM "${schema}".t ORDER BY 1`)).toEqual([
      { id: 1, n: '5', added: null },
      { id: 2, n: 'two', added: '2024-05-06' },
    ]);
    expect(await cluster.shardPorts(schema, 't')).toEqual(await cluster.workerPorts());
  });

  it('refuses to widen the distribution column, from a new schema and from an out-of-range value (exit 65, one line)', async () => {
    const schema = cluster.schema('widen');
    const config = { ...cluster.config, default_target_schema: schema };
    const narrow = { id: { type: "integer", minimum: 0, maximum: 100000 }, v: { type: 'string' } };
    expect((await runTarget({ config, input: singer(schemaMsg('t', narrow), rec('t', { id: 1, v: 'a' })) })).code).toBe(0);
    expect(await columnType(schema, 't', 'id')).toBe('integer');

    const bySchema = await runTarget({ config, input: singer(schemaMsg('t', { id: { type: 'integer' }, v: { type: 'string' } }), rec('t', { id: 2, v: 'b' })) });
    expect(bySchema.code).toBe(65);
    expect(bySchema.stderr).toContain(
      `target-postgres: error: stream "t": column "id" of table ${schema}.t should become bigint (the stream's schema changed), but it is the table's Citus distribution column, whose type Citus cannot change (it is integer).`,
    );
    expect(bySchema.stderr).toContain(`SELECT undistribute_table('${schema}.t')`);

    const byValue = await runTarget({ config: { ...config, validate_records: false }, input: singer(schemaMsg('t', narrow), rec('t', { id: 3_000_000_000, v: 'c' })) });
    expect(byValue.code).toBe(65);
    expect(byValue.stderr).toContain('should become bigint (a value 3000000000 is beyond its range), but it is the table\'s Citus distribution column');
    expect(byValue.stderr).not.toMatch(/\n\s+at /);

    expect(await columnType(schema, 't', 'id')).toBe('integer');
    expect(await cluster.layout(schema, 't')).toMatchObject({ method: 'h', column: 'id' });
    expect(await cluster.query(`SELECT id::int, v FROM "${schema}".t`)).toEqual([{ id: 1, v: 'a' }]);
  });

  it('moves the primary key when the new key keeps the distribution column, and refuses one without it', async () => {
    const schema = cluster.schema('keys');
    const config = { ...cluster.config, default_target_schema: schema };
    const props = { id: { type: 'integer' }, region: { type: 'string' }, v: { type: 'string' } };
    expect((await runTarget({ config, input: singer(schemaMsg('t', props, ['id']), rec('t', { id: 1, region: 'eu', v: 'a' })) })).code).toBe(0);

    const wider = await runTarget({ config, input: singer(schemaMsg('t', props, ['id', 'region']), rec('t', { id: 1, region: 'us', v: 'b' })) });
    expect(wider.code).toBe(0);
    expect(await primaryKey(schema, 't')).toEqual(['id', 'region']);
    expect(await cluster.query(`SELECT id::int, region, v FROM "${schema}".t ORDER BY 2`)).toEqual([
      { id: 1, region: 'eu', v: 'a' },
      { id: 1, region: 'us', v: 'b' },
    ]);

    const without = await runTarget({ config, input: singer(schemaMsg('t', props, ['region']), rec('t', { id: 2, region: 'ap', v: 'c' })) });
    expect(without.code).toBe(65);
    expect(without.stderr).toContain(`key_properties now make the key (region), but table ${schema}.t is distributed on "id", and Citus needs the distribution column in every primary key and unique index`);
    expect(await primaryKey(schema, 't')).toEqual(['id', 'region']);
    expect(await cluster.layout(schema, 't')).toMatchObject({ method: 'h', column: 'id' });
  });
});

describeCitus('Citus: overwrite', () => {
  it('the fresh table is distributed on the same column and co-located before the swap; grants and rows are right', async () => {
    const schema = cluster.schema('overwrite');
    const config = { ...cluster.config, default_target_schema: schema, load_method: 'overwrite', stream_overrides: { items: { distribution_column: 'customer_id' } } };
    const props = { id: { type: 'integer' }, customer_id: { type: 'integer' }, v: { type: 'string' } };
    const s = (...m: unknown[]) => singer(schemaMsg('customers', { customer_id: { type: 'integer' } }, ['customer_id']), schemaMsg('items', props, ['id', 'customer_id']), ...m);
    expect((await runTarget({ config, input: s(rec('customers', { customer_id: 1 }), rec('items', { id: 1, customer_id: 1, v: 'first' }), rec('items', { id: 2, customer_id: 2, v: 'first' })) })).code).toBe(0);
    const first = await cluster.layout(schema, 'items');
    expect(first).toMatchObject({ method: 'h', column: 'customer_id' });
    expect(first.colocation).toBe((await cluster.layout(schema, 'customers')).colocation);
    const reader = `tpc_reader_${process.pid}`;
    await cluster.query(`DROP ROLE IF EXISTS ${reader}; CREATE ROLE ${reader}; GRANT SELECT ON "${schema}".items TO ${reader}`);

    const r = await runTarget({ config, input: s(rec('items', { id: 3, customer_id: 3, v: 'second' }), activateVersion('items', 2), rec('items', { id: 4, customer_id: 4, v: 'third' })) });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await cluster.layout(schema, 'items')).toEqual(first);
    expect(await cluster.shardPorts(schema, 'items')).toEqual(await cluster.workerPorts());
    expect(await cluster.query(`SELECT id::int, v FROM "${schema}".items ORDER BY 1`)).toEqual([{ id: 4, v: 'third' }]);
    expect(await cluster.query(`SELECT has_table_privilege('${reader}', '"${schema}".items', 'SELECT') AS ok`)).toEqual([{ ok: true }]);
    // nothing is left behind: no fresh or retired table in the schema or the Citus metadata
    expect(await cluster.query(`SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r' ORDER BY 1`, [`"${schema}"`])).toEqual([{ relname: 'customers' }, { relname: 'items' }]);
    expect(await cluster.query(`SELECT count(*)::int AS n FROM pg_dist_partition WHERE logicalrelid::text LIKE $1`, [`%${schema}%_tp_%`])).toEqual([{ n: 0 }]);
    await cluster.query(`DROP OWNED BY ${reader}; DROP ROLE ${reader}`);
  });

  it('reference and keyless tables keep their layout through overwrite', async () => {
    const schema = cluster.schema('overwrite2');
    const config = { ...cluster.config, default_target_schema: schema, load_method: 'overwrite', stream_overrides: { dim: { citus_table: 'reference' } } };
    const props = { k: { type: 'string' }, v: { type: 'integer' } };
    const s = (n: number) => singer(schemaMsg('dim', props, ['k']), schemaMsg('log', props, []), rec('dim', { k: 'a', v: n }), rec('log', { k: 'a', v: n }), rec('log', { k: 'b', v: n }));
    expect((await runTarget({ config, input: s(1) })).code).toBe(0);
    const dim = await cluster.layout(schema, 'dim');
    const log = await cluster.layout(schema, 'log');
    expect(dim).toMatchObject({ method: 'n', repmodel: 't' });
    expect(log).toMatchObject({ method: 'h', column: '_sdc_sequence' });
    expect((await runTarget({ config, input: s(2) })).code).toBe(0);
    expect(await cluster.layout(schema, 'dim')).toEqual(dim);
    expect(await cluster.layout(schema, 'log')).toEqual(log);
    expect(await cluster.query(`SELECT k, v::int FROM "${schema}".dim`)).toEqual([{ k: 'a', v: 2 }]);
    expect(await cluster.query(`SELECT k, v::int FROM "${schema}".log ORDER BY 1`)).toEqual([
      { k: 'a', v: 2 },
      { k: 'b', v: 2 },
    ]);
  });
});
