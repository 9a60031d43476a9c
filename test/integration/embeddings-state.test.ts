import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { API_KEY, article, articleSchema, embeddingsSettings } from '../helpers/embeddings.js';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { runTarget } from '../helpers/run-target.js';
import { singer, state } from '../helpers/singer.js';
import { sleep, startTarget } from '../helpers/spawn-target.js';

/** State never runs ahead of embeddings; requests stay within max_concurrent_requests. */
const db = useTestDatabase();
let fake: FakeOpenAI;
beforeAll(async () => (fake = await startFakeOpenAI({ apiKey: API_KEY })));
afterAll(async () => fake.close());

const line = (m: unknown) => JSON.stringify(m) + '\n';
const embeddedIds = async (schema: string) => (await db.query<{ id: string }>(`SELECT DISTINCT id FROM ${schema}.articles_embeddings ORDER BY id`)).map((r) => Number(r.id));

async function until(pred: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(25);
  }
}

describe('state and embeddings', () => {
  it('holds a state back while the embeddings of the records before it are pending, though their rows are committed', async () => {
    const schema = 'st_hold';
    fake.pause();
    const seen: Array<{ state: string; ids: Promise<number[]> }> = [];
    const target = startTarget({ ...db.config, default_target_schema: schema, batch_size_rows: 2, embeddings: embeddingsSettings(fake) }, [], (l) =>
      // what the embeddings table holds the moment each state line arrives
      seen.push({ state: l, ids: embeddedIds(schema) }),
    );
    try {
      const requests = fake.requests.length;
      target.child.stdin.write(line(articleSchema()) + line(article(1, 'a', 'one')) + line(article(2, 'b', 'two')) + line(state({ s: 1 })));
      await until(() => fake.requests.length > requests);
      // the batch committed, its embeddings wait on the paused API: no state yet
      await until(async () => (await db.query(`SELECT count(*)::int AS n FROM ${schema}.articles`))[0].n === 2);
      await sleep(500);
      expect(target.stdout).toEqual([]);
      expect(await embeddedIds(schema)).toEqual([]);
      fake.resume();
      await target.waitForLine((l) => l === '{"s":1}');
      fake.pause();
      target.child.stdin.write(line(article(3, 'c', 'three')) + line(article(4, 'd', 'four')) + line(state({ s: 2 })));
      await until(() => fake.requests.length > requests + 1);
      await sleep(300);
      expect(target.stdout).toEqual(['{"s":1}']);
      fake.resume();
      target.child.stdin.end();
      expect((await target.exited).code).toBe(0);
      expect(target.stdout).toEqual(['{"s":1}', '{"s":2}']);
      expect(await Promise.all(seen.map(async (x) => [x.state, await x.ids]))).toEqual([
        ['{"s":1}', [1, 2]],
        ['{"s":2}', [1, 2, 3, 4]],
      ]);
      expect(target.stderr()).not.toContain(API_KEY);
    } finally {
      fake.resume();
      target.child.kill('SIGKILL');
    }
  });

  it('keeps at most max_concurrent_requests requests in flight, and uses them', async () => {
    fake.delayMs = 300;
    fake.maxConcurrent = 0;
    try {
      const recs = Array.from({ length: 8 }, (_, i) => article(i + 1, null, `text number ${i}`));
      const r = await runTarget({
        config: { ...db.config, default_target_schema: 'st_conc', embeddings: embeddingsSettings(fake, {}, { max_inputs_per_request: 1, max_concurrent_requests: 2 }) },
        input: singer(articleSchema(), ...recs),
      });
      expect(r.code).toBe(0);
      expect(fake.maxConcurrent).toBe(2);
      expect(await embeddedIds('st_conc')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      fake.delayMs = 0;
    }
  });

  it('float encoding_format and no dimensions parameter, for servers without them', async () => {
    const before = fake.requests.length;
    // a model whose native size is the configured one
    fake.forceDimensions = 8;
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'st_float', embeddings: embeddingsSettings(fake, {}, { encoding_format: 'float', send_dimensions: false }) },
      input: singer(articleSchema(), article(1, 't', 'body')),
    });
    fake.forceDimensions = undefined;
    expect(r.code).toBe(0);
    expect(fake.requests.slice(before).map((q) => [q.encodingFormat, q.dimensions])).toEqual([['float', undefined]]);
    expect(await embeddedIds('st_float')).toEqual([1]);
  });
});
