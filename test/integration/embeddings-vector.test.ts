import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { API_KEY, article, articleSchema, embeddingsSettings, vectorAvailable, words } from '../helpers/embeddings.js';
import { fakeVector, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { runTarget } from '../helpers/run-target.js';
import { singer } from '../helpers/singer.js';

/**
 * pgvector tables: the extension created, vector(n) columns, the HNSW/IVFFlat cosine index, a
 * halfvec expression index above 2,000 dimensions, and a similarity query. Needs a server with
 * pgvector (CI installs it into PostgreSQL 15 with ../shared/scripts/install-pgvector.sh).
 */
const available = await vectorAvailable(inject('databaseUrl'));
/** CI sets this for its PostgreSQL 15 run, where it installs pgvector: there the tests must run. */
const required = process.env.TEST_REQUIRE_PGVECTOR === '1';
const db = useTestDatabase();
let fake: FakeOpenAI;
beforeAll(async () => (fake = await startFakeOpenAI({ apiKey: API_KEY })));
afterAll(async () => fake?.close());

const run = (schema: string, messages: unknown[], over: Record<string, unknown> = {}, openai: Record<string, unknown> = {}) =>
  runTarget({ config: { ...db.config, default_target_schema: schema, embeddings: embeddingsSettings(fake, { column_type: 'vector', ...over }, openai) }, input: singer(articleSchema(), ...messages) });
const indexes = (schema: string) => db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'articles_embeddings' AND indexname <> 'articles_embeddings_pkey'`, [schema]);
const literal = (v: number[]) => `[${v.join(',')}]`;

it.runIf(required && !available)('the server has pgvector when TEST_REQUIRE_PGVECTOR=1 (CI\'s PostgreSQL 15 run; skipped where not required or present)', () => {
  expect.fail('the server has no vector extension: run ../shared/scripts/install-pgvector.sh');
});

describe.skipIf(!available)(available ? 'pgvector tables' : 'pgvector tables (skipped: this server has no vector extension; run ../shared/scripts/install-pgvector.sh)', () => {
  it('creates the extension and a vector(n) table with an HNSW cosine index, and the nearest chunk of a query vector is its own', async () => {
    const r = await run('vec_hnsw', [article(1, 'Cats', words(30, 'cat')), article(2, 'Dogs', words(30, 'dog')), article(3, 'Fish', 'swim')]);
    expect(r.code).toBe(0);
    expect(await db.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'vec_hnsw.articles_embeddings'::regclass AND attname = 'embedding'`)).toEqual([{ t: 'vector(8)' }]);
    expect((await indexes('vec_hnsw')).map((i) => i.indexdef)).toEqual([expect.stringMatching(/USING hnsw \(embedding vector_cosine_ops\)$/)]);
    const chunk = (await db.query<{ chunk: string }>(`SELECT chunk FROM vec_hnsw.articles_embeddings WHERE id = 2 ORDER BY chunk_index DESC LIMIT 1`))[0].chunk;
    // the README's similarity query
    const nearest = await db.query(
      `SELECT a.id, a.title, e.chunk, round((e.embedding <=> $1::vector)::numeric, 4)::float AS distance
         FROM vec_hnsw.articles_embeddings e JOIN vec_hnsw.articles a USING (id)
        ORDER BY e.embedding <=> $1::vector LIMIT 1`,
      [literal(fakeVector(chunk, 8))],
    );
    expect(nearest).toEqual([{ id: '2', title: 'Dogs', chunk, distance: 0 }]);
  });

  it('index ivfflat and index none', async () => {
    expect((await run('vec_ivf', [article(1, 't', 'b')], { index: 'ivfflat' })).code).toBe(0);
    expect((await indexes('vec_ivf')).map((i) => i.indexdef)).toEqual([expect.stringMatching(/USING ivfflat \(embedding vector_cosine_ops\)$/)]);
    expect((await run('vec_none', [article(1, 't', 'b')], { index: 'none' })).code).toBe(0);
    expect(await indexes('vec_none')).toEqual([]);
  });

  it('above 2,000 dimensions the index is on a halfvec expression; above 4,000 a warning says why there is none', async () => {
    const r = await run('vec_large', [article(1, 't', 'large vectors')], {}, { dimensions: 3072 });
    expect(r.code).toBe(0);
    expect((await indexes('vec_large')).map((i) => i.indexdef)).toEqual([expect.stringMatching(/USING hnsw \(\(\(embedding\)::halfvec\(3072\)\) halfvec_cosine_ops\)$/)]);
    const q = literal(fakeVector('t\nlarge vectors', 3072));
    expect(await db.query(`SELECT id FROM vec_large.articles_embeddings ORDER BY embedding::halfvec(3072) <=> $1::halfvec(3072) LIMIT 1`, [q])).toEqual([{ id: '1' }]);
    const huge = await run('vec_huge', [article(1, 't', 'b')], {}, { dimensions: 4096 });
    expect(huge.code).toBe(0);
    expect(huge.stderr).toContain('pgvector indexes at most 4000 dimensions');
    expect(await indexes('vec_huge')).toEqual([]);
  });

  it('refuses a table whose vectors have other dimensions than the config (exit 64)', async () => {
    expect((await run('vec_dims', [article(1, 't', 'b')])).code).toBe(0);
    const r = await run('vec_dims', [article(1, 't', 'b')], {}, { dimensions: 16 });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('table vec_dims.articles_embeddings has an embedding column of type vector(8), but the config asks for vector(16)');
  });
});
