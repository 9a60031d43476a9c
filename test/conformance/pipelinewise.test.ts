/**
 * pipelinewise/: transferwise pipelinewise-target-postgres resources (14 files), run with the
 * settings that select pipelinewise behaviour (pipelinewiseConfig): pipelinewise key names,
 * name_style "lower", validate_records false, activate_version false, a default_target_schema
 * (stream `<db>-<table>` → table `<table>`), metadata columns only with add_metadata_columns or
 * hard_delete. Rows are compared after dropping every `_sdc*` column.
 */
import { describe, expect, it } from 'vitest';
import { expectedRows, expectWatermarkStates, fixtureMessages, pick, recordsOf, stateValuesOf, type Row } from './fixtures.js';
import { expectExit, expectSuccess, pipelinewiseConfig, q, useConformance, type Config } from './harness.js';

const c = useConformance();

const messages = (file: string) => fixtureMessages('pipelinewise', file);

async function load(file: string, extra: Config = {}, label = file) {
  const schema = c.schema(`pw_${label.replace('.json', '')}`);
  const r = await c.run('pipelinewise', file, pipelinewiseConfig(c, schema, extra));
  expectSuccess(r);
  return { schema, r };
}

const METADATA = ['_sdc_extracted_at', '_sdc_batched_at', '_sdc_deleted_at'];

async function expectMetadataColumns(schema: string, table: string, present: boolean) {
  const columns = Object.keys(await c.columnTypes(schema, table));
  if (present) expect(columns, `${schema}.${table}`).toEqual(expect.arrayContaining(METADATA));
  else expect(columns.filter((n) => n.startsWith('_sdc')), `${schema}.${table}`).toEqual([]);
}

const MULTI = 'messages-with-multiple-streams.json';
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** messages-with-multiple-streams.json with the default config (no hard delete). */
const MULTI_DEFAULT: Record<string, Row[]> = {
  test_table_one: [{ c_pk: 1, c_varchar: '1', c_int: 1 }],
  test_table_two: [
    { c_pk: 1, c_varchar: '1', c_int: 1, c_date: '2019-02-01T15:12:45+00:00' },
    { c_pk: 2, c_varchar: '2', c_int: 2, c_date: '2019-02-10T02:00:00+00:00' },
  ],
  test_table_three: [
    { c_pk: 1, c_varchar: '1', c_int: 1, c_time: '04:00:00' },
    { c_pk: 2, c_varchar: '2', c_int: 2, c_time: '07:15:00' },
    { c_pk: 3, c_varchar: '3', c_int: 3, c_time: '23:00:03' },
  ],
  test_table_four: range(3).map((n) => ({ c_pk: n, c_smallint: n, c_integer: n, c_bigint: n, c_nobound_int: n })),
};

/** The same with hard_delete: the rows whose data carries `_sdc_deleted_at` are gone. */
const MULTI_HARD_DELETE: Record<string, Row[]> = {
  test_table_one: MULTI_DEFAULT.test_table_one,
  test_table_two: MULTI_DEFAULT.test_table_two.filter((r) => r.c_pk === 2),
  test_table_three: MULTI_DEFAULT.test_table_three.filter((r) => r.c_pk !== 3),
  test_table_four: MULTI_DEFAULT.test_table_four.filter((r) => r.c_pk !== 3),
};

async function expectTables(schema: string, want: Record<string, Row[]>, metadata: boolean) {
  for (const [table, rows] of Object.entries(want)) {
    expect(await c.rows(schema, table, ['c_pk']), `${schema}.${table}`).toEqual(rows);
    await expectMetadataColumns(schema, table, metadata);
  }
}

const ORDER_ROWS: Row[] = [
  { new: '706b32', data: '6461746132', created_at: '2019-12-17T16:02:55+00:00' },
  { new: '706b34', data: '6461746134', created_at: '2019-12-17T16:32:22+00:00' },
];

describe('pipelinewise/', () => {
  it('invalid-json.json: FAIL (exit 65) on line 3, which is not JSON', async () => {
    const schema = c.schema('pw_invalid_json');
    const r = await c.run('pipelinewise', 'invalid-json.json', pipelinewiseConfig(c, schema));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/line 3\b/);
    expect(r.stderr).toMatch(/JSON/);
  });

  it('invalid-message-order.json: FAIL (exit 65), a RECORD for test_table_two before its SCHEMA (earlier records committed)', async () => {
    const schema = c.schema('pw_invalid_order');
    const r = await c.run('pipelinewise', 'invalid-message-order.json', pipelinewiseConfig(c, schema));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/tap_mysql_test-test_table_two/);
    expect(r.stderr).toMatch(/before a corresponding schema/);
    expect(await c.rows(schema, 'test_table_one', ['c_pk'])).toEqual([{ c_pk: 1, c_varchar: '1', c_int: 1 }]);
  });

  it('messages-with-multiple-streams.json (default config): 4 tables with the expected rows, time and integer types, no metadata columns', async () => {
    const { schema, r } = await load(MULTI);
    await expectTables(schema, MULTI_DEFAULT, false);
    expect((await c.columnTypes(schema, 'test_table_three')).c_time).toBe('time without time zone');
    expect(await c.columnTypes(schema, 'test_table_four')).toMatchObject({
      c_pk: 'integer',
      c_smallint: 'smallint',
      c_integer: 'integer',
      c_bigint: 'bigint',
      c_nobound_int: 'bigint',
    });
    expectWatermarkStates(r.stdout, stateValuesOf(messages(MULTI)));
  });

  it('messages-with-multiple-streams.json (add_metadata_columns): the same rows plus metadata columns; incoming _sdc_deleted_at kept as data', async () => {
    const { schema } = await load(MULTI, { add_metadata_columns: true }, 'multi_metadata');
    await expectTables(schema, MULTI_DEFAULT, true);
    const two = await c.rawRows(schema, 'test_table_two', ['c_pk']);
    expect(two.map((row) => row._sdc_deleted_at)).toEqual(['2019-02-12T01:10:10+00:00', null]);
    const one = await c.rawRows(schema, 'test_table_one', ['c_pk']);
    expect(one[0]._sdc_extracted_at).toBe('2019-01-31T15:51:47.465408+00:00');
  });

  it('messages-with-multiple-streams.json (hard_delete): rows carrying _sdc_deleted_at are deleted; metadata columns exist', async () => {
    const { schema, r } = await load(MULTI, { hard_delete: true }, 'multi_hard_delete');
    await expectTables(schema, MULTI_HARD_DELETE, true);
    expectWatermarkStates(r.stdout, stateValuesOf(messages(MULTI)));
  });

  it('messages-with-multiple-streams.json (max_parallelism 1): the default result', async () => {
    const { schema } = await load(MULTI, { max_parallelism: 1 }, 'multi_parallelism_1');
    await expectTables(schema, MULTI_DEFAULT, false);
  });

  it('messages-with-multiple-streams.json (hard_delete, no default_target_schema; the schema_mapping case): stream tap_mysql_test-x loads into schema tap_mysql_test, hard-delete result', async () => {
    const r = await c.run('pipelinewise', MULTI, pipelinewiseConfig(c, undefined, { hard_delete: true }));
    expectSuccess(r);
    await expectTables('tap_mysql_test', MULTI_HARD_DELETE, true);
  });

  it('messages-with-multiple-streams.json, decision: with activate_version on (MeltanoLabs-style), an ACTIVATE_VERSION that arrives before its stream\'s SCHEMA is not an error; hard-delete result', async () => {
    const { schema } = await load(MULTI, { hard_delete: true, activate_version: true }, 'multi_activate_version');
    await expectTables(schema, MULTI_HARD_DELETE, true);
  });

  it('messages-with-multiple-streams-modified-column.json (after messages-with-multiple-streams.json), decision: no column versioning; c_date widened in place to text keeping old values as text, c_time kept and c_time_renamed added', async () => {
    const schema = c.schema('pw_modified_column');
    expectSuccess(await c.run('pipelinewise', MULTI, pipelinewiseConfig(c, schema)));
    expectSuccess(await c.run('pipelinewise', 'messages-with-multiple-streams-modified-column.json', pipelinewiseConfig(c, schema)));
    expect(await c.rows(schema, 'test_table_one', ['c_pk'])).toEqual(MULTI_DEFAULT.test_table_one);
    expect(await c.rows(schema, 'test_table_two', ['c_pk'])).toEqual([
      { c_pk: 1, c_varchar: '1', c_int: 1, c_date: '2019-02-01 15:12:45+00' },
      { c_pk: 2, c_varchar: '2', c_int: 2, c_date: '2019-02-12 02:00:00' },
      { c_pk: 3, c_varchar: '2', c_int: 3, c_date: '2019-02-15 02:00:00' },
    ]);
    expect((await c.columnTypes(schema, 'test_table_two')).c_date).toBe('text');
    expect(await c.rows(schema, 'test_table_three', ['c_pk'])).toEqual([
      { c_pk: 1, c_varchar: '1', c_int: 1, c_time: '04:00:00', c_time_renamed: null },
      { c_pk: 2, c_varchar: '2', c_int: 2, c_time: '07:15:00', c_time_renamed: null },
      { c_pk: 3, c_varchar: '3', c_int: 3, c_time: '23:00:03', c_time_renamed: '08:15:00' },
      { c_pk: 4, c_varchar: '4', c_int: 4, c_time: null, c_time_renamed: '23:00:03' },
    ]);
    expect((await c.columnTypes(schema, 'test_table_three')).c_time_renamed).toBe('time without time zone');
  });

  it('messages-with-reserved-name-as-table-name.json (hard_delete): table "order", exactly 2 rows; hex kept as text, +00:00 times as UTC, malformed _sdc_deleted_at still deletes', async () => {
    const { schema } = await load('messages-with-reserved-name-as-table-name.json', { hard_delete: true });
    expect(await c.rows(schema, 'order', ['new'])).toEqual(ORDER_ROWS);
    await expectMetadataColumns(schema, 'order', true);
  });

  it('messages-with-space-in-table-name.json (hard_delete): the same 2 rows in table "table with space and uppercase"', async () => {
    const { schema } = await load('messages-with-space-in-table-name.json', { hard_delete: true });
    expect(await c.rows(schema, 'table with space and uppercase', ['new'])).toEqual(ORDER_ROWS);
    await expectMetadataColumns(schema, 'table with space and uppercase', true);
  });

  it('messages-with-unicode-characters.json, decision: with validate_records false (pipelinewise default) maxLength is not enforced; all 6 rows exact', async () => {
    const { schema } = await load('messages-with-unicode-characters.json');
    const rows = await c.rows(schema, 'test_table_unicode', ['c_pk']);
    expect(rows).toEqual(expectedRows(messages('messages-with-unicode-characters.json'), 'tap_mysql_test-test_table_unicode'));
    expect(rows).toHaveLength(6);
    expect(rows[5].c_varchar).toBe(`Special Characters: [",'!@£$%^&*()]`);
  });

  it('messages-with-long-texts.json: 5 rows equal to the source, nothing truncated (4017 and 32003 characters)', async () => {
    const { schema } = await load('messages-with-long-texts.json');
    expect(await c.rows(schema, 'test_table_long_texts', ['c_pk'])).toEqual(
      expectedRows(messages('messages-with-long-texts.json'), 'tap_mysql_test-test_table_long_texts'),
    );
    const lengths = await c.query(`SELECT c_pk, char_length(c_varchar) AS n FROM ${q(schema)}.test_table_long_texts WHERE c_pk IN (4, 5) ORDER BY c_pk`);
    expect(lengths).toEqual([
      { c_pk: 4, n: 4017 },
      { c_pk: 5, n: 32003 },
    ]);
  });

  it('messages-with-non-db-friendly-columns.json: 5 rows with lower-cased camelcasecolumn and "minus-column"', async () => {
    const { schema } = await load('messages-with-non-db-friendly-columns.json');
    expect(await c.rows(schema, 'test_table_non_db_friendly_columns', ['c_pk'])).toEqual(
      range(5).map((n) => ({ c_pk: n, camelcasecolumn: `Dummy row ${n}`, 'minus-column': `Dummy row ${n}` })),
    );
  });

  it('messages-with-nested-schema.json (default): 1 row, every object (and the [1,2,3] declared object) as jsonb', async () => {
    const { schema } = await load('messages-with-nested-schema.json');
    expect(await c.rows(schema, 'test_table_nested_schema', ['c_pk'])).toEqual([
      {
        c_pk: 1,
        c_array: [1, 2, 3],
        c_object: { key_1: 'value_1' },
        c_object_with_props: { key_1: 'value_1' },
        c_nested_object: {
          nested_prop_1: 'nested_value_1',
          nested_prop_2: 'nested_value_2',
          nested_prop_3: { multi_nested_prop_1: 'multi_value_1', multi_nested_prop_2: 'multi_value_2' },
        },
      },
    ]);
    expect(await c.columnTypes(schema, 'test_table_nested_schema')).toMatchObject({
      c_array: 'jsonb',
      c_object: 'jsonb',
      c_object_with_props: 'jsonb',
      c_nested_object: 'jsonb',
    });
  });

  it('messages-with-nested-schema.json (data_flattening_max_level 10), decision: objects with properties flatten into __ columns; c_object without properties stays jsonb holding the object; c_array stays [1,2,3]', async () => {
    const { schema } = await load('messages-with-nested-schema.json', { data_flattening_max_level: 10 }, 'nested_flattened');
    expect(await c.rows(schema, 'test_table_nested_schema', ['c_pk'])).toEqual([
      {
        c_pk: 1,
        c_array: [1, 2, 3],
        c_object: { key_1: 'value_1' },
        c_object_with_props__key_1: 'value_1',
        c_nested_object__nested_prop_1: 'nested_value_1',
        c_nested_object__nested_prop_2: 'nested_value_2',
        c_nested_object__nested_prop_3__multi_nested_prop_1: 'multi_value_1',
        c_nested_object__nested_prop_3__multi_nested_prop_2: 'multi_value_2',
      },
    ]);
    expect((await c.columnTypes(schema, 'test_table_nested_schema')).c_object).toBe('jsonb');
  });

  it('messages-with-nested-schema.json, decision: c_array (declared object, holds [1,2,3]) loads only with validate_records false; with validation on the run fails (exit 65)', async () => {
    const schema = c.schema('pw_nested_validated');
    const r = await c.run('pipelinewise', 'messages-with-nested-schema.json', pipelinewiseConfig(c, schema, { validate_records: true }));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/c_array/);
    expect(await c.count(schema, 'test_table_nested_schema')).toBe(0);
  });

  it('messages-with-invalid-records.json (validate_records false): FAIL (exit 65), PostgreSQL rejects "Non Numeric PK" for the integer key', async () => {
    const schema = c.schema('pw_invalid_records');
    const r = await c.run('pipelinewise', 'messages-with-invalid-records.json', pipelinewiseConfig(c, schema));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/invalid input syntax for type integer/);
    expect(r.stderr).toMatch(/line 4\b/);
    expect(await c.count(schema, 'test_table_invalid_record')).toBe(0);
  });

  it('messages-with-invalid-records.json (validate_records true): FAIL (exit 65) with a record-validation error', async () => {
    const schema = c.schema('pw_invalid_records_validated');
    const r = await c.run('pipelinewise', 'messages-with-invalid-records.json', pipelinewiseConfig(c, schema, { validate_records: true }));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/line 4\b/);
    expect(r.stderr).toMatch(/c_pk/);
    expect(await c.count(schema, 'test_table_invalid_record')).toBe(0);
  });

  for (const [batch, flushAll] of [[undefined, false], [5, false], [10, false], [1000, false], [10, true]] as const) {
    const label = (batch === undefined ? 'default batch size' : `batch_size_rows ${batch}`) + (flushAll ? ' + flush_all_streams' : '');
    it(`messages-pg-logical-streams.json (hard_delete, ${label}): inserts, updates and deletes applied; decision: states follow our watermark rule, not pipelinewise's per-flush counts`, async () => {
      const file = 'messages-pg-logical-streams.json';
      const { schema, r } = await load(file, { hard_delete: true, ...(batch ? { batch_size_rows: batch } : {}), ...(flushAll ? { flush_all_streams: true } : {}) }, `logical_${batch ?? 'default'}${flushAll ? '_all' : ''}`);
      const m = messages(file);
      expect(await c.rows(schema, 'logical1_table1', ['cid'])).toEqual([
        { cid: 1, cvarchar: 'inserted row', cvarchar2: null },
        ...[2, 3, 4].map((cid) => ({ cid, cvarchar: 'inserted row', cvarchar2: 'inserted row' })),
      ]);
      expect(await c.rows(schema, 'logical1_table2', ['cid'])).toEqual([1, 2, 3, 5, 7, 8, 9, 10].map((cid) => ({ cid, cvarchar: 'updated row' })));
      expect(await c.rows(schema, 'logical2_table1', ['cid'])).toEqual([1, 2, 3].map((cid) => ({ cid, cvarchar: 'updated row' })));
      const edgy = pick(await c.rows(schema, 'logical1_edgydata', ['cid']), ['cid', 'ctimentz', 'ctimetz', 'cvarchar']);
      expect(edgy).toEqual(pick(expectedRows(m, 'logical1-logical1_edgydata', { hardDelete: true }), ['cid', 'ctimentz', 'ctimetz', 'cvarchar']));
      expect(edgy.filter((row) => [1, 2, 3, 4, 5, 6, 8, 9].includes(row.cid as number)).map((row) => [row.ctimentz, row.ctimetz])).toEqual([
        [null, null],
        ['23:00:15', '23:00:15'],
        ['12:00:15', '12:00:15'],
        ['12:00:15', '09:00:15'],
        ['12:00:15', '15:00:15'],
        ['00:00:00', '00:00:00'],
        ['00:00:00', '01:00:00'],
        ['00:00:00', '00:00:00'],
      ]);
      for (const table of ['logical1_edgydata', 'logical1_table1', 'logical1_table2', 'logical2_table1']) await expectMetadataColumns(schema, table, true);
      expect(r.stdout.length).toBeGreaterThan(0);
      expectWatermarkStates(r.stdout, stateValuesOf(m));
      expect((JSON.parse(r.stdout.at(-1)!) as { bookmarks: Record<string, { lsn: number }> }).bookmarks['logical2-logical2_table1'].lsn).toBe(108240872);
    });
  }

  it('messages-pg-logical-streams-no-records.json (hard_delete, batch_size_rows 5): the 4 tables are created from SCHEMA alone, empty', async () => {
    const { schema, r } = await load('messages-pg-logical-streams-no-records.json', { hard_delete: true, batch_size_rows: 5 });
    for (const table of ['logical1_edgydata', 'logical1_table1', 'logical1_table2', 'logical2_table1']) {
      expect(await c.tableExists(schema, table), table).toBe(true);
      expect(await c.count(schema, table), table).toBe(0);
    }
    expectWatermarkStates(r.stdout, stateValuesOf(messages('messages-pg-logical-streams-no-records.json')));
  });

  it('unit-logical-streams.json (hard_delete, batch_size_rows 20), decision: instead of the peer\'s mocked flush count, the live rows (last record per key, deleted keys removed)', async () => {
    const file = 'unit-logical-streams.json';
    const { schema, r } = await load(file, { hard_delete: true, batch_size_rows: 20 });
    const m = messages(file);
    const want = expectedRows(m, 'logical1-logical1_table2', { hardDelete: true });
    expect(want.map((row) => row.cid)).toEqual([1, 2, 3, 5, 7, 8, 9, 10]);
    expect(recordsOf(m, 'logical1-logical1_table2')).toHaveLength(40);
    expect(await c.rows(schema, 'logical1_table2', ['cid'])).toEqual(want);
    expectWatermarkStates(r.stdout, stateValuesOf(m));
  });
});
