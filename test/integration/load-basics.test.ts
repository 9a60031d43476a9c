import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { runTarget, singer } from '../helpers/run-target.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const schema = (stream: string, properties: Record<string, unknown>, key: string[] = ['id']) => ({
  type: 'SCHEMA',
  stream,
  schema: { type: 'object', properties },
  key_properties: key,
});

describe('load basics', () => {
  it('loads records and writes the final state after commit', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'basics' },
      input: singer(
        schema('users', { id: { type: 'integer' }, name: { type: ['string', 'null'] } }),
        { type: 'RECORD', stream: 'users', record: { id: 1, name: 'a' } },
        { type: 'RECORD', stream: 'users', record: { id: 2, name: null } },
        { type: 'STATE', value: { bookmarks: { users: 2 } } },
      ),
    });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"bookmarks":{"users":2}}']);
    const rows = await db.query('SELECT id, name FROM basics.users ORDER BY id');
    expect(rows).toEqual([
      { id: '1', name: 'a' },
      { id: '2', name: null },
    ]);
  });
});
