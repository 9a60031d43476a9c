import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { runTarget } from '../helpers/run-target.js';
import { activateVersion, rec, schemaMsg, singer, state } from '../helpers/singer.js';

const db = useTestDatabase();

/** stderr's JSON log lines (stderr is not a terminal here). */
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const metricsOf = (stderr: string) =>
  logLines(stderr)
    .filter((l) => String(l.msg).startsWith('METRIC: '))
    .map((l) => JSON.parse(String(l.msg).slice('METRIC: '.length)) as { type: string; metric: string; value: number; tags: Record<string, unknown> });

describe('what a user sees while it runs', () => {
  it('writes Singer SDK METRIC lines (record_count per stream, batch_processing_time per batch) and one summary line', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'seen', batch_size_rows: 2, hard_delete: true },
      input: singer(
        schemaMsg('users', { id: { type: 'integer' }, v: { type: 'string' } }),
        schemaMsg('orders', { id: { type: 'integer' } }),
        rec('users', { id: 1, v: 'a' }, { version: 1 }),
        rec('users', { id: 2, v: 'a' }, { version: 2 }),
        rec('users', { id: 2, v: 'b' }, { version: 2 }),
        rec('users', { id: 3, v: 'a' }, { version: 2 }),
        rec('orders', { id: 1 }),
        activateVersion('users', 2),
        state({ s: 1 }),
      ),
    });
    expect(r.code).toBe(0);
    const metrics = metricsOf(r.stderr);
    const counts = metrics.filter((m) => m.metric === 'record_count');
    expect(counts.map((m) => [m.type, m.tags.stream, m.value]).sort()).toEqual([['counter', 'orders', 1], ['counter', 'users', 4]]);
    for (const m of metrics) expect(m.tags.pid).toEqual(expect.any(Number));
    const timers = metrics.filter((m) => m.metric === 'batch_processing_time');
    expect(timers.length).toBe(3); // users: rows 1-2, then 2 (again) and 3; orders: 1
    for (const t of timers) {
      expect(t.type).toBe('timer');
      expect(t.tags.status).toBe('succeeded');
      expect(t.value).toBeGreaterThan(0);
    }
    const summary = logLines(r.stderr).filter((l) => l.msg === 'summary');
    expect(summary).toHaveLength(1);
    expect(summary[0].streams).toMatchObject({
      users: { records: 4, inserted: 3, updated: 1, deleted: 1, batches: 2, failed_batches: 0 },
      orders: { records: 1, inserted: 1, updated: 0, deleted: 0, batches: 1, failed_batches: 0 },
    });
  });

  it('prints an error once: one plain line, no JSON record repeating it', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'seen_bad' },
      input: singer(schemaMsg('users', { id: { type: 'integer' } }), rec('users', { id: 'x' })),
    });
    expect(r.code).toBe(65);
    const mentions = r.stderr.split('\n').filter((l) => l.includes('record does not match'));
    expect(mentions).toEqual(['target-postgres: error: line 2, stream "users": record does not match the stream\'s schema: /id must be integer']);
  });
});
