import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer } from '../helpers/singer.js';

const db = useTestDatabase();

const props = { id: { type: 'integer' }, v: { type: ['string', 'null'] }, updated_at: { type: ['string', 'null'], format: 'date-time' } };

describe.each(['merge', 'insert_on_conflict'])('upsert_statement %s', (statement) => {
  const schema = `ups_${statement}`;
  const cfg = (extra: Record<string, unknown> = {}) => ({ ...db.config, default_target_schema: schema, upsert_statement: statement, ...extra });

  it('last record per key wins, across batches and runs; an older bookmark never overwrites a newer one', async () => {
    const bm = schemaMsg('u', props, ['id'], { bookmark_properties: ['updated_at'] });
    const r1 = await runTarget({
      config: cfg({ batch_size_rows: 2 }),
      input: singer(bm, rec('u', { id: 1, v: 'a', updated_at: '2024-01-02T00:00:00Z' }), rec('u', { id: 1, v: 'b', updated_at: '2024-01-03T00:00:00Z' }), rec('u', { id: 2, v: 'x', updated_at: '2024-01-01T00:00:00Z' }), rec('u', { id: 1, v: 'stale', updated_at: '2024-01-01T00:00:00Z' })),
    });
    expect(r1.code).toBe(0);
    const r2 = await runTarget({ config: cfg(), input: singer(bm, rec('u', { id: 2, v: 'y', updated_at: '2024-01-05T00:00:00Z' }), rec('u', { id: 3, v: 'new', updated_at: null })) });
    expect(r2.code).toBe(0);
    expect(await db.query(`SELECT id::int, v FROM ${schema}.u ORDER BY u.id`)).toEqual([
      { id: 1, v: 'b' },
      { id: 2, v: 'y' },
      { id: 3, v: 'new' },
    ]);
  });

  it('hard delete by _sdc_deleted_at removes the row and inserts nothing for an unknown key', async () => {
    const r = await runTarget({
      config: cfg({ hard_delete: true }),
      input: singer(schemaMsg('u', props), rec('u', { id: 2, v: 'gone', _sdc_deleted_at: '2024-01-01T00:00:00Z' }), rec('u', { id: 9, v: 'never existed', _sdc_deleted_at: '2024-01-01T00:00:00Z' })),
    });
    expect(r.code).toBe(0);
    expect((await db.query<{ id: number }>(`SELECT id::int FROM ${schema}.u ORDER BY u.id`)).map((x) => x.id)).toEqual([1, 3]);
  });
});
