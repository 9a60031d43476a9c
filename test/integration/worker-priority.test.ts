import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { rec, schemaMsg, singer } from '../helpers/singer.js';
import { sleep, startTarget } from '../helpers/spawn-target.js';

const db = useTestDatabase();
const linux = process.platform === 'linux';

/** The nice value of each thread of a process, from /proc (field 19 of each task's stat). */
function threadNices(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return [];
    }
  });
}

describe.skipIf(!linux)(`encode workers${linux ? '' : ' (skipped: thread priorities are read from Linux /proc)'}`, () => {
  it('run 10 nice levels below the rest of the process, and the rows still load', async () => {
    const t = startTarget({ ...db.config, default_target_schema: 'prio', parse_workers: 2 });
    t.child.stdin.write(singer(schemaMsg('p', { id: { type: 'integer' }, v: { type: 'string' } }), ...Array.from({ length: 50 }, (_, i) => rec('p', { id: i + 1, v: `v${i}` }))));
    const base = threadNices(process.pid)[0];
    let nices: number[] = [];
    for (let i = 0; i < 100 && nices.filter((n) => n === Math.min(19, base + 10)).length < 2; i++) {
      await sleep(50);
      nices = threadNices(t.child.pid!);
    }
    t.child.stdin.end();
    expect((await t.exited).code).toBe(0);
    // the two workers, and no other thread (the main thread, libuv's and V8's stay at the process's priority)
    expect(nices.filter((n) => n === Math.min(19, base + 10))).toHaveLength(2);
    expect(nices.filter((n) => n === base).length).toBeGreaterThan(3);
    expect(await db.query('SELECT count(*)::int AS n FROM prio.p')).toEqual([{ n: 50 }]);
  });
});
