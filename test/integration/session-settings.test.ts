import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { pgbouncerInstalled, startPgBouncer } from '../helpers/pgbouncer.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
// roles are cluster-wide: names of this file's own
const owner = `tp_owner_${process.pid}`;
const writer = `tp_writer_${process.pid}`;

beforeAll(async () => {
  for (const role of [owner, writer]) {
    await db.query(`CREATE ROLE ${role} NOLOGIN`);
    // to create schemas as that role
    await db.query(`GRANT CREATE ON DATABASE ${db.config.database} TO ${role}`);
  }
});
afterAll(async () => {
  for (const role of [owner, writer]) {
    await db.query(`DROP OWNED BY ${role}`);
    await db.query(`DROP ROLE ${role}`);
  }
});

const props = { id: { type: 'integer' }, tenant: { type: 'string' } };

describe('set_role', () => {
  it('every transaction runs as the role: the schema and tables it creates are owned by it', async () => {
    const r = await runTarget({
      config: { ...db.config, set_role: owner, default_target_schema: 'owned', on_invalid_record: 'dead_letter' },
      input: singer(schemaMsg('t', { ...props, n: { type: 'integer' } }), rec('t', { id: 1, tenant: 'a', n: 1 }), rec('t', { id: 2, tenant: 'a', n: 'not a number' }), state({ ok: 1 })),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await db.query(`SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'owned' ORDER BY 1`)).toEqual([
      { tablename: '_sdc_rejected_records', tableowner: owner },
      { tablename: 't', tableowner: owner },
    ]);
    expect(await db.query(`SELECT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = 'owned'`)).toEqual([{ o: owner }]);
    expect(await db.query('SELECT id::int FROM owned.t')).toEqual([{ id: 1 }]);
  });

  it('a role that does not exist is one clear error at connect time (exit 69), nothing created', async () => {
    const r = await runTarget({ config: { ...db.config, set_role: 'tp_no_such_role', default_target_schema: 'never' }, input: singer(schemaMsg('t', props), rec('t', { id: 1 })) });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/target-postgres: error: set_role \/ session_variables cannot be applied: role "tp_no_such_role" does not exist/);
    expect(await db.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'never'`)).toEqual([{ n: 0 }]);
  });
});

describe('session_variables', () => {
  const run = (tenant: string, records: Array<{ id: number; tenant: string }>) =>
    runTarget({
      config: { ...db.config, set_role: writer, session_variables: { 'app.tenant': tenant }, default_target_schema: 'rls' },
      input: singer(schemaMsg('items', props), ...records.map((x) => rec('items', x)), state({ tenant })),
    });

  it('are set in every transaction, where a row-level security policy reads them', async () => {
    const first = await run('t1', [{ id: 1, tenant: 't1' }]);
    expect(first.stderr).not.toContain('target-postgres: error');
    expect(first.code).toBe(0);
    // only rows of the session's tenant may be written or seen, even by the table's owner
    await db.query('ALTER TABLE rls.items ENABLE ROW LEVEL SECURITY');
    await db.query('ALTER TABLE rls.items FORCE ROW LEVEL SECURITY');
    await db.query(`CREATE POLICY tenant_rows ON rls.items USING (tenant = current_setting('app.tenant', true)) WITH CHECK (tenant = current_setting('app.tenant', true))`);

    const t1 = await run('t1', [{ id: 2, tenant: 't1' }, { id: 1, tenant: 't1' }]);
    expect(t1.code).toBe(0);
    const t2 = await run('t2', [{ id: 3, tenant: 't2' }]);
    expect(t2.code).toBe(0);
    expect(await db.query('SELECT id::int, tenant FROM rls.items ORDER BY id')).toEqual([
      { id: 1, tenant: 't1' },
      { id: 2, tenant: 't1' },
      { id: 3, tenant: 't2' },
    ]);

    // a row of another tenant is refused by the policy: the run fails, the row is not there
    const wrong = await run('t2', [{ id: 4, tenant: 't1' }]);
    expect(wrong.code).toBe(69);
    expect(wrong.stderr).toMatch(/target-postgres: error: .*new row violates row-level security policy/);
    expect(wrong.stdout).toEqual([]);
    expect(await db.query('SELECT count(*)::int AS n FROM rls.items WHERE id = 4')).toEqual([{ n: 0 }]);
  });

  it.skipIf(!pgbouncerInstalled())(`hold behind PgBouncer in transaction pooling mode, with set_role${pgbouncerInstalled() ? '' : ' (skipped: pgbouncer is not installed)'}`, async () => {
    const bouncer = await startPgBouncer(db.url, 'pooled', db.config.database);
    try {
      await db.query(`CREATE SCHEMA pooled_rls AUTHORIZATION ${writer}`);
      await db.query(`CREATE TABLE pooled_rls.items (id bigint PRIMARY KEY, tenant text DEFAULT current_setting('app.tenant'), who text DEFAULT current_user)`);
      await db.query(`ALTER TABLE pooled_rls.items OWNER TO ${writer}`);
      const r = await runTarget({
        config: { host: '127.0.0.1', port: bouncer.port, user: 'postgres', database: 'pooled', set_role: writer, session_variables: { 'app.tenant': 'pooled' }, default_target_schema: 'pooled_rls', batch_size_rows: 2, parallelism: 3, add_record_metadata: false },
        input: singer(schemaMsg('items', { id: { type: 'integer' } }), ...[1, 2, 3, 4, 5, 6, 7].map((id) => rec('items', { id })), state({ done: true })),
      });
      expect(r.stderr).not.toContain('target-postgres: error');
      expect(r.code).toBe(0);
      expect(await db.query('SELECT tenant, who, count(*)::int AS n FROM pooled_rls.items GROUP BY 1, 2')).toEqual([{ tenant: 'pooled', who: writer, n: 7 }]);
    } finally {
      await bouncer.stop();
    }
  });
});

describe('connect_timeout_seconds', () => {
  // a listener that accepts TCP connections and never answers, like a server behind a dead proxy
  let silent: Server;
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('a server that never answers is a clear error within the timeout (transient: exit 75)', async () => {
    const started = Date.now();
    const r = await runTarget({ config: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connect_timeout_seconds: 1.5, max_retries: 0 }, input: singer(schemaMsg('t', props)) });
    const seconds = (Date.now() - started) / 1000;
    expect(r.code).toBe(75);
    expect(r.stderr).toContain(`target-postgres: error: no answer from 127.0.0.1:${port}/postgres within 1.5 s (connect_timeout_seconds)`);
    expect(sockets.length).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(1.4);
    expect(seconds).toBeLessThan(10);
  });

  it('bounds connecting, not waiting for a free connection behind other streams\' longer batches', async () => {
    const config = { ...db.config, default_target_schema: 'waits', parallelism: 1, connect_timeout_seconds: 1, max_retries: 0 };
    const streams = ['a', 'b', 'c'];
    const input = singer(...streams.map((s) => schemaMsg(s, props)), ...streams.map((s) => rec(s, { id: 1, tenant: s })), state({ all: true }));
    expect((await runTarget({ config, input })).code).toBe(0);
    // hold a and b locked for 3 s: their batches hold both pool connections, c waits for one
    const { default: pg } = await import('pg');
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE waits.a, waits.b IN ACCESS EXCLUSIVE MODE');
    const release = setTimeout(() => void locker.query('COMMIT'), 3000);
    try {
      const r = await runTarget({ config, input });
      expect(r.stderr).not.toContain('target-postgres: error');
      expect(r.code).toBe(0);
      expect(r.stdout).toEqual(['{"all":true}']);
    } finally {
      clearTimeout(release);
      await locker.query('COMMIT').catch(() => undefined);
      await locker.end();
    }
  });

  it('is retried like any transient failure (max_retries)', async () => {
    const before = sockets.length;
    const r = await runTarget({ config: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connect_timeout_seconds: 0.5, max_retries: 2, retry_backoff_ms: 10 }, input: '' });
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/within 0.5 s \(connect_timeout_seconds\).*\(gave up after 2 retries\)/);
    expect(sockets.length - before).toBe(3);
  });
});
