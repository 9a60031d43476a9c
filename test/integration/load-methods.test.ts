import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { activateVersion, rec, schemaMsg, singer } from '../helpers/singer.js';
import { sleep } from '../helpers/spawn-target.js';

const db = useTestDatabase();

const props = { id: { type: 'integer' }, v: { type: ['string', 'null'] }, updated_at: { type: ['string', 'null'], format: 'date-time' } };

describe('append-only', () => {
  it('keeps every record, duplicates of a key in one batch included', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'app', load_method: 'append-only' },
      input: singer(schemaMsg('a', props), rec('a', { id: 1, v: 'a' }), rec('a', { id: 1, v: 'b' }), rec('a', { id: 1, v: 'b' })),
    });
    expect(r.code).toBe(0);
    expect((await db.query<{ v: string }>('SELECT v FROM app.a ORDER BY _sdc_sequence')).map((x) => x.v)).toEqual(['a', 'b', 'b']);
  });
});

describe('upsert ordering', () => {
  it('a stale record (older bookmark) never overwrites a newer one, in a later batch or a later run', async () => {
    const cfg = { ...db.config, default_target_schema: 'stale', batch_size_rows: 1 };
    const s = (m: unknown[]) => singer(schemaMsg('u', props, ['id'], { bookmark_properties: ['updated_at'] }), ...m);
    const r1 = await runTarget({
      config: cfg,
      input: s([rec('u', { id: 1, v: 'new', updated_at: '2024-01-02T00:00:00Z' }), rec('u', { id: 1, v: 'stale', updated_at: '2024-01-01T00:00:00Z' }), rec('u', { id: 2, v: 'x', updated_at: '2024-01-01T00:00:00Z' })]),
    });
    expect(r1.code).toBe(0);
    const r2 = await runTarget({ config: cfg, input: s([rec('u', { id: 1, v: 'stale again', updated_at: '2023-12-31T00:00:00+01:00' }), rec('u', { id: 2, v: 'newer', updated_at: '2024-01-01T00:00:01Z' })]) });
    expect(r2.code).toBe(0);
    expect(await db.query('SELECT id::int, v FROM stale.u ORDER BY u.id')).toEqual([
      { id: 1, v: 'new' },
      { id: 2, v: 'newer' },
    ]);
  });

  it('inside one batch, the record with the newest bookmark wins', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'stale1' },
      input: singer(
        schemaMsg('u', props, ['id'], { bookmark_properties: ['updated_at'] }),
        rec('u', { id: 1, v: 'newest', updated_at: '2024-01-03T00:00:00Z' }),
        rec('u', { id: 1, v: 'older', updated_at: '2024-01-02T00:00:00Z' }),
      ),
    });
    expect(r.code).toBe(0);
    expect(await db.query('SELECT v FROM stale1.u')).toEqual([{ v: 'newest' }]);
  });
});

describe('deletes', () => {
  it('hard delete via _sdc_deleted_at and via ACTIVATE_VERSION in one run', async () => {
    const cfg = { ...db.config, default_target_schema: 'hd', hard_delete: true };
    const r = await runTarget({
      config: cfg,
      input: singer(
        schemaMsg('d', props),
        activateVersion('d', 2),
        rec('d', { id: 1, v: 'old version' }, { version: 1 }),
        rec('d', { id: 2, v: 'keep' }, { version: 2 }),
        rec('d', { id: 3, v: 'deleted by marker', _sdc_deleted_at: '2024-01-01T00:00:00Z' }, { version: 2 }),
        rec('d', { id: 4, v: 'keep too' }, { version: 2 }),
        activateVersion('d', 2),
      ),
    });
    expect(r.code).toBe(0);
    expect((await db.query<{ id: number }>('SELECT id::int FROM hd.d ORDER BY d.id')).map((x) => x.id)).toEqual([2, 4]);
  });

  it('without hard_delete a record carrying _sdc_deleted_at keeps its row, marked', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'softdel' },
      input: singer(schemaMsg('d', props), rec('d', { id: 1, v: 'x' }), rec('d', { id: 1, v: 'x', _sdc_deleted_at: '2024-05-01T10:00:00Z' })),
    });
    expect(r.code).toBe(0);
    expect(await db.query(`SELECT id::int, to_char(_sdc_deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS d FROM softdel.d`)).toEqual([{ id: 1, d: '2024-05-01 10:00' }]);
  });
});

describe('overwrite', () => {
  it('swaps in the new rows atomically: a concurrent reader never sees the table empty or half loaded; grants, indexes and comments carry over', async () => {
    const cfg = { ...db.config, default_target_schema: 'ow', load_method: 'overwrite', batch_size_rows: 500 };
    const first = await runTarget({ config: cfg, input: singer(schemaMsg('o', props), ...Array.from({ length: 3000 }, (_, i) => rec('o', { id: i, v: `old ${i}` }))) });
    expect(first.code).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM ow.o'))[0].n).toBe(3000);
    await db.query(`DO $$ BEGIN CREATE ROLE tp_reader_ow; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await db.query('GRANT SELECT ON ow.o TO tp_reader_ow');
    await db.query('CREATE INDEX o_v_idx ON ow.o (v)');
    await db.query(`COMMENT ON TABLE ow.o IS 'loaded by target-postgres'`);

    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    const seen = new Set<number>();
    let reading = true;
    const loop = (async () => {
      while (reading) {
        seen.add((await reader.query('SELECT count(*)::int AS n FROM ow.o')).rows[0].n);
        await sleep(2);
      }
    })();
    const second = await runTarget({ config: cfg, input: singer(schemaMsg('o', props), ...Array.from({ length: 5000 }, (_, i) => rec('o', { id: i + 100000, v: `new ${i}` }))) });
    await sleep(50);
    reading = false;
    await loop;
    await reader.end();
    expect(second.code).toBe(0);
    expect([...seen].every((n) => n === 3000 || n === 5000)).toBe(true);
    expect(seen.has(3000)).toBe(true);
    expect((await db.query('SELECT count(*)::int AS n, min(id)::int AS lo FROM ow.o'))[0]).toEqual({ n: 5000, lo: 100000 });
    expect((await db.query(`SELECT has_table_privilege('tp_reader_ow', 'ow.o', 'SELECT') AS ok`))[0].ok).toBe(true);
    const indexes = (await db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'ow' AND tablename = 'o'`)).map((x) => x.def);
    expect(indexes.some((d) => d.includes('(v)'))).toBe(true);
    expect(indexes.some((d) => d.includes('UNIQUE') && d.includes('(id)'))).toBe(true);
    expect((await db.query(`SELECT obj_description('ow.o'::regclass, 'pg_class') AS c`))[0].c).toBe('loaded by target-postgres');
    expect((await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'ow'`))[0].n).toBe(1);
  });

  it('a failed overwrite run leaves the live table as it was', async () => {
    const cfg = { ...db.config, default_target_schema: 'owfail', load_method: 'overwrite' };
    await runTarget({ config: cfg, input: singer(schemaMsg('o', props), rec('o', { id: 1, v: 'kept' })) });
    const r = await runTarget({ config: cfg, input: singer(schemaMsg('o', props), rec('o', { id: 2, v: 'new' })) + '{"type":"RECORD","stream":"o","record":\n' });
    expect(r.code).toBe(65);
    expect(await db.query('SELECT id::int, v FROM owfail.o')).toEqual([{ id: 1, v: 'kept' }]);
  });
});

describe('history (SCD type 2)', () => {
  it('versions a key that changes twice and is then deleted; an identical record makes no version', async () => {
    const cfg = { ...db.config, default_target_schema: 'hist', load_method: 'history', batch_size_rows: 2 };
    const r = await runTarget({
      config: cfg,
      input: singer(
        schemaMsg('h', props),
        rec('h', { id: 1, v: 'first' }, { time_extracted: '2024-01-01T00:00:00Z' }),
        rec('h', { id: 2, v: 'other' }, { time_extracted: '2024-01-01T00:00:00Z' }),
        rec('h', { id: 1, v: 'first' }, { time_extracted: '2024-01-02T00:00:00Z' }),
        rec('h', { id: 1, v: 'second' }, { time_extracted: '2024-01-03T00:00:00Z' }),
        rec('h', { id: 1, v: 'third' }, { time_extracted: '2024-01-04T00:00:00Z' }),
        rec('h', { id: 1, v: 'third', _sdc_deleted_at: '2024-01-05T00:00:00Z' }, { time_extracted: '2024-01-05T00:00:00Z' }),
      ),
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    const rows = await db.query(
      `SELECT id::int, v, to_char(_sdc_valid_from AT TIME ZONE 'UTC', 'MM-DD') AS f, to_char(_sdc_valid_to AT TIME ZONE 'UTC', 'MM-DD') AS t, _sdc_is_current AS cur FROM hist.h ORDER BY id, _sdc_valid_from`,
    );
    expect(rows).toEqual([
      { id: 1, v: 'first', f: '01-01', t: '01-03', cur: false },
      { id: 1, v: 'second', f: '01-03', t: '01-04', cur: false },
      { id: 1, v: 'third', f: '01-04', t: '01-05', cur: false },
      { id: 2, v: 'other', f: '01-01', t: null, cur: true },
    ]);
    // a later run: an unchanged record adds nothing, a change closes the current version
    const r2 = await runTarget({
      config: cfg,
      input: singer(schemaMsg('h', props), rec('h', { id: 2, v: 'other' }, { time_extracted: '2024-02-01T00:00:00Z' }), rec('h', { id: 2, v: 'changed' }, { time_extracted: '2024-02-02T00:00:00Z' })),
    });
    expect(r2.code).toBe(0);
    expect(await db.query(`SELECT v, _sdc_is_current AS cur FROM hist.h WHERE id = 2 ORDER BY _sdc_valid_from`)).toEqual([
      { v: 'other', cur: false },
      { v: 'changed', cur: true },
    ]);
  });
});

describe('stream_overrides', () => {
  it('sets load method, schema, table and key per stream', async () => {
    const r = await runTarget({
      config: {
        ...db.config,
        default_target_schema: 'ovr_default',
        stream_overrides: { events: { load_method: 'append-only', schema: 'ovr_custom', table: 'all_events' }, users: { key_properties: ['v'] } },
      },
      input: singer(schemaMsg('events', props), rec('events', { id: 1, v: 'a' }), rec('events', { id: 1, v: 'a' }), schemaMsg('users', props), rec('users', { id: 1, v: 'same' }), rec('users', { id: 2, v: 'same' })),
    });
    expect(r.code).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM ovr_custom.all_events'))[0].n).toBe(2);
    expect(await db.query('SELECT id::int, v FROM ovr_default.users')).toEqual([{ id: 2, v: 'same' }]);
  });
});
