/**
 * sdk/: the Meltano SDK standard target test streams (20 files). The SDK suite only checks
 * success or failure; each test adds a check derived from the fixture. MeltanoLabs runs this
 * suite with its own settings, so these runs use them too (meltanoConfig).
 */
import { describe, expect, it } from 'vitest';
import { expectedRows, expectWatermarkStates, fixtureMessages, propertyNames, RELATIONAL_AFTER_UPSERT, stateValuesOf, stripNulDeep, type Message, type Row } from './fixtures.js';
import { expectDataColumns, expectExit, expectSuccess, meltanoConfig, useConformance } from './harness.js';

const c = useConformance();

const messages = (file: string) => fixtureMessages('sdk', file);

/** Loads one sdk/ file into a fresh schema with MeltanoLabs settings and expects success. */
async function load(file: string, extra: Record<string, unknown> = {}) {
  const schema = c.schema(`sdk_${file.replace('.singer', '')}`);
  const r = await c.run('sdk', file, meltanoConfig(c, schema, extra));
  expectSuccess(r);
  return { schema, r };
}

/** Each stream's table (by id) equals the rows its records make, passed through `adjust`; `counts` gives how many. */
async function expectStreamRows(schema: string, m: Message[], counts: Record<string, number>, adjust = (rows: Row[]) => rows) {
  for (const [stream, count] of Object.entries(counts)) {
    const want = adjust(expectedRows(m, stream));
    expect(want).toHaveLength(count);
    expect(await c.rows(schema, stream, ['id'])).toEqual(want);
  }
}

describe('sdk/', () => {
  it('array_data.singer: SUCCEED; 4 rows, fruits a native text[]', async () => {
    const { schema, r } = await load('array_data.singer');
    expect(await c.rows(schema, 'test_array_data', ['id'])).toEqual(expectedRows(messages('array_data.singer'), 'test_array_data'));
    expect((await c.columnTypes(schema, 'test_array_data')).fruits).toBe('text[]');
    expectWatermarkStates(r.stdout, stateValuesOf(messages('array_data.singer')));
  });

  it('camelcase.singer: SUCCEED; table "TestCamelcase" with "Id" and "clientName" kept verbatim', async () => {
    const { schema } = await load('camelcase.singer');
    expect(await c.rows(schema, 'TestCamelcase', ['Id'])).toEqual([
      { Id: '1', clientName: 'Gitter Windows Desktop App' },
      { Id: '2', clientName: 'Gitter iOS App' },
    ]);
  });

  it('camelcase_complex_schema.singer: SUCCEED with two SCHEMAs and no records; the table has the second schema\'s columns', async () => {
    const { schema } = await load('camelcase_complex_schema.singer');
    expect(await c.count(schema, 'ForecastingTypeToCategory')).toBe(0);
    const properties = propertyNames(messages('camelcase_complex_schema.singer').at(-1)!);
    expect(properties).toContain('_attribute_startswith_underscore');
    await expectDataColumns(c, schema, 'ForecastingTypeToCategory', properties);
  });

  it('duplicate_records.singer: SUCCEED; the last record for a key wins (2 rows)', async () => {
    const { schema } = await load('duplicate_records.singer');
    expect(await c.rows(schema, 'test_duplicate_records', ['id'])).toEqual([
      { id: 1, metric: 100 },
      { id: 2, metric: 20 },
    ]);
  });

  it('encoded_string_data.singer, decision: NUL characters are an input error by default (exit 65 naming stream, column and line; earlier records committed)', async () => {
    const schema = c.schema('sdk_encoded_nul');
    const r = await c.run('sdk', 'encoded_string_data.singer', meltanoConfig(c, schema));
    expectExit(r, 65);
    // The first NUL is in test_strings id 11, on line 12.
    expect(r.stderr).toMatch(/NUL/);
    expect(r.stderr).toMatch(/line 12\b/);
    expect(r.stderr).toContain('"test_strings"');
    expect(r.stderr).toContain('"info"');
    const before = expectedRows(messages('encoded_string_data.singer'), 'test_strings').filter((row) => (row.id as number) <= 10);
    expect(before).toHaveLength(10);
    expect(await c.rows(schema, 'test_strings', ['id'])).toEqual(before);
    expect(await c.tableExists(schema, 'test_strings_in_objects')).toBe(false);
    expect(r.stdout).toEqual([]); // the only STATE comes after the bad line
  });

  it('encoded_string_data.singer, decision: with sanitize_null_text_characters the run succeeds and NULs are removed at every depth', async () => {
    const { schema, r } = await load('encoded_string_data.singer', { sanitize_null_text_characters: true });
    const m = messages('encoded_string_data.singer');
    await expectStreamRows(schema, m, { test_strings: 11, test_strings_in_objects: 11, test_strings_in_arrays: 6 }, stripNulDeep);
    // The NUL-carrying values, spelled out: strings, strings in objects, strings in arrays.
    const strings = await c.rows(schema, 'test_strings', ['id']);
    expect(strings[10].info).toBe('Control Characters in string:  A \u0001');
    const objects = await c.rows(schema, 'test_strings_in_objects', ['id']);
    expect(objects[10].info).toEqual({ name: 'Control Characters in string', value: ' A \u0001' });
    const arrays = await c.rows(schema, 'test_strings_in_arrays', ['id']);
    expect(arrays[5].strings).toEqual(['bbb', 'Control Characters in string:  A \u0001']);
    // The literal text \u0000 (backslash, u, 0000) is not a NUL and is kept.
    expect(strings[9].info).toBe('Double quoting: \\u0000 \\u0041 \\u0001');
    expectWatermarkStates(r.stdout, stateValuesOf(m));
  });

  it('invalid_schema.singer: FAIL (exit 65) with "Line is missing required properties key(s): {\'type\': \'object\'}"', async () => {
    const r = await c.run('sdk', 'invalid_schema.singer', meltanoConfig(c, c.schema('sdk_invalid_schema')));
    expectExit(r, 65);
    expect(r.stderr).toContain("Line is missing required properties key(s): {'type': 'object'}");
  });

  it('multiple_state_messages.singer, decision: stdout is an ordered subset of the input STATE values ending with the last one; 6 + 6 rows', async () => {
    const { schema, r } = await load('multiple_state_messages.singer');
    const m = messages('multiple_state_messages.singer');
    expect(r.stdout.length).toBeGreaterThan(0);
    expectWatermarkStates(r.stdout, stateValuesOf(m));
    expect(JSON.parse(r.stdout.at(-1)!)).toEqual({ test_multiple_state_messages_a: 5, test_multiple_state_messages_b: 6 });
    expect(await c.rows(schema, 'test_multiple_state_messages_a', ['id'])).toEqual(expectedRows(m, 'test_multiple_state_messages_a'));
    expect(await c.rows(schema, 'test_multiple_state_messages_b', ['id'])).toEqual(expectedRows(m, 'test_multiple_state_messages_b'));
  });

  it('no_primary_keys.singer: SUCCEED; 3 rows appended', async () => {
    const { schema } = await load('no_primary_keys.singer');
    expect(await c.rows(schema, 'test_no_pk', ['id'])).toEqual([
      { id: 1, metric: 11 },
      { id: 2, metric: 22 },
      { id: 3, metric: 33 },
    ]);
  });

  it('no_primary_keys_append.singer: SUCCEED; 5 rows appended', async () => {
    const { schema } = await load('no_primary_keys_append.singer');
    expect(await c.rows(schema, 'test_no_pk', ['id'])).toEqual(expectedRows(messages('no_primary_keys_append.singer'), 'test_no_pk'));
    expect(await c.count(schema, 'test_no_pk')).toBe(5);
  });

  it('optional_attributes.singer: SUCCEED; 4 rows, a missing optional value is NULL', async () => {
    const { schema } = await load('optional_attributes.singer');
    expect(await c.rows(schema, 'test_optional_attributes', ['id'])).toEqual([
      { id: 1, optional: 'This is optional' },
      { id: 2, optional: null },
      { id: 3, optional: 'Also optional' },
      { id: 4, optional: null },
    ]);
  });

  it('pk_updates.singer: SUCCEED (key_properties misplaced inside "schema"); both records loaded, no "key_properties" column', async () => {
    const { schema } = await load('pk_updates.singer');
    expect(await c.rows(schema, 'example_stream', ['id'])).toEqual([
      { id: 1, name: 'Alice', email: 'alice@example.com' },
      { id: 2, name: 'Bob', email: 'bob@example.com' },
    ]);
  });

  it('record_before_schema.singer: FAIL (exit 65), a record was encountered before a corresponding schema', async () => {
    const schema = c.schema('sdk_record_before_schema');
    const r = await c.run('sdk', 'record_before_schema.singer', meltanoConfig(c, schema));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/A record for stream .test_record_before_schema. was encountered before a corresponding schema/);
    expect(await c.tableExists(schema, 'test_record_before_schema')).toBe(false);
  });

  it('record_missing_fields.singer: SUCCEED; the missing optional field is NULL; the empty final state is not written', async () => {
    const { schema, r } = await load('record_missing_fields.singer');
    expect(await c.rows(schema, 'record_missing_fields', ['id'])).toEqual([
      { id: 1, optional: 'now you see me' },
      { id: 2, optional: null },
    ]);
    expect(r.stdout).toEqual([]);
  });

  it('record_missing_key_property.singer: FAIL (exit 65), "Record is missing one or more key_properties."', async () => {
    const r = await c.run('sdk', 'record_missing_key_property.singer', meltanoConfig(c, c.schema('sdk_missing_key')));
    expectExit(r, 65);
    expect(r.stderr).toContain('Record is missing one or more key_properties.');
  });

  it('record_missing_required_property.singer: FAIL (exit 65) with a record-validation error (validation is on by default)', async () => {
    const schema = c.schema('sdk_missing_required');
    const r = await c.run('sdk', 'record_missing_required_property.singer', meltanoConfig(c, schema));
    expectExit(r, 65);
    expect(r.stderr).toMatch(/required property 'id'/);
    expect(await c.count(schema, 'test_record_missing_required_property')).toBe(0);
  });

  it('schema_no_properties.singer: SUCCEED; objects with and without properties load as JSON objects', async () => {
    const { schema } = await load('schema_no_properties.singer');
    const m = messages('schema_no_properties.singer');
    for (const stream of ['test_object_schema_with_properties', 'test_object_schema_no_properties']) {
      const rows = await c.rows(schema, stream, ['object_store']);
      expect(rows).toEqual(expectedRows(m, stream));
      expect(rows).toHaveLength(2);
    }
    expect((await c.columnTypes(schema, 'test_object_schema_no_properties')).object_store).toBe('jsonb');
  });

  it('schema_updates.singer: SUCCEED; 6 rows, a1 exact numeric, later columns added and NULL for earlier rows', async () => {
    const { schema } = await load('schema_updates.singer');
    const rows = await c.rows(schema, 'test_schema_updates', ['id']);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({ id: 1, a1: 101, a2: 'string1', a3: null, a4: null, a5: null, a6: null });
    expect(rows).toEqual(expectedRows(messages('schema_updates.singer'), 'test_schema_updates'));
    expect((await c.columnTypes(schema, 'test_schema_updates')).a1).toBe('numeric');
  });

  it('special_chars_in_attributes.singer: SUCCEED; table "test:SpecialChars!in?attributes" keeps its name', async () => {
    const { schema } = await load('special_chars_in_attributes.singer');
    expect(await c.rows(schema, 'test:SpecialChars!in?attributes', ['_id'])).toEqual([
      { _id: 'a2e98886', d: { env: 'prod', 'agent:type': 'desktop', 'agent:os:version': '10.13.1' } },
    ]);
  });

  it('user_location_data.singer: SUCCEED; 5 users, 3 locations, 3 user_in_location rows', async () => {
    const { schema } = await load('user_location_data.singer');
    const m = messages('user_location_data.singer');
    await expectStreamRows(schema, m, { test_users: 5, test_locations: 3, test_user_in_location: 3 });
  });

  it('user_location_upsert_data.singer (after user_location_data.singer): full tables 8 / 5 / 5 rows as MeltanoLabs test_relational_data asserts', async () => {
    const schema = c.schema('sdk_relational');
    expectSuccess(await c.run('sdk', 'user_location_data.singer', meltanoConfig(c, schema)));
    expectSuccess(await c.run('sdk', 'user_location_upsert_data.singer', meltanoConfig(c, schema)));
    expect(await c.rows(schema, 'test_users', ['id'])).toEqual(RELATIONAL_AFTER_UPSERT.test_users);
    expect(await c.rows(schema, 'test_locations', ['id'])).toEqual(RELATIONAL_AFTER_UPSERT.test_locations);
    expect(await c.rows(schema, 'test_user_in_location', ['id'])).toEqual(RELATIONAL_AFTER_UPSERT.test_user_in_location);
    expect((await c.columnTypes(schema, 'test_user_in_location')).info).toBe('jsonb');
  });
});
