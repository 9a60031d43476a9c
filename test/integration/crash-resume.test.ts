import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { sleep, startTarget } from '../helpers/spawn-target.js';

const db = useTestDatabase();

const TOTAL = 6000;
const props = { id: { type: 'integer' }, v: { type: 'string' } };

/** A resumable tap: SCHEMAs, then records after `lastId` for a keyed and an append-only stream, a state every 100. */
function tap(lastId: number): string[] {
  const out: string[] = [singer(schemaMsg('keyed', props)), singer(schemaMsg('appended', props, []))];
  for (let id = lastId + 1; id <= TOTAL; id++) {
    const msgs: unknown[] = [rec('keyed', { id, v: `k${id}` }), rec('appended', { id, v: `a${id}` })];
    if (id % 100 === 0) msgs.push(state({ last_id: id }));
    out.push(singer(...msgs));
  }
  return out;
}

async function committed(): Promise<{ keyed: number; appended: number }> {
  const count = async (t: string) => {
    try {
      return new Set((await db.query<{ id: string }>(`SELECT id::text FROM crash.${t}`)).map((r) => r.id)).size;
    } catch {
      return 0;
    }
  };
  return { keyed: await count('keyed'), appended: await count('appended') };
}

describe('kill -9 and resume', () => {
  it('resumes from the last state written: keyed rows exactly once, no state ever ahead of committed rows', async () => {
    const config = { ...db.config, default_target_schema: 'crash', batch_size_rows: 250, parallelism: 2 };
    const ahead: string[] = [];
    let lastId = 0;
    let kills = 0;
    for (const killAfter of [1200, 2900, 4400, Infinity]) {
      const t = startTarget(config);
      const checks: Promise<void>[] = [];
      const seen = new Set<string>();
      const watch = setInterval(() => {
        for (const line of t.stdout) {
          if (seen.has(line)) continue;
          seen.add(line);
          const claimed = (JSON.parse(line) as { last_id: number }).last_id;
          checks.push(
            committed().then((c) => {
              if (c.keyed < claimed || c.appended < claimed) ahead.push(`${line}: ${JSON.stringify(c)}`);
            }),
          );
        }
      }, 5);
      const lines = tap(lastId);
      // write up to some way past the kill point, wait for a state at or past it, then kill -9
      const stopAt = Number.isFinite(killAfter) ? Math.min(lines.length, killAfter + 400 - lastId + 2) : lines.length;
      for (let i = 0; i < stopAt; i += 200) {
        t.child.stdin.write(lines.slice(i, Math.min(i + 200, stopAt)).join(''));
        await sleep(10);
      }
      const killed = Number.isFinite(killAfter);
      if (killed) {
        await t.waitForLine((l) => (JSON.parse(l) as { last_id: number }).last_id >= killAfter);
        t.child.kill('SIGKILL');
      } else t.child.stdin.end();
      const { code, signal } = await t.exited;
      clearInterval(watch);
      await Promise.all(checks);
      if (killed) {
        expect(signal).toBe('SIGKILL');
        kills++;
      }
      else expect(code).toBe(0);
      if (t.stdout.length) lastId = (JSON.parse(t.stdout[t.stdout.length - 1]) as { last_id: number }).last_id;
    }
    expect(kills).toBe(3);
    expect(ahead).toEqual([]);
    expect(lastId).toBe(TOTAL);
    const [k] = await db.query<{ n: number; d: number; min: number; max: number }>('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS min, max(id)::int AS max FROM crash.keyed');
    expect(k).toEqual({ n: TOTAL, d: TOTAL, min: 1, max: TOTAL });
    // append-only streams are at-least-once after a crash: nothing lost, duplicates possible
    const [a] = await db.query<{ d: number }>('SELECT count(DISTINCT id)::int AS d FROM crash.appended');
    expect(a.d).toBe(TOTAL);
  }, 180_000);
});
