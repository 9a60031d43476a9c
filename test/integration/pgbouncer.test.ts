import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { pgbouncerInstalled, startPgBouncer, type PgBouncer } from '../helpers/pgbouncer.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const installed = pgbouncerInstalled();

if (!installed && process.env.CI === 'true') {
  it('PgBouncer is installed (CI installs Debian pgbouncer)', () => expect(installed).toBe(true));
}

describe.skipIf(!installed)(`behind PgBouncer in transaction pooling mode${installed ? '' : ' (skipped: pgbouncer is not installed; apt-get install pgbouncer)'}`, () => {
  let bouncer: PgBouncer;
  beforeAll(async () => {
    // the server's default time zone for this database is not UTC: a load that relied on session
    // state would store date-times without offset shifted by 5:30
    await db.query(`ALTER DATABASE ${db.config.database} SET timezone = 'Asia/Kolkata'`);
    bouncer = await startPgBouncer(db.url, 'pooled', db.config.database);
  });
  afterAll(async () => {
    await bouncer?.stop();
  });
  const config = (extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port: bouncer.port, user: 'postgres', database: 'pooled', ...extra });

  it('loads through it (no startup options) and stores date-times exactly, whatever the session time zone', async () => {
    const r = await runTarget({
      config: config({ default_target_schema: 'pgb', batch_size_rows: 2, parallelism: 3 }),
      input: singer(
        schemaMsg('t', { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } }),
        rec('t', { id: 1, at: '2024-01-01T12:00:00' }),
        rec('t', { id: 2, at: '2024-01-01 12:00:00.5' }),
        rec('t', { id: 3, at: '2024-01-01T12:00:00+05:30' }),
        rec('t', { id: 1, at: '2024-06-01T00:00:00Z' }),
        state({ done: true }),
      ),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":true}']);
    const rows = await db.query(`SELECT id::int, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS at FROM pgb.t ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, at: '2024-06-01 00:00:00.000' },
      { id: 2, at: '2024-01-01 12:00:00.500' },
      { id: 3, at: '2024-01-01 06:30:00.000' },
    ]);
  });

  it('lock_timeout_ms applies to every transaction (SET LOCAL), so a locked table fails fast', async () => {
    await runTarget({ config: config({ default_target_schema: 'pgb_lock' }), input: singer(schemaMsg('t', { id: { type: 'integer' } }), rec('t', { id: 1 })) });
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE pgb_lock.t IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const r = await runTarget({ config: config({ default_target_schema: 'pgb_lock', lock_timeout_ms: 300, max_retries: 0 }), input: singer(schemaMsg('t', { id: { type: 'integer' } }), rec('t', { id: 2 })) });
      expect(r.code).toBe(69);
      expect(r.stderr).toMatch(/target-postgres: error: .*lock timeout.*SQLSTATE 55P03/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});
