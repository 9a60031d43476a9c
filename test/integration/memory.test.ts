import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { schemaMsg, singer } from '../helpers/singer.js';
import { startTarget } from '../helpers/spawn-target.js';

const db = useTestDatabase();

const INPUT_BYTES = 2 * 1024 ** 3;
const PEAK_RSS_LIMIT = 300 * 1024 ** 2;

describe('memory', () => {
  it('stays bounded while 2 GB of input streams through', async () => {
    const t = startTarget({ ...db.config, default_target_schema: 'mem', add_record_metadata: false, max_buffered_bytes: 64 * 1024 ** 2, batch_size_bytes: 16 * 1024 ** 2 });
    const write = (text: string) => (t.child.stdin.write(text) ? Promise.resolve() : new Promise<void>((r) => t.child.stdin.once('drain', () => r())));
    await write(singer(schemaMsg('m', { id: { type: 'integer' }, pad: { type: 'string' } }, [])));
    const pad = 'abcdefghij'.repeat(190);
    let sent = 0;
    let id = 0;
    while (sent < INPUT_BYTES) {
      let chunk = '';
      for (let i = 0; i < 500; i++) chunk += `{"type":"RECORD","stream":"m","record":{"id":${++id},"pad":"${pad}${id}"}}\n`;
      chunk += `{"type":"STATE","value":{"id":${id}}}\n`;
      sent += chunk.length;
      await write(chunk);
    }
    t.child.stdin.end();
    const { code } = await t.exited;
    expect(t.stderr()).not.toContain('target-postgres: error');
    expect(code).toBe(0);
    expect(t.stdout[t.stdout.length - 1]).toBe(`{"id":${id}}`);
    expect((await db.query('SELECT count(*)::int AS n FROM mem.m'))[0].n).toBe(id);
    console.info(`memory test: ${Math.round(sent / 1024 ** 2)} MiB in, peak RSS ${Math.round(t.peakRss() / 1024 ** 2)} MiB`);
    expect(t.peakRss()).toBeGreaterThan(0);
    expect(t.peakRss()).toBeLessThan(PEAK_RSS_LIMIT);
  }, 600_000);
});
