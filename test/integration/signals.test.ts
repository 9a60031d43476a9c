import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { sleep, startTarget } from '../helpers/spawn-target.js';

const db = useTestDatabase();

const schemaS = schemaMsg('s', { id: { type: 'integer' } });
const records = (stream: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => rec(stream, { id: from + i }));

async function waitForTable(schema: string, table: string) {
  for (let i = 0; i < 200; i++) {
    const r = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2`, [schema, table]);
    if (r.length) return;
    await sleep(50);
  }
  throw new Error(`table ${schema}.${table} never appeared`);
}

/** Starts a target loading into `schema`, sends ids 1..n of stream s and a state, and once the table exists sends `signal`. */
async function loadThenSignal(schema: string, n: number, signal: NodeJS.Signals) {
  const t = startTarget({ ...db.config, default_target_schema: schema });
  t.child.stdin.write(singer(schemaS, ...records('s', 1, n), state({ upto: n })));
  await waitForTable(schema, 's');
  await sleep(300);
  t.child.kill(signal);
  const { code } = await t.exited;
  return { t, code };
}

describe('signals', () => {
  it('SIGTERM: stops reading, commits what was read, writes the covering state, exits 143', async () => {
    const { t, code } = await loadThenSignal('sig', 50, 'SIGTERM');
    expect(code).toBe(143);
    expect(t.stdout).toEqual(['{"upto":50}']);
    expect(t.stderr()).toContain('stopping: committing what was read');
    expect((await db.query('SELECT count(*)::int AS n FROM sig.s'))[0].n).toBe(50);
  });

  it('SIGINT exits 130 after committing', async () => {
    const { t, code } = await loadThenSignal('sigint', 5, 'SIGINT');
    expect(code).toBe(130);
    expect(t.stdout).toEqual(['{"upto":5}']);
  });

  it('a second signal exits at once and writes no state for uncommitted data', async () => {
    // the 10 records fill a batch, whose load then waits for the lock
    const t = startTarget({ ...db.config, default_target_schema: 'sig2', batch_size_rows: 10 });
    t.child.stdin.write(singer(schemaS));
    await waitForTable('sig2', 's');
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE sig2.s IN ACCESS EXCLUSIVE MODE');
      t.child.stdin.write(singer(...records('s', 1, 10), state({ upto: 10 })));
      // the target has read the records once its batch waits for the lock (however busy the machine is)
      for (let i = 0; i < 200; i++) {
        const waiting = await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`);
        if (waiting.length) break;
        await sleep(50);
      }
      t.child.kill('SIGTERM'); // the drain now waits for the lock
      await sleep(700);
      expect(t.child.exitCode).toBeNull();
      const started = Date.now();
      t.child.kill('SIGTERM');
      const { code } = await t.exited;
      expect(Date.now() - started).toBeLessThan(3000);
      expect(code).toBe(143);
      expect(t.stdout).toEqual([]);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await db.query('SELECT count(*)::int AS n FROM sig2.s'))[0].n).toBe(0);
  });
});

describe('stdout', () => {
  it('a closed stdout is an error (exit 74), never a silent success', async () => {
    const t = startTarget({ ...db.config, default_target_schema: 'epipe' });
    t.child.stdout.destroy();
    t.child.stdin.end(singer(schemaS, ...records('s', 1, 3), state({ upto: 3 })));
    const { code } = await t.exited;
    expect(code).toBe(74);
    expect(t.stderr()).toContain('cannot write state to stdout');
  });
});
