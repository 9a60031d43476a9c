import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { activateVersion, rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

const usersSchema = schemaMsg('users', {
  id: { type: 'integer' },
  email: { type: ['string', 'null'] },
  name: { type: 'string' },
  age: { type: 'integer' },
  ssn: { type: ['string', 'null'] },
  balance: { type: 'number' },
});
const people = Array.from({ length: 600 }, (_, i) => ({
  id: i + 1,
  email: `user${i}@Example.com`,
  name: `First${i} Last${i}`,
  age: i % 40,
  ssn: `000-00-${String(i).padStart(4, '0')}`,
  balance: i === 5 ? 'EXACT' : i + 0.25,
}));
// a number no double holds, written as a tap writes it: a mapped record keeps every digit
const input = singer(usersSchema, ...people.map((p) => rec('users', p)), schemaMsg('audit', { at: { type: 'string' } }, []), rec('audit', { at: 'x' }), state({ done: 1 })).replace('"EXACT"', '12345678901234567890.123456789');

const maps = {
  // hash PII, drop a column, add typed columns
  users: { email: 'md5(email)', ssn: null, first: "name.split(' ')[0]", age_next: 'age + 1', adult: 'age >= 18', __alias__: 'customers' },
  // a second table from the same stream: filter, keep only mapped properties, another key
  adults: { __source__: 'users', __filter__: 'age >= 18', __else__: '__NULL__', __key_properties__: ['email_hash'], email_hash: "sha256(config['salt'] + email.lower())" },
  audit: null,
};

describe.each([0, 2])('stream maps through the CLI (parse_workers %i)', (workers) => {
  const schema = `maps_w${workers}`;
  it('hashes, drops, aliases, splits, filters and re-keys before anything is written', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: schema, parse_workers: workers, stream_maps: maps, stream_map_config: { salt: 'pepper' } }, input });
    expect(r.stderr).not.toMatch(/"level":50/);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":1}']);
    const tables = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
    expect(tables.map((t) => t.table_name)).toEqual(['adults', 'customers']);
    const cols = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'customers' AND column_name NOT LIKE '\\_sdc%' ORDER BY ordinal_position`,
      [schema],
    );
    expect(cols).toEqual([
      { column_name: 'id', data_type: 'bigint' },
      { column_name: 'email', data_type: 'text' },
      { column_name: 'name', data_type: 'text' },
      { column_name: 'age', data_type: 'bigint' },
      { column_name: 'balance', data_type: 'numeric' },
      { column_name: 'first', data_type: 'text' },
      { column_name: 'age_next', data_type: 'bigint' },
      { column_name: 'adult', data_type: 'boolean' },
    ]);
    const customers = await db.query(`SELECT id, email, first, age_next, adult, balance::text FROM ${schema}.customers ORDER BY id`);
    expect(customers).toHaveLength(600);
    expect(customers[5]).toEqual({ id: '6', email: md5('user5@Example.com'), first: 'First5', age_next: '6', adult: false, balance: '12345678901234567890.123456789' });
    expect(customers[20]).toMatchObject({ adult: true, age_next: '21' });
    const adults = await db.query<{ email_hash: string }>(`SELECT * FROM ${schema}.adults ORDER BY email_hash`);
    const expected = people.filter((p) => p.age >= 18).map((p) => createHash('sha256').update(`pepper${p.email.toLowerCase()}`).digest('hex'));
    expect(adults.map((a) => a.email_hash)).toEqual(expected.sort());
    expect(Object.keys(adults[0]).filter((k) => !k.startsWith('_sdc'))).toEqual(['email_hash']);
    const pk = await db.query<{ column_name: string }>(
      `SELECT a.attname AS column_name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '${schema}.adults'::regclass AND i.indisprimary`,
    );
    expect(pk).toEqual([{ column_name: 'email_hash' }]);
  });
});

describe('stream maps: records the map cannot take, and config errors', () => {
  it('an expression failing on a record is an input error naming line, stream and property (exit 65), after the rows before it commit', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'maps_bad', stream_maps: { users: { email: 'md5(email)' } } },
      input: singer(usersSchema, rec('users', { ...people[0] }), state({ s: 1 }), rec('users', { ...people[1], email: null }), rec('users', people[2])),
    });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('line 4, stream "users": stream map for property "email": "md5(email)" failed: TypeError: md5() needs a str, not \'NoneType\'');
    expect(r.stdout).toEqual(['{"s":1}']);
    expect(await db.query('SELECT id FROM maps_bad.users')).toEqual([{ id: '1' }]);
  });

  it('with on_invalid_record dead_letter the record is stored with the error and the run goes on', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'maps_dl', on_invalid_record: 'dead_letter', stream_maps: { users: { email: 'md5(email)', __alias__: 'people' } } },
      input: singer(usersSchema, rec('users', { ...people[1], email: null }), rec('users', people[2])),
    });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id FROM maps_dl.people')).toEqual([{ id: '3' }]);
    const dl = await db.query<{ stream: string; error: string }>('SELECT stream, error FROM maps_dl._sdc_rejected_records');
    expect(dl).toEqual([{ stream: 'people', error: expect.stringContaining('stream map for property "email"') }]);
  });

  it('a record split into two streams loads into the stream whose map takes it when the other map fails on it', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'maps_split_dl', on_invalid_record: 'dead_letter', stream_maps: { vip: { __source__: 'users', email: 'email.lower()' } } },
      input: singer(usersSchema, rec('users', { ...people[1], email: null }), rec('users', people[2])),
    });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id FROM maps_split_dl.users ORDER BY id')).toEqual([{ id: '2' }, { id: '3' }]);
    expect(await db.query('SELECT id FROM maps_split_dl.vip ORDER BY id')).toEqual([{ id: '3' }]);
    expect(await db.query('SELECT stream FROM maps_split_dl._sdc_rejected_records')).toEqual([{ stream: 'vip' }]);
  });

  it('two maps of one stream into the same name are refused (exit 64)', async () => {
    const r = await runTarget({ config: { ...db.config, stream_maps: { users: { __alias__: 'people' }, people: { __source__: 'users' } } }, input: singer(usersSchema) });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('stream maps load stream "users" twice into stream "people"');
  });

  it('a map naming a property the schema lacks is refused when the SCHEMA arrives (exit 64), before any table is made', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'maps_cfg', stream_maps: { users: { e: 'md5(emial)' } } }, input: singer(usersSchema, rec('users', people[0])) });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`line 1: stream map for stream "users": property "e": name 'emial' is neither a property of the stream's schema nor a supported function`);
    expect(r.stderr).not.toContain('    at ');
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'maps_cfg'`)).toEqual([]);
  });

  it('a hostile expression is refused when the config loads', async () => {
    const r = await runTarget({ config: { ...db.config, stream_maps: { users: { x: "__import__('os').system('id')" } } }, input: '' });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('stream_maps.users.x: names starting with __ are not allowed');
  });

  it('ACTIVATE_VERSION of the input stream applies to every stream it maps into', async () => {
    const cfg = { ...db.config, default_target_schema: 'maps_av', hard_delete: true, stream_maps: { users: { __alias__: 'u1' }, u2: { __source__: 'users' } } };
    const first = singer(usersSchema, rec('users', people[0], { version: 1 }), rec('users', people[1], { version: 1 }), activateVersion('users', 1));
    expect((await runTarget({ config: cfg, input: first })).code).toBe(0);
    const second = singer(usersSchema, rec('users', people[1], { version: 2 }), activateVersion('users', 2));
    expect((await runTarget({ config: cfg, input: second })).code).toBe(0);
    expect(await db.query('SELECT id FROM maps_av.u1')).toEqual([{ id: '2' }]);
    expect(await db.query('SELECT id FROM maps_av.u2')).toEqual([{ id: '2' }]);
  });

  it('--about advertises the stream-maps capability and documents the settings', async () => {
    const r = await runTarget({ args: ['--about', '--format', 'json'] });
    const about = JSON.parse(r.stdout.join('\n'));
    expect(about.capabilities).toEqual(expect.arrayContaining(['stream-maps', 'batch']));
    expect(Object.keys(about.settings.properties)).toEqual(expect.arrayContaining(['stream_maps', 'stream_map_config', 'faker_config']));
  });
});
