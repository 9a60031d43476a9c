import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { API_KEY, article, articleSchema, embeddingsSettings, vectorAvailable } from '../helpers/embeddings.js';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { runTarget } from '../helpers/run-target.js';
import { schemaMsg, singer, state } from '../helpers/singer.js';

/** Retries and errors of embeddings: the exit code, one clear line, the key never printed. */
const db = useTestDatabase();
let fake: FakeOpenAI;
let vector = true;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: API_KEY });
  vector = await vectorAvailable(db.url);
});
afterAll(async () => fake.close());

const run = (schema: string, messages: unknown[], over: Record<string, unknown> = {}, openai: Record<string, unknown> = {}) =>
  runTarget({ config: { ...db.config, default_target_schema: schema, embeddings: embeddingsSettings(fake, over, openai) }, input: singer(articleSchema(), ...messages) });
const errorLine = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('target-postgres: error:'));
const count = (schema: string) => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.articles_embeddings`).then((r) => r[0].n);

describe('embeddings API failures', () => {
  it('retries a 429 after the Retry-After it names, and a 500, then commits', async () => {
    fake.failNext({ status: 429, headers: { 'retry-after': '1' } }, { status: 500 });
    const started = Date.now();
    const r = await run('err_retry', [article(1, 't', 'body'), state({ s: 1 })]);
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(r.stdout).toEqual(['{"s":1}']);
    expect(await count('err_retry')).toBe(1);
    const warns = r.stderr.split('\n').filter((l) => l.includes('retrying'));
    expect(warns.map((l) => JSON.parse(l).status)).toEqual([429, 500]);
    expect(JSON.parse(warns[0]).delayMs).toBe(1000);
    expect(JSON.parse(r.stderr.split('\n').find((l) => l.includes('chunks embedded'))!)).toMatchObject({ retries: 2, apiCalls: 3 });
  });

  it('gives up after max_retries with exit 75 and writes no state past the records not embedded', async () => {
    fake.failNext({ status: 503 }, { status: 503 }, { status: 503 });
    const r = await run('err_giveup', [article(1, 't', 'body'), state({ s: 1 })], {}, { max_retries: 2 });
    expect(r.code).toBe(75);
    expect(r.stdout).toEqual([]);
    expect(errorLine(r.stderr)).toEqual([expect.stringMatching(new RegExp(`the embeddings API at ${fake.baseUrl.replace(/[./]/g, '\\$&')} kept failing .* after 2 retries; rerun later`))]);
  });

  it('retries a request that times out', async () => {
    fake.failNext({ delayMs: 1500 });
    const r = await run('err_timeout', [article(1, 't', 'body')], {}, { timeout_ms: 500 });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the request timed out, retrying/);
    expect(await count('err_timeout')).toBe(1);
  });

  it('a wrong key is exit 69 naming the base URL, never the key', async () => {
    const wrong = 'sk-wrong-key-zz9-plural-z-alpha';
    const r = await run('err_auth', [article(1, 't', 'body'), state({ s: 1 })], {}, { api_key: wrong });
    expect(r.code).toBe(69);
    expect(r.stdout).toEqual([]);
    expect(errorLine(r.stderr)).toEqual([`target-postgres: error: the embeddings API at ${fake.baseUrl} refused the API key (HTTP 401): check embeddings.openai.api_key or OPENAI_API_KEY, and that the key may use model "text-embedding-3-small"`]);
    expect(r.stderr).not.toContain(wrong);
    expect(r.stderr).not.toContain(wrong.slice(3, 10));
  });

  it('the key from OPENAI_API_KEY works and is never printed', async () => {
    const s = embeddingsSettings(fake);
    delete (s.openai as Record<string, unknown>).api_key;
    const r = await runTarget({ config: { ...db.config, default_target_schema: 'err_env', log_level: 'debug', embeddings: s }, input: singer(articleSchema(), article(1, 't', 'body')), env: { OPENAI_API_KEY: API_KEY } });
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout.join('')).not.toContain(API_KEY);
    expect(await count('err_env')).toBe(1);
  });

  it('a 400 for one input is narrowed down to it and names stream, key and chunk (exit 65); no state passes it', async () => {
    fake.rejectInput((t) => t.includes('POISON'));
    try {
      const before = fake.requests.length;
      const r = await run('err_400', [article(1, 'fine', 'ok'), article(2, 'fine', 'also fine'), article(7, 'x', 'a b c POISON d'), state({ s: 1 })]);
      expect(r.code).toBe(65);
      expect(r.stdout).toEqual([]);
      // the request of three inputs, then its halves: the two good ones, and the one at fault alone
      expect(fake.requests.slice(before).map((q) => q.inputs.length)).toEqual([3, 2, 1]);
      expect(errorLine(r.stderr)).toEqual([
        `target-postgres: error: stream "articles", key {"id":"7"}, chunk 0 (16 characters): the embeddings API at ${fake.baseUrl} rejected the input (HTTP 400: This model's maximum context length is 8192 tokens; input 0 is too long.); fix the row's text or lower embeddings.text_splitter.chunk_size`,
      ]);
    } finally {
      fake.rejectInput(undefined);
    }
  });

  it('a base_url without the API (HTTP 404) is a config error (exit 64) naming model and base_url', async () => {
    const r = await run('err_404', [article(1, 't', 'body')], {}, { base_url: fake.baseUrl.replace(/\/v1$/, '') });
    expect(r.code).toBe(64);
    expect(errorLine(r.stderr)[0]).toMatch(/answered HTTP 404 for model "text-embedding-3-small" .*check embeddings.openai.model and base_url \(it ends in \/v1 for most servers\)$/);
  });

  it('vectors of another length than dimensions are a config error (exit 64)', async () => {
    fake.forceDimensions = 5;
    try {
      const r = await run('err_dims', [article(1, 't', 'body')]);
      expect(r.code).toBe(64);
      expect(errorLine(r.stderr)[0]).toMatch(/returned vectors of 5 dimensions for model "text-embedding-3-small", but embeddings.openai.dimensions is 8/);
    } finally {
      fake.forceDimensions = undefined;
    }
  });
});

describe('embeddings config errors', () => {
  it('reports every problem of a stream together when its SCHEMA arrives (exit 64), before loading anything', async () => {
    const tables = [{ stream: 'articles', target_table: 'e', embed_columns: ['title', 'missing'], metadata_columns: ['nope', 'chunk_index'] }];
    const r = await run('cfg_schema', [article(1, 't', 'b')], { tables });
    expect(r.code).toBe(64);
    const line = errorLine(r.stderr);
    expect(line).toHaveLength(1);
    expect(line[0]).toContain('embed column "missing" is not a property');
    expect(line[0]).toContain('metadata column "nope" is not a property');
    expect(line[0]).toContain('metadata column "chunk_index" is not a property');
    // checked before the stream's table is touched
    expect(await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'cfg_schema'`)).toEqual([]);
  });

  it('a stream without key_properties is refused', async () => {
    const r = await runTarget({
      config: { ...db.config, default_target_schema: 'cfg_nokey', embeddings: embeddingsSettings(fake) },
      input: singer(schemaMsg('articles', articleSchema().schema.properties, []), article(1, 't', 'b')),
    });
    expect(r.code).toBe(64);
    expect(errorLine(r.stderr)[0]).toMatch(/embeddings for stream "articles": the stream has no key_properties/);
  });

  it('problems found before any SCHEMA are one error at start', async () => {
    const r = await run('cfg_start', [], { text_splitter: { chunk_size: 10, chunk_overlap: 20 }, tables: [{ stream: 'a', target_table: 't', embed_columns: ['x'] }, { stream: 'a', target_table: 'u', embed_columns: ['x'] }] });
    expect(r.code).toBe(64);
    expect(errorLine(r.stderr)).toEqual(['target-postgres: error: invalid config: embeddings.text_splitter.chunk_overlap (20) must be below chunk_size (10); embeddings.tables names stream "a" twice']);
  });

  it('warns about a configured stream that sent no SCHEMA', async () => {
    const r = await run('cfg_unknown', [article(1, 't', 'b')], { tables: [{ stream: 'articles', target_table: 'e', embed_columns: ['body'] }, { stream: 'artcles', target_table: 'e2', embed_columns: ['body'] }] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('embeddings are configured for stream \\"artcles\\", which sent no SCHEMA in this run');
  });

  it('column_type vector without pgvector on the server is a clear config error (on a server with pgvector: the extension is created)', async () => {
    const r = await run('cfg_vector', [article(1, 't', 'b')], { column_type: 'vector' });
    if (vector) {
      expect(r.code).toBe(0);
      expect(await db.query(`SELECT extname FROM pg_extension WHERE extname = 'vector'`)).toEqual([{ extname: 'vector' }]);
    } else {
      expect(r.code).toBe(64);
      expect(errorLine(r.stderr)).toEqual([
        expect.stringMatching(/^target-postgres: error: embeddings for stream "articles": the PostgreSQL server has no pgvector extension \(CREATE EXTENSION vector failed: .*\); install pgvector on the server, or set embeddings.column_type to "real\[\]"/),
      ]);
    }
  });

  it('--about documents every embeddings setting and marks the nested api_key secret', async () => {
    const r = await runTarget({ args: ['--about', '--format', 'json'] });
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout.join('\n')).settings.properties.embeddings;
    expect(e.properties.openai.properties.api_key).toMatchObject({ type: 'string', secret: true, writeOnly: true });
    expect(JSON.stringify(e)).not.toContain('x-secret');
    const described = (o: { properties?: Record<string, { description?: string; properties?: unknown; items?: unknown }> }): string[] =>
      Object.entries(o.properties ?? {}).flatMap(([k, v]) => [...(v.description ? [] : [k]), ...described(v as never), ...(v.items ? described(v.items as never) : [])]);
    expect(described(e)).toEqual([]);
    expect(Object.keys(e.properties.openai.properties)).toEqual(['api_key', 'model', 'dimensions', 'send_dimensions', 'base_url', 'encoding_format', 'max_inputs_per_request', 'max_tokens_per_request', 'max_concurrent_requests', 'timeout_ms', 'max_retries']);
  });
});
