/**
 * meltanolabs/: MeltanoLabs target-postgres test data (38 files), with MeltanoLabs settings:
 * own schema, add_record_metadata true, hard_delete false, activate_version true unless a
 * test says otherwise. Rows are compared after dropping every `_sdc*` column.
 */
import { describe, expect, it } from 'vitest';
import {
  base16AsBytea,
  expectedRows,
  expectWatermarkStates,
  fixtureMessages,
  propertyNames,
  recordsOf,
  RELATIONAL_AFTER_UPSERT,
  sortRows,
  stateValuesOf,
} from './fixtures.js';
import { expectDataColumns, expectExit, expectSuccess, meltanoConfig, q, useConformance, type Config } from './harness.js';

const c = useConformance();

const messages = (file: string) => fixtureMessages('meltanolabs', file);

/** Loads one meltanolabs/ file into a fresh "melty" schema and expects success. */
async function load(file: string, extra: Config = {}) {
  const schema = c.schema(`melty_${file.replace('.singer', '')}`);
  const r = await c.run('meltanolabs', file, meltanoConfig(c, schema, extra));
  expectSuccess(r);
  return { schema, r };
}

async function loadInto(schema: string, file: string, extra: Config = {}) {
  const r = await c.run('meltanolabs', file, meltanoConfig(c, schema, extra));
  expectSuccess(r);
  return r;
}

/** What MeltanoLabs' activate-version tests insert by hand between loads. */
async function insertManualRows(schema: string, table: string) {
  await c.query(`INSERT INTO ${q(schema)}.${q(table)} (code, "name") VALUES ('Manual1', 'Meltano'), ('Manual2', 'Meltano')`);
}

const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'];
const codes = async (schema: string, table: string) => (await c.rows(schema, table, ['code'])).map((r) => r.code);

describe('meltanolabs/', () => {
  it('array_data.singer: table test_carts, 4 rows, lowest exactly {id:1, fruits:[apple,orange,pear]}, fruits a native text[]', async () => {
    const { schema } = await load('array_data.singer');
    const rows = await c.rows(schema, 'test_carts', ['id']);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ id: 1, fruits: ['apple', 'orange', 'pear'] });
    expect(rows).toEqual(expectedRows(messages('array_data.singer'), 'test_carts'));
    expect((await c.columnTypes(schema, 'test_carts')).fruits).toBe('text[]');
  });

  it('base16_content_encoding_interpreted.singer: interpret_content_encoding true → bytea columns, 7 rows decoded exactly', async () => {
    const { schema } = await load('base16_content_encoding_interpreted.singer', { interpret_content_encoding: true });
    const table = 'test_base_16_encoding_interpreted';
    const types = await c.columnTypes(schema, table);
    expect(types.contract_address).toBe('bytea');
    expect(types.raw_event_data).toBe('bytea');
    const want = recordsOf(messages('base16_content_encoding_interpreted.singer'), table).map((r) => ({
      id: r.id,
      contract_address: base16AsBytea(r.contract_address as string),
      raw_event_data: base16AsBytea(r.raw_event_data as string | null),
    }));
    const rows = await c.rows(schema, table, ['id']);
    expect(rows).toHaveLength(7);
    expect(rows).toEqual(sortRows(want, ['id']));
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId.empty_0x_str).toEqual({ id: 'empty_0x_str', contract_address: '\\x', raw_event_data: '\\x' });
    expect(byId.empty_str).toEqual({ id: 'empty_str', contract_address: '\\x', raw_event_data: '\\x' });
    expect(byId.test_nullable_field.raw_event_data).toBeNull();
    expect(byId.test_handle_odd_and_even_number_of_chars).toMatchObject({ contract_address: '\\xa1', raw_event_data: '\\x0a12' });
    expect(byId.test_handle_upper_and_lowercase_hex).toMatchObject({ contract_address: '\\xa1', raw_event_data: '\\xa12b' });
    expect(byId.test_handle_hex_without_the_0x_prefix.raw_event_data).toBe('\\x0a1b2c3d4e5f6070809100102030405060');
  });

  it('base16_content_encoding_not_interpreted.singer: interpret_content_encoding false → text columns holding the strings verbatim', async () => {
    const { schema } = await load('base16_content_encoding_not_interpreted.singer', { interpret_content_encoding: false });
    const table = 'test_base_16_encoding_not_interpreted';
    const types = await c.columnTypes(schema, table);
    expect(types.contract_address).toBe('text');
    expect(types.raw_event_data).toBe('text');
    const rows = await c.rows(schema, table, ['id']);
    expect(rows).toHaveLength(7);
    expect(rows).toEqual(expectedRows(messages('base16_content_encoding_not_interpreted.singer'), table));
  });

  it('camelcase.singer: test_camelcase SUCCEED; "TestCamelcase" rows verbatim', async () => {
    const { schema } = await load('camelcase.singer');
    expect(await c.rows(schema, 'TestCamelcase', ['Id'])).toEqual([
      { Id: '1', clientName: 'Gitter Windows Desktop App' },
      { Id: '2', clientName: 'Gitter iOS App' },
    ]);
  });

  it('camelcase_complex_schema.singer: SUCCEED (not used by MeltanoLabs); empty table with the second schema\'s columns', async () => {
    const { schema } = await load('camelcase_complex_schema.singer');
    expect(await c.count(schema, 'ForecastingTypeToCategory')).toBe(0);
    const properties = propertyNames(messages('camelcase_complex_schema.singer').at(-1)!);
    await expectDataColumns(c, schema, 'ForecastingTypeToCategory', properties);
  });

  it('commits.singer: test_anyof SUCCEED; id text, dates timestamp, parent_ids array, commit_message text, legacy_id text', async () => {
    const { schema } = await load('commits.singer');
    const types = await c.columnTypes(schema, 'commits');
    expect(types.id).toBe('text');
    expect(types.authored_date).toMatch(/^timestamp/);
    expect(types.committed_date).toMatch(/^timestamp/);
    expect(types.parent_ids).toMatch(/\[\]$/);
    expect(types.commit_message).toBe('text');
    expect(types.legacy_id).toBe('text');
    const records = recordsOf(messages('commits.singer'), 'commits');
    expect(await c.count(schema, 'commits')).toBe(new Set(records.map((r) => r.id)).size);
    const rows = Object.fromEntries((await c.rows(schema, 'commits', ['id'])).map((r) => [r.id, r]));
    // Zone-less timestamps are UTC; integers in the string/integer union are text.
    expect(rows['MX-SON']).toMatchObject({ authored_date: '2015-09-01T16:34:02+00:00', parent_ids: ['PA-KY'], legacy_id: '24' });
    expect(rows['MN-043'].legacy_id).toBe('BR-CE');
    expect(rows['US-AK'].parent_ids).toBeNull();
  });

  it('commits.singer, decision: bare strings sent for the text[] column parent_ids are stored as one-element arrays', async () => {
    const { schema } = await load('commits.singer');
    const bare = recordsOf(messages('commits.singer'), 'commits').filter((r) => typeof r.parent_ids === 'string');
    expect(bare).toHaveLength(4);
    const rows = Object.fromEntries((await c.rows(schema, 'commits', ['id'])).map((r) => [r.id, r]));
    for (const r of bare) expect(rows[r.id as string].parent_ids, `parent_ids of ${r.id}`).toEqual([r.parent_ids]);
  });

  it('duplicate_records.singer: 2 rows; lowest exactly {id:1, metric:100}', async () => {
    const { schema } = await load('duplicate_records.singer');
    expect(await c.rows(schema, 'test_duplicate_records', ['id'])).toEqual([
      { id: 1, metric: 100 },
      { id: 2, metric: 20 },
    ]);
  });

  it('encoded_strings.singer: 11 / 11 / 6 rows with the exact strings; objects as JSON, arrays native', async () => {
    const { schema } = await load('encoded_strings.singer');
    const m = messages('encoded_strings.singer');
    const strings = await c.rows(schema, 'test_strings', ['id']);
    const objects = await c.rows(schema, 'test_strings_in_objects', ['id']);
    const arrays = await c.rows(schema, 'test_strings_in_arrays', ['id']);
    expect(strings).toHaveLength(11);
    expect(objects).toHaveLength(11);
    expect(arrays).toHaveLength(6);
    expect(strings[0]).toEqual({ id: 1, info: 'simple string 2837' });
    expect(objects[0]).toEqual({ id: 1, info: { name: 'simple', value: 'simple string 2837' } });
    expect(arrays[0]).toEqual({ id: 1, strings: ['simple string', 'απλή συμβολοσειρά', '简单的字串'] });
    expect(strings).toEqual(expectedRows(m, 'test_strings'));
    expect(objects).toEqual(expectedRows(m, 'test_strings_in_objects'));
    expect(arrays).toEqual(expectedRows(m, 'test_strings_in_arrays'));
  });

  it('invalid_schema.singer: FAIL (exit 65) with exactly "Line is missing required properties key(s): {\'type\': \'object\'}"', async () => {
    const r = await c.run('meltanolabs', 'invalid_schema.singer', meltanoConfig(c, c.schema('melty_invalid_schema')));
    expectExit(r, 65);
    expect(r.stderr).toContain("Line is missing required properties key(s): {'type': 'object'}");
  });

  it('jsonb_data.singer: full equality, 2 rows; event_data jsonb; the undeclared time_extracted key is not a column', async () => {
    const { schema } = await load('jsonb_data.singer');
    expect(await c.rows(schema, 'test_jsonb_data', ['id'])).toEqual([
      { id: 1, event_data: null },
      { id: 2, event_data: { test: { test_name: 'test_value' } } },
    ]);
    const types = await c.columnTypes(schema, 'test_jsonb_data');
    expect(types.event_data).toBe('jsonb');
    expect(Object.keys(types)).not.toContain('time_extracted');
  });

  it('jsonb_data.singer, decision: a JSON null in a jsonb column is stored as SQL NULL', async () => {
    const { schema } = await load('jsonb_data.singer');
    const r = await c.query(`SELECT id::int AS id, event_data IS NULL AS sql_null FROM ${q(schema)}.test_jsonb_data ORDER BY id`);
    expect(r).toEqual([
      { id: 1, sql_null: true },
      { id: 2, sql_null: false },
    ]);
  });

  it('large_int.singer, decision: SUCCEED and 99999999999999999 is stored exactly (read back as text)', async () => {
    const { schema } = await load('large_int.singer');
    const r = await c.query(`SELECT id::text AS id, name FROM ${q(schema)}.test_large_int ORDER BY id`);
    expect(r).toEqual([
      { id: '2', name: 'Micael' },
      { id: '99999999999999999', name: 'Yannis' },
    ]);
  });

  it('large_numeric_primary_key.singer, decision: SUCCEED and the number key 34639314995 is stored exactly', async () => {
    const { schema } = await load('large_numeric_primary_key.singer');
    const r = await c.query(`SELECT id::text AS id, name, active, legacy FROM ${q(schema)}.test_large_numeric_primary_key`);
    expect(r).toEqual([{ id: '34639314995', name: '111 Main St', active: true, legacy: false }]);
  });

  it('missing_value.singer: SUCCEED; 5 rows, the missing name is NULL', async () => {
    const { schema } = await load('missing_value.singer');
    const rows = await c.rows(schema, 'test_missing_value', ['id']);
    expect(rows).toEqual(expectedRows(messages('missing_value.singer'), 'test_missing_value'));
    expect(rows[4]).toEqual({ id: 5, name: null });
  });

  it('multiple_schema_messages.singer: SUCCEED, a repeated identical SCHEMA is not a change (no "Schema has changed for stream"); 6 rows', async () => {
    const { schema, r } = await load('multiple_schema_messages.singer', { log_level: 'debug' });
    expect(r.stderr).not.toContain('Schema has changed for stream');
    expect(await c.rows(schema, 'test_multiple_schema_messages', ['id'])).toEqual(
      expectedRows(messages('multiple_schema_messages.singer'), 'test_multiple_schema_messages'),
    );
    expect(await c.count(schema, 'test_multiple_schema_messages')).toBe(6);
  });

  it('multiple_state_messages.singer: 6 rows in _a (lowest {id:1, metric:100}), 6 rows in _b (lowest {id:1, metric:110})', async () => {
    const { schema, r } = await load('multiple_state_messages.singer');
    const a = await c.rows(schema, 'test_multiple_state_messages_a', ['id']);
    const b = await c.rows(schema, 'test_multiple_state_messages_b', ['id']);
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(6);
    expect(a[0]).toEqual({ id: 1, metric: 100 });
    expect(b[0]).toEqual({ id: 1, metric: 110 });
    expectWatermarkStates(r.stdout, stateValuesOf(messages('multiple_state_messages.singer')));
  });

  it('new_array_column.singer: SUCCEED; an array column without items is added to the existing table', async () => {
    const { schema } = await load('new_array_column.singer');
    expect(Object.keys(await c.columnTypes(schema, 'test_new_array_column'))).toContain('arr');
    expect(await c.rows(schema, 'test_new_array_column', ['id'])).toEqual([{ id: 1, arr: null }]);
  });

  it('optional_attributes.singer: 4 rows; lowest exactly {id:1, optional:"This is optional"}', async () => {
    const { schema } = await load('optional_attributes.singer');
    const rows = await c.rows(schema, 'test_optional_attributes', ['id']);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ id: 1, optional: 'This is optional' });
  });

  it('record_before_schema.singer: FAIL (exit 65), record before its schema', async () => {
    const r = await c.run('meltanolabs', 'record_before_schema.singer', meltanoConfig(c, c.schema('melty_record_before_schema')));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/A record for stream .test_record_before_schema. was encountered before a corresponding schema/);
  });

  it('record_missing_key_property.singer: FAIL (exit 65), message contains "Record is missing one or more key_properties."', async () => {
    const r = await c.run('meltanolabs', 'record_missing_key_property.singer', meltanoConfig(c, c.schema('melty_missing_key')));
    expectExit(r, 65);
    expect(r.stderr).toContain('Record is missing one or more key_properties.');
  });

  it('record_missing_required_property.singer: FAIL (exit 65) with a record-validation error (InvalidRecord)', async () => {
    const r = await c.run('meltanolabs', 'record_missing_required_property.singer', meltanoConfig(c, c.schema('melty_missing_required')));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/required property 'id'/);
  });

  it('reserved_keywords.singer: SUCCEED; 831 keyword-named columns, every identifier quoted, the record loaded', async () => {
    const { schema } = await load('reserved_keywords.singer');
    const m = messages('reserved_keywords.singer');
    const properties = propertyNames(m[0]);
    expect(properties).toHaveLength(831);
    await expectDataColumns(c, schema, 'reserved_keywords', properties);
    expect(await c.rows(schema, 'reserved_keywords', ['A'])).toEqual([recordsOf(m, 'reserved_keywords')[0]]);
  });

  it('schema_no_properties.singer: SUCCEED; 2 + 2 rows with the objects as JSON', async () => {
    const { schema } = await load('schema_no_properties.singer');
    const m = messages('schema_no_properties.singer');
    for (const stream of ['test_object_schema_with_properties', 'test_object_schema_no_properties']) {
      expect(await c.rows(schema, stream, ['object_store'])).toEqual(expectedRows(m, stream));
    }
  });

  it('schema_updates.singer: 6 rows; lowest exactly {id:1, a1:101 (numeric), a2:"string1", a3..a6:null}', async () => {
    const { schema } = await load('schema_updates.singer');
    const rows = await c.rows(schema, 'test_schema_updates', ['id']);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({ id: 1, a1: 101, a2: 'string1', a3: null, a4: null, a5: null, a6: null });
    expect((await c.columnTypes(schema, 'test_schema_updates')).a1).toBe('numeric');
    const exact = await c.query(`SELECT a1::text AS a1 FROM ${q(schema)}.test_schema_updates WHERE id = 1`);
    expect(exact).toEqual([{ a1: '101' }]);
  });

  it('special_chars_in_attributes.singer: SUCCEED; quoted names "test:SpecialChars!in?attributes", "agent:os:version"', async () => {
    const { schema } = await load('special_chars_in_attributes.singer');
    expect(await c.rows(schema, 'test:SpecialChars!in?attributes', ['_id'])).toEqual([
      { _id: 'a2e98886', d: { env: 'prod', 'agent:type': 'desktop', 'agent:os:version': '10.13.1' } },
    ]);
  });

  it('tap_aapl.singer: test_tap_appl SUCCEED; 1 row (no key) with its 13 nested objects', async () => {
    const { schema } = await load('tap_aapl.singer');
    const m = messages('tap_aapl.singer');
    const properties = propertyNames(m[0]);
    expect(properties).toHaveLength(13);
    await expectDataColumns(c, schema, 'aapl', properties);
    const rows = await c.rows(schema, 'aapl', []);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual(expectedRows(m, 'aapl')[0]);
  });

  it('tap_countries.singer: test_tap_countries SUCCEED; 7 continents and 250 countries', async () => {
    const { schema, r } = await load('tap_countries.singer');
    const m = messages('tap_countries.singer');
    expect(await c.rows(schema, 'continents', ['code'])).toEqual(expectedRows(m, 'continents'));
    expect(await c.count(schema, 'continents')).toBe(7);
    expect(await c.count(schema, 'countries')).toBe(250);
    expect(await c.rows(schema, 'countries', ['code'])).toEqual(expectedRows(m, 'countries'));
    expectWatermarkStates(r.stdout, stateValuesOf(m));
  });

  it('test_activate_version_hard.singer: hard_delete → 7 rows (stale XX deleted); + 2 manual rows = 9; reload → 7', async () => {
    const schema = c.schema('melty_av_hard');
    const table = 'test_activate_version_hard';
    await loadInto(schema, 'test_activate_version_hard.singer', { hard_delete: true });
    expect(await codes(schema, table)).toEqual(CONTINENTS);
    await insertManualRows(schema, table);
    expect(await c.count(schema, table)).toBe(9);
    await loadInto(schema, 'test_activate_version_hard.singer', { hard_delete: true });
    expect(await c.count(schema, table)).toBe(7);
    expect(await codes(schema, table)).toEqual(CONTINENTS);
  });

  it('test_activate_version_soft.singer: hard_delete false → 7 live rows at the activated version', async () => {
    const { schema } = await load('test_activate_version_soft.singer');
    const rows = await c.rawRows(schema, 'test_activate_version_soft', ['code']);
    expect(rows.map((r) => r.code)).toEqual(CONTINENTS);
    for (const r of rows) {
      expect(r._sdc_deleted_at).toBeNull();
      expect(r._sdc_table_version).toBe(1674486431563);
    }
  });

  it('test_activate_version_soft_with_delete.singer (after _soft): SA soft-deleted; reloads never re-stamp deleted rows (9 rows, exactly 3 deleted)', async () => {
    const schema = c.schema('melty_av_soft');
    const table = 'test_activate_version_soft';
    const soft = { hard_delete: false };
    await loadInto(schema, 'test_activate_version_soft.singer', soft);
    expect(await c.count(schema, table)).toBe(7);

    await loadInto(schema, 'test_activate_version_soft_with_delete.singer', soft);
    expect(await c.count(schema, table)).toBe(7);
    const afterDelete = await c.rawRows(schema, table, ['code']);
    expect(afterDelete.filter((r) => r._sdc_deleted_at !== null).map((r) => r.code)).toEqual(['SA']);
    const southAmerica = afterDelete.find((r) => r.code === 'SA');

    await loadInto(schema, 'test_activate_version_soft_with_delete.singer', soft);
    await insertManualRows(schema, table);
    expect(await c.count(schema, table)).toBe(9);

    await loadInto(schema, 'test_activate_version_soft_with_delete.singer', soft);
    expect(await c.count(schema, table)).toBe(9);
    const final = await c.rawRows(schema, table, ['code']);
    expect(final.filter((r) => r._sdc_deleted_at !== null).map((r) => r.code)).toEqual(['Manual1', 'Manual2', 'SA']);
    expect(final.find((r) => r.code === 'SA')).toEqual(southAmerica);
  });

  it('test_activate_version_deletes_data_properly.singer: hard_delete → 7 rows; + 2 manual rows = 9', async () => {
    const schema = c.schema('melty_av_deletes');
    const table = 'test_activate_version_deletes_data_properly';
    await loadInto(schema, 'test_activate_version_deletes_data_properly.singer', { hard_delete: true });
    expect(await codes(schema, table)).toEqual(CONTINENTS);
    await insertManualRows(schema, table);
    expect(await c.count(schema, table)).toBe(9);
  });

  it('test_activate_version_deletes_data_properly_2.singer (after the first file + 2 manual rows): a newer ACTIVATE_VERSION alone deletes all 9 rows', async () => {
    const schema = c.schema('melty_av_deletes2');
    const table = 'test_activate_version_deletes_data_properly';
    await loadInto(schema, 'test_activate_version_deletes_data_properly.singer', { hard_delete: true });
    await insertManualRows(schema, table);
    expect(await c.count(schema, table)).toBe(9);
    await loadInto(schema, 'test_activate_version_deletes_data_properly_2.singer', { hard_delete: true });
    expect(await c.count(schema, table)).toBe(0);
  });

  it('test_activate_version_uppercase_stream_name.singer: hard_delete SUCCEED on table "Account" with "Code"/"Name"; 7 rows', async () => {
    const { schema } = await load('test_activate_version_uppercase_stream_name.singer', { hard_delete: true });
    const rows = await c.rows(schema, 'Account', ['Code']);
    expect(rows.map((r) => r.Code)).toEqual(CONTINENTS);
    expect(rows[0]).toEqual({ Code: 'AF', Name: 'Africa' });
  });

  it('test_no_pk.singer: test_no_primary_keys — test_no_pk, _append, test_no_pk, _append → 16 rows (append-only, no dedup on id)', async () => {
    const schema = c.schema('melty_no_pk');
    for (const file of ['test_no_pk.singer', 'test_no_pk_append.singer', 'test_no_pk.singer', 'test_no_pk_append.singer']) {
      await loadInto(schema, file);
    }
    expect(await c.count(schema, 'test_no_pk')).toBe(16);
    const want = [
      ...recordsOf(messages('test_no_pk.singer'), 'test_no_pk'),
      ...recordsOf(messages('test_no_pk_append.singer'), 'test_no_pk'),
    ];
    expect(await c.rows(schema, 'test_no_pk', ['id', 'metric'])).toEqual(sortRows([...want, ...want], ['id', 'metric']));
  });

  it('test_no_pk_append.singer: 5 rows; loading it again appends 5 more (10 rows, ids 1–5 twice)', async () => {
    const schema = c.schema('melty_no_pk_append');
    await loadInto(schema, 'test_no_pk_append.singer');
    expect(await c.count(schema, 'test_no_pk')).toBe(5);
    await loadInto(schema, 'test_no_pk_append.singer');
    const want = recordsOf(messages('test_no_pk_append.singer'), 'test_no_pk');
    expect(await c.rows(schema, 'test_no_pk', ['id', 'metric'])).toEqual(sortRows([...want, ...want], ['id', 'metric']));
  });

  it('test_no_type.singer: SUCCEED; 15 rows with untyped OldValue/NewValue', async () => {
    const { schema, r } = await load('test_no_type.singer');
    const m = messages('test_no_type.singer');
    const ids = recordsOf(m, 'test_no_type').map((rec) => rec.Id);
    expect(ids).toHaveLength(15);
    const rows = await c.rows(schema, 'test_no_type', ['Id']);
    expect(rows.map((row) => row.Id)).toEqual([...ids].sort());
    expectWatermarkStates(r.stdout, stateValuesOf(m));
  });

  it('uppercase_stream_name_with_column_alter.singer: SUCCEED; ALTER on "Uppercase_stream_name_with_column_alter", 2 rows', async () => {
    const { schema } = await load('uppercase_stream_name_with_column_alter.singer');
    const rows = await c.rows(schema, 'Uppercase_stream_name_with_column_alter', ['Id']);
    expect(rows.map((r) => r.Id)).toEqual(['1', '2']);
    expect(Object.keys(rows[0]).sort()).toEqual(['Id', 'clientNumber']);
  });

  it('user_location_data.singer: SUCCEED; 5 / 3 / 3 rows as sent', async () => {
    const { schema } = await load('user_location_data.singer');
    const m = messages('user_location_data.singer');
    for (const stream of ['test_users', 'test_locations', 'test_user_in_location']) {
      expect(await c.rows(schema, stream, ['id'])).toEqual(expectedRows(m, stream));
    }
  });

  it('user_location_upsert_data.singer (after user_location_data.singer): test_relational_data, full tables 8 / 5 / 5 rows', async () => {
    const schema = c.schema('melty_relational');
    await loadInto(schema, 'user_location_data.singer');
    await loadInto(schema, 'user_location_upsert_data.singer');
    for (const [table, want] of Object.entries(RELATIONAL_AFTER_UPSERT)) {
      expect(await c.rows(schema, table, ['id']), table).toEqual(want);
    }
  });
});
