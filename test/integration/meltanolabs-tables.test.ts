import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();

/** A table exactly as the MeltanoLabs target (SQLAlchemy) creates it for the stream below, with a view on it. */
const MELTANOLABS_DDL = `
CREATE SCHEMA melty;
CREATE TABLE melty.users (
  id BIGINT NOT NULL,
  name TEXT,
  score DECIMAL,
  active BOOLEAN,
  created_at TIMESTAMP WITHOUT TIME ZONE,
  birthday DATE,
  tags TEXT[],
  meta JSONB,
  anything TEXT,
  _sdc_extracted_at TIMESTAMP WITHOUT TIME ZONE,
  _sdc_received_at TIMESTAMP WITHOUT TIME ZONE,
  _sdc_batched_at TIMESTAMP WITHOUT TIME ZONE,
  _sdc_deleted_at TIMESTAMP WITHOUT TIME ZONE,
  _sdc_sequence BIGINT,
  _sdc_table_version BIGINT,
  _sdc_sync_started_at BIGINT,
  PRIMARY KEY (id)
);
CREATE VIEW melty.users_view AS SELECT id, anything, created_at FROM melty.users;
INSERT INTO melty.users (id, name, anything, created_at) VALUES (1, 'old', '"loaded by MeltanoLabs"', '2023-06-01 12:00:00');
`;

const properties = {
  id: { type: 'integer' },
  name: { type: ['string', 'null'] },
  score: { type: ['number', 'null'] },
  active: { type: ['boolean', 'null'] },
  created_at: { type: ['string', 'null'], format: 'date-time' },
  birthday: { type: ['string', 'null'], format: 'date' },
  tags: { type: ['array', 'null'], items: { type: 'string' } },
  meta: { type: ['object', 'null'], properties: { k: { type: 'string' } } },
  anything: {},
};

const types = async () =>
  Object.fromEntries(
    (
      await db.query<{ name: string; type: string }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = 'melty.users'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      )
    ).map((r) => [r.name, r.type]),
  );

describe('loading into tables the MeltanoLabs target made', () => {
  it('keeps every column type and the view, and stores the values exactly (offsets as UTC in TIMESTAMP, untyped values as JSON text)', async () => {
    for (const statement of MELTANOLABS_DDL.split(';').map((s) => s.trim()).filter(Boolean)) await db.query(statement);
    const before = await types();
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'melty', flattening_enabled: false },
      input: singer(
        schemaMsg('users', properties),
        rec('users', { id: 1, name: 'updated', score: 'BIG', active: true, created_at: '2024-01-01T05:30:00.123456+05:30', birthday: '2000-02-29', tags: ['a', 'b'], meta: { k: 'v' }, anything: { k: [1, 2] } }),
        rec('users', { id: 2, name: 'new', created_at: '2024-01-01T00:00:00Z', anything: 'plain' }),
        rec('users', { id: 3, created_at: '2023-12-31T22:00:00-03:00', anything: 42 }),
        state({ done: 1 }),
      ).replace('"score":"BIG"', '"score":12345678901234567890.5'), // digits a double would lose
    });
    expect(r.stderr).not.toContain('target-postgres: error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":1}']);
    expect(await types()).toEqual(before);
    const rows = await db.query(
      `SELECT id::text, name, score::text, active, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US') AS created_at, birthday::text, tags, meta, anything FROM melty.users ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: '1', name: 'updated', score: '12345678901234567890.5', active: true, created_at: '2024-01-01 00:00:00.123456', birthday: '2000-02-29', tags: ['a', 'b'], meta: { k: 'v' }, anything: '{"k":[1,2]}' },
      { id: '2', name: 'new', score: null, active: null, created_at: '2024-01-01 00:00:00.000000', birthday: null, tags: null, meta: null, anything: 'plain' },
      { id: '3', name: null, score: null, active: null, created_at: '2024-01-01 01:00:00.000000', birthday: null, tags: null, meta: null, anything: '42' },
    ]);
    expect((await db.query('SELECT count(*)::int AS n FROM melty.users_view'))[0]).toEqual({ n: 3 });
    const [meta] = await db.query<{ batched: string; seq: string }>(`SELECT _sdc_batched_at::text AS batched, _sdc_sequence::text AS seq FROM melty.users WHERE id = 2`);
    expect(Math.abs(Date.parse(`${meta.batched}Z`) - Date.now())).toBeLessThan(120_000);
    expect(Number(meta.seq)).toBeGreaterThan(0);
  });
});
