import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();

describe('load basics', () => {
  it('loads records and writes the final state after commit', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'basics' },
      input: singer(
        schemaMsg('users', { id: { type: 'integer' }, name: { type: ['string', 'null'] } }),
        rec('users', { id: 1, name: 'a' }),
        rec('users', { id: 2, name: null }),
        state({ bookmarks: { users: 2 } }),
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
