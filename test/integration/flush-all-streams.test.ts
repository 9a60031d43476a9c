import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';
import { sleep, startTarget } from '../helpers/spawn-target.js';

const db = useTestDatabase();
const props = { id: { type: 'integer' } };

/** Polls until `check` holds or the time is up; returns whether it held. */
async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}
/** Rows in the table; -1 while the target has not created it yet. */
const count = async (table: string) => {
  const [{ exists }] = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  return exists ? (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n : -1;
};

describe('flush_all_streams (pipelinewise: when one stream batch is full, flush every stream)', () => {
  for (const flushAll of [true, false]) {
    it(`${flushAll ? 'on: the other streams are loaded with the full one' : 'off: only the full stream is loaded'}, while the input is still open`, async () => {
      const schema = flushAll ? 'flush_all' : 'flush_own';
      const t = startTarget({ ...db.config, default_target_schema: schema, batch_size_rows: 3, max_record_age_seconds: 600, flush_all_streams: flushAll });
      // one row of b, then a fills its batch; the input stays open, so nothing else flushes
      t.child.stdin.write(singer(schemaMsg('a', props), schemaMsg('b', props), schemaMsg('c', props), rec('b', { id: 1 }), rec('c', { id: 1 }), rec('a', { id: 1 }), rec('a', { id: 2 }), state({ at: 'b and c buffered' }), rec('a', { id: 3 })));
      expect(await eventually(async () => (await count(`${schema}.a`)) === 3)).toBe(true);
      if (flushAll) {
        expect(await eventually(async () => (await count(`${schema}.b`)) === 1 && (await count(`${schema}.c`)) === 1)).toBe(true);
        // everything before the state is committed: it is written
        await t.waitForLine((l) => l === '{"at":"b and c buffered"}', 10_000);
      } else {
        await sleep(1000);
        expect(await count(`${schema}.b`)).toBe(0);
        expect(await count(`${schema}.c`)).toBe(0);
        expect(t.stdout).toEqual([]);
      }
      t.child.stdin.end();
      const { code } = await t.exited;
      expect(code).toBe(0);
      expect([await count(`${schema}.a`), await count(`${schema}.b`), await count(`${schema}.c`)]).toEqual([3, 1, 1]);
    });
  }
});
