import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();

const props = { id: { type: 'integer' }, v: { type: ['string', 'null'] }, updated_at: { type: ['string', 'null'], format: 'date-time' } };

const summaryOf = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === 'summary')?.streams as Record<string, Record<string, number>>;

/** Seeds schema.t with rows 1..3 by upsert. */
async function seed(schema: string) {
  const r = await runTarget({
    config: { ...db.config, default_target_schema: schema },
    input: singer(
      schemaMsg('t', props, ['id'], { bookmark_properties: ['updated_at'] }),
      rec('t', { id: 1, v: 'one', updated_at: '2024-01-01T00:00:00Z' }),
      rec('t', { id: 2, v: 'two', updated_at: '2024-01-05T00:00:00Z' }),
      rec('t', { id: 3, v: 'three', updated_at: '2024-01-01T00:00:00Z' }),
    ),
  });
  expect(r.code).toBe(0);
}

describe('load_method update', () => {
  it('updates rows that exist by key, never inserts, keeps a newer row, counts updates, writes state', async () => {
    await seed('upd');
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'upd', load_method: 'update', batch_size_rows: 2 },
      input: singer(
        schemaMsg('t', props, ['id'], { bookmark_properties: ['updated_at'] }),
        rec('t', { id: 1, v: 'one again', updated_at: '2024-01-02T00:00:00Z' }),
        rec('t', { id: 2, v: 'stale', updated_at: '2024-01-01T00:00:00Z' }),
        rec('t', { id: 9, v: 'never inserted', updated_at: '2024-01-02T00:00:00Z' }),
        rec('t', { id: 3, v: 'first' }),
        rec('t', { id: 3, v: 'last wins' }),
        state({ done: 1 }),
      ),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":1}']);
    expect(await db.query('SELECT id::int, v FROM upd.t ORDER BY id')).toEqual([
      { id: 1, v: 'one again' },
      { id: 2, v: 'two' },
      { id: 3, v: 'last wins' },
    ]);
    // batches of 2: [1, 2 (stale, kept)], [9 (no row), 3], [3 again]
    expect(summaryOf(r.stderr).t).toMatchObject({ records: 5, inserted: 0, updated: 3, deleted: 0, batches: 3 });
  });

  it('with hard_delete, a record carrying _sdc_deleted_at deletes its row', async () => {
    await seed('upd_hd');
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'upd_hd', load_method: 'update', hard_delete: true },
      input: singer(schemaMsg('t', props), rec('t', { id: 1, v: 'changed' }), rec('t', { id: 2, _sdc_deleted_at: '2024-02-01T00:00:00Z' })),
    });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT id::int, v FROM upd_hd.t ORDER BY id')).toEqual([
      { id: 1, v: 'changed' },
      { id: 3, v: 'three' },
    ]);
    expect(summaryOf(r.stderr).t).toMatchObject({ inserted: 0, updated: 1, deleted: 1 });
  });

  it('a stream without key_properties is an error at its SCHEMA (exit 65), nothing created', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'upd_nokey', load_method: 'update' },
      input: singer(schemaMsg('t', props, []), rec('t', { id: 1 })),
    });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(
      'line 1, stream "t": load_method update updates rows by key, but the stream has no key_properties; set stream_overrides."t".key_properties, or use another load_method for this stream',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'upd_nokey'`)).toEqual([]);
  });
});

describe('load_method delete', () => {
  it('deletes the rows whose keys arrive, per stream override, in batches; state after commit', async () => {
    await seed('del');
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'del', batch_size_rows: 1, stream_overrides: { t: { load_method: 'delete' } } },
      input: singer(schemaMsg('t', { id: { type: 'integer' } }), rec('t', { id: 1 }), state({ at: 1 }), rec('t', { id: 3 }), rec('t', { id: 42 }), state({ at: 2 })),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"at":1}', '{"at":2}']);
    expect(await db.query('SELECT id::int, v FROM del.t ORDER BY id')).toEqual([{ id: 2, v: 'two' }]);
    expect(summaryOf(r.stderr).t).toMatchObject({ records: 3, inserted: 0, updated: 0, deleted: 2, batches: 3 });
  });

  it('keys by key_properties of the override; a stream without keys is refused', async () => {
    await seed('del2');
    const ok = await runTarget({
      config: { ...db.config, default_target_schema: 'del2', stream_overrides: { t: { load_method: 'delete', key_properties: ['id'] } } },
      input: singer(schemaMsg('t', props, []), rec('t', { id: 2 })),
    });
    expect(ok.code).toBe(0);
    expect((await db.query<{ id: number }>('SELECT id::int FROM del2.t ORDER BY id')).map((x) => x.id)).toEqual([1, 3]);
    const bad = await runTarget({ config: { ...db.config, default_target_schema: 'del2', load_method: 'delete' }, input: singer(schemaMsg('t', props, []), rec('t', { id: 1 })) });
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('load_method delete deletes rows by key, but the stream has no key_properties');
    expect((await db.query<{ id: number }>('SELECT id::int FROM del2.t ORDER BY id')).map((x) => x.id)).toEqual([1, 3]);
  });

  it('rejects an unknown load_method in the config (exit 64)', async () => {
    const r = await runTarget({ config: { ...db.config, load_method: 'erase' }, input: '' });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('update, delete');
  });
});
