import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();
const props = { id: { type: 'integer' }, v: { type: 'string' } };
const input = (stream: string) => singer(schemaMsg(stream, props), rec(stream, { id: 1, v: 'a' }), rec(stream, { id: 2, v: 'b' }), state({ s: stream }));

describe('before_run_sql and after_run_sql', () => {
  it('run once, before the first load and after the last commit, each statement in order', async () => {
    const r = await runTarget({
      config: {
        ...db.config,
        default_target_schema: 'hooks',
        before_run_sql: ['CREATE SCHEMA IF NOT EXISTS audit', 'CREATE TABLE IF NOT EXISTS audit.runs (at timestamptz DEFAULT clock_timestamp(), what text, n bigint)', "INSERT INTO audit.runs (what, n) SELECT 'before', (SELECT count(*) FROM pg_tables WHERE schemaname = 'hooks')"],
        after_run_sql: "INSERT INTO audit.runs (what, n) SELECT 'after', count(*) FROM hooks.h",
      },
      input: input('h'),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"s":"h"}']);
    // before ran while the target's table did not exist yet; after saw every row committed
    expect(await db.query('SELECT what, n::int FROM audit.runs ORDER BY at')).toEqual([
      { what: 'before', n: 0 },
      { what: 'after', n: 2 },
    ]);
    expect(r.stderr.match(/hook statement done/g)?.length).toBe(4);
  });

  it('run with session_variables, on a connection of their own', async () => {
    const r = await runTarget({
      config: {
        ...db.config,
        default_target_schema: 'hooks_session',
        application_name: 'tp-hooks',
        session_variables: { 'app.run': 'nightly' },
        before_run_sql: "CREATE TABLE public.hook_session AS SELECT current_setting('app.run') AS run, pg_backend_pid() AS pid, (SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tp-hooks')::int AS target_connections",
      },
      input: input('s'),
    });
    expect(r.code).toBe(0);
    const [row] = await db.query<{ run: string; target_connections: number }>('SELECT run, target_connections FROM public.hook_session');
    expect(row.run).toBe('nightly');
    // the loader's connection from connect() plus the hook's own
    expect(row.target_connections).toBeGreaterThanOrEqual(2);
  });

  it('a statement that cannot run in a transaction block (VACUUM) runs on its own', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'hooks_vacuum', after_run_sql: ['VACUUM ANALYZE hooks_vacuum.v', 'ANALYZE hooks_vacuum.v'] }, input: input('v') });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(await db.query(`SELECT vacuum_count > 0 AS vacuumed FROM pg_stat_all_tables WHERE schemaname = 'hooks_vacuum' AND relname = 'v'`)).toEqual([{ vacuumed: true }]);
  });

  it('a failing before_run_sql names the hook and the statement, exits 69, and loads nothing', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'hooks_fail', before_run_sql: ['SELECT 1', 'SELECT * FROM no_such_table', 'SELECT 3'] }, input: input('f') });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('target-postgres: error: before_run_sql[1] (statement 2 of 3: "SELECT * FROM no_such_table") failed: relation "no_such_table" does not exist');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'hooks_fail'`)).toEqual([{ n: 0 }]);
  });

  it('a failing after_run_sql exits 69 naming it; the data and states before it stay committed', async () => {
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'hooks_after', after_run_sql: 'SELEC 1' }, input: input('a') });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/target-postgres: error: after_run_sql \("SELEC 1"\) failed: syntax error at or near "SELEC"/);
    expect(r.stdout).toEqual(['{"s":"a"}']);
    expect(await db.query('SELECT count(*)::int AS n FROM hooks_after.a')).toEqual([{ n: 2 }]);
  });

  it('after_run_sql does not run when the run did not complete (bad input)', async () => {
    await db.query('CREATE TABLE public.after_marks (n int)');
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'hooks_bad', after_run_sql: 'INSERT INTO public.after_marks VALUES (1)' }, input: input('b') + '{"type":"RECORD","stream":"b","record":{"id":\n' });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('after_run_sql not run: the run did not complete');
    expect(await db.query('SELECT count(*)::int AS n FROM public.after_marks')).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM hooks_bad.b')).toEqual([{ n: 2 }]);
  });
});
