import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer } from '../helpers/singer.js';

const db = useTestDatabase();
const schema = schemaMsg('items', { id: { type: 'integer' }, v: { type: 'string' }, at: { type: 'integer' } }, ['id'], { bookmark_properties: ['at'] });
const METED = 'a batch met existing keys';
const summary = (stderr: string) => JSON.parse(stderr.split('\n').find((l) => l.includes('"msg":"summary"'))!).streams.items;

describe('upsert of new keys COPYs straight into the table (issue 18, part 3)', () => {
  it('an initial load never stages; a batch meeting existing keys falls back, exactly, and the rest of the run stages', async () => {
    const config = { ...db.config, default_target_schema: 'direct', load_method: 'upsert', batch_size_rows: 2, log_level: 'debug', parse_workers: 0 };
    const first = await runTarget({ config, input: singer(schema, ...[1, 2, 3, 4, 5].map((id) => rec('items', { id, v: `a${id}`, at: 10 }))) });
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain(METED);
    expect(summary(first.stderr)).toMatchObject({ records: 5, inserted: 5, updated: 0 });
    // the second run: new keys first (direct), then a batch with an existing key, an older version of key 2 and a newer one of key 3
    const second = await runTarget({
      config,
      input: singer(schema, rec('items', { id: 6, v: 'b6', at: 20 }), rec('items', { id: 7, v: 'b7', at: 20 }), rec('items', { id: 2, v: 'old', at: 5 }), rec('items', { id: 3, v: 'new', at: 30 }), rec('items', { id: 8, v: 'b8', at: 20 })),
    });
    expect(second.code).toBe(0);
    expect(second.stderr.split(METED).length - 1).toBe(1);
    expect(await db.query('SELECT id, v, at FROM direct.items ORDER BY id')).toEqual([
      { id: '1', v: 'a1', at: '10' },
      { id: '2', v: 'a2', at: '10' },
      { id: '3', v: 'new', at: '30' },
      { id: '4', v: 'a4', at: '10' },
      { id: '5', v: 'a5', at: '10' },
      { id: '6', v: 'b6', at: '20' },
      { id: '7', v: 'b7', at: '20' },
      { id: '8', v: 'b8', at: '20' },
    ]);
    expect(summary(second.stderr)).toMatchObject({ records: 5, inserted: 3, updated: 1 });
  });

  it('keys repeated within one run: the later batch falls back and the last record wins', async () => {
    const config = { ...db.config, default_target_schema: 'direct_repeat', load_method: 'upsert', batch_size_rows: 2, parse_workers: 0 };
    const r = await runTarget({ config, input: singer(schema, rec('items', { id: 1, v: 'x', at: 1 }), rec('items', { id: 2, v: 'x', at: 1 }), rec('items', { id: 2, v: 'y', at: 2 }), rec('items', { id: 3, v: 'y', at: 2 })) });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id, v FROM direct_repeat.items ORDER BY id')).toEqual([
      { id: '1', v: 'x' },
      { id: '2', v: 'y' },
      { id: '3', v: 'y' },
    ]);
  });
});
