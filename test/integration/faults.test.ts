import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { createEmbeddedServer, type EmbeddedServer } from '../helpers/embedded-server.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { sleep, startTarget } from '../helpers/spawn-target.js';

const db = useTestDatabase();

const props = { id: { type: 'integer' }, v: { type: 'string' } };

function load(stream: string, from: number, to: number, stateEvery = 500): unknown[] {
  const out: unknown[] = [];
  for (let i = from; i <= to; i++) {
    out.push(rec(stream, { id: i, v: `value ${i}` }));
    if (i % stateEvery === 0) out.push(state({ upto: i }));
  }
  return out;
}

describe('transient database failures', () => {
  it('retries batches whose backend is terminated mid-run and loads every row exactly once', async () => {
    const app = `tp-terminate-${process.pid}`;
    const killer = new pg.Client({ connectionString: db.url });
    await killer.connect();
    let killed = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const r = await killer.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`, [app]);
        killed += r.rows.filter((x) => x.ok).length;
        await sleep(120);
      }
    })();
    try {
      const r = await runTarget({
        config: { ...db.config, default_target_schema: 'terminated', application_name: app, batch_size_rows: 500, max_retries: 20, retry_backoff_ms: 20 },
        input: singer(schemaMsg('t', props), ...load('t', 1, 30000)),
        timeoutMs: 120_000,
      });
      running = false;
      await loop;
      expect(r.stderr).not.toContain('target-postgres: error');
      expect(r.code).toBe(0);
      expect(killed).toBeGreaterThan(0);
      expect(r.stderr).toContain('transient database error, retrying');
      expect(r.stdout[r.stdout.length - 1]).toBe('{"upto":30000}');
      const [{ n, d }] = await db.query<{ n: number; d: number }>('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM terminated.t');
      expect(n).toBe(30000);
      expect(d).toBe(30000);
    } finally {
      running = false;
      await loop.catch(() => undefined);
      await killer.end();
    }
  }, 150_000);

  it('gives up after max_retries with exit 75 naming the cause', async () => {
    const r = await runTarget({
      config: { host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres', max_retries: 2, retry_backoff_ms: 10 },
      input: singer(schemaMsg('t', props)),
    });
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/target-postgres: error: .*ECONNREFUSED.*gave up after 2 retries/);
  });
});

describe('server restart', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await createEmbeddedServer();
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
  });

  it('survives the server stopping and starting again during a load', async () => {
    const u = new URL(server.url);
    const t = startTarget({ host: u.hostname, port: Number(u.port), user: 'postgres', password: 'postgres', database: 'postgres', default_target_schema: 'restart', batch_size_rows: 200, max_retries: 12, retry_backoff_ms: 100 });
    t.child.stdin.write(singer(schemaMsg('r', props), ...load('r', 1, 2000, 200)));
    await t.waitForLine((l) => l === '{"upto":2000}');
    await server.stop();
    t.child.stdin.write(singer(...load('r', 2001, 4000, 200)));
    await sleep(1500);
    await server.start();
    t.child.stdin.end(singer(...load('r', 4001, 5000, 200)));
    const { code } = await t.exited;
    expect(t.stderr()).not.toContain('target-postgres: error');
    expect(code).toBe(0);
    expect(t.stdout[t.stdout.length - 1]).toBe('{"upto":5000}');
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const r = await client.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM restart.r');
    await client.end();
    expect(r.rows[0]).toEqual({ n: 5000, d: 5000 });
  }, 120_000);
});
