import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
// roles are cluster-wide: names of this file's own
const reader = `tp_reader_${process.pid}`;
const analyst = `tp_analyst_${process.pid}`;
beforeAll(async () => {
  for (const role of [reader, analyst]) await db.query(`CREATE ROLE ${role} NOLOGIN`);
});
afterAll(async () => {
  for (const role of [reader, analyst]) {
    await db.query(`DROP OWNED BY ${role}`);
    await db.query(`DROP ROLE ${role}`);
  }
});

const props = { id: { type: 'integer' }, v: { type: 'string' } };
const can = async (role: string, table: string) =>
  (await db.query<{ s: boolean; u: boolean }>(`SELECT has_schema_privilege($1, split_part($2, '.', 1), 'USAGE') AS u, has_table_privilege($1, $2, 'SELECT') AS s`, [role, table]))[0];

describe('grant_select_to', () => {
  it('USAGE on the schema and SELECT on every table the target creates, the dead-letter table included', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'granted', grant_select_to: [reader, analyst], on_invalid_record: 'dead_letter' },
      input: singer(schemaMsg('a', props), schemaMsg('b', props), rec('a', { id: 1, v: 'x' }), rec('b', { id: 1, v: 'y' }), rec('b', { id: 'bad' }), state({ ok: 1 })),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    for (const role of [reader, analyst]) {
      for (const table of ['granted.a', 'granted.b', 'granted._sdc_rejected_records']) expect(await can(role, table)).toEqual({ u: true, s: true });
      // SELECT only
      expect(await db.query(`SELECT has_table_privilege($1, 'granted.a', 'INSERT') AS i`, [role])).toEqual([{ i: false }]);
    }
  });

  it('USAGE on a schema it only loads into; tables it did not create keep their grants', async () => {
    await db.query('CREATE SCHEMA existing');
    await db.query('CREATE TABLE existing.old (id bigint PRIMARY KEY, v text)');
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'existing', grant_select_to: [reader], add_record_metadata: false }, input: singer(schemaMsg('old', props), schemaMsg('fresh', props), rec('old', { id: 1 }), rec('fresh', { id: 1 })) });
    expect(r.code).toBe(0);
    expect(await can(reader, 'existing.fresh')).toEqual({ u: true, s: true });
    expect(await can(reader, 'existing.old')).toEqual({ u: true, s: false });
  });

  it('tables recreated by overwrite get the grants', async () => {
    const config = { ...db.config, default_target_schema: 'over', load_method: 'overwrite' };
    // first run without grants: the live table exists without them
    expect((await runTarget({ config, input: singer(schemaMsg('o', props), rec('o', { id: 1 })) })).code).toBe(0);
    expect(await can(reader, 'over.o')).toEqual({ u: false, s: false });
    const r = await runTarget({ config: { ...config, grant_select_to: [reader] }, input: singer(schemaMsg('o', props), rec('o', { id: 2 }), rec('o', { id: 3 })) });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id::int FROM over.o ORDER BY id')).toEqual([{ id: 2 }, { id: 3 }]);
    expect(await can(reader, 'over.o')).toEqual({ u: true, s: true });
  });

  it("pipelinewise's default_target_schema_select_permission (a string) is the same setting", async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'pw_grants', default_target_schema_select_permission: analyst }, input: singer(schemaMsg('p', props), rec('p', { id: 1 })) });
    expect(r.code).toBe(0);
    expect(await can(analyst, 'pw_grants.p')).toEqual({ u: true, s: true });
    expect(await can(reader, 'pw_grants.p')).toEqual({ u: false, s: false });
  });

  it('PUBLIC grants to every role', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'pub', grant_select_to: ['PUBLIC'] }, input: singer(schemaMsg('p', props), rec('p', { id: 1 })) });
    expect(r.code).toBe(0);
    expect(await can(reader, 'pub.p')).toEqual({ u: true, s: true });
  });

  it('a role that does not exist: one clear error at connect time (exit 69), nothing created', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'nogrant', grant_select_to: [reader, 'tp_nobody'] }, input: singer(schemaMsg('n', props), rec('n', { id: 1 })) });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('target-postgres: error: grant_select_to names a role that does not exist: "tp_nobody"; create it or remove it from grant_select_to');
    expect(await db.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'nogrant'`)).toEqual([{ n: 0 }]);
  });
});

describe('create_schemas: false', () => {
  it('a missing schema is an error naming it (exit 69) and nothing is created', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'Missing Schema', create_schemas: false }, input: singer(schemaMsg('m', props), rec('m', { id: 1 }), state({ s: 1 })) });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('target-postgres: error: stream "m": schema "Missing Schema" does not exist and create_schemas is false: create it (CREATE SCHEMA "Missing Schema") or set create_schemas to true');
    expect(r.stdout).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'Missing Schema'`)).toEqual([{ n: 0 }]);
  });

  it('an existing schema is loaded into as usual (overwrite too)', async () => {
    await db.query('CREATE SCHEMA present');
    for (const load_method of ['upsert', 'overwrite']) {
      const r = await runTarget({ config: { ...db.config, default_target_schema: 'present', create_schemas: false, load_method }, input: singer(schemaMsg(`p_${load_method}`, props), rec(`p_${load_method}`, { id: 1 })) });
      expect(r.stderr).not.toContain('target-postgres: error');
      expect(r.code).toBe(0);
    }
    expect(await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'present' ORDER BY 1`)).toEqual([{ tablename: 'p_overwrite' }, { tablename: 'p_upsert' }]);
  });
});
