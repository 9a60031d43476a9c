import pg from 'pg';
import type { FakeOpenAI } from './fake-openai.js';
import { rec, schemaMsg } from './singer.js';

/** The API key the embedding tests use: it must never appear in any output. */
export const API_KEY = 'sk-test-a1b2c3d4e5f6-never-printed';

export const DIMENSIONS = 8;

export const articleProps = {
  id: { type: 'integer' },
  title: { type: ['string', 'null'] },
  body: { type: ['string', 'null'] },
  author: { type: ['string', 'null'] },
};

export const articleSchema = (stream = 'articles') => schemaMsg(stream, articleProps);
export const article = (id: number, title: string | null, body: string | null, author: string | null = 'ann', stream = 'articles', extra: Record<string, unknown> = {}) =>
  rec(stream, { id, title, body, author, ...extra });

/** `embeddings` settings against the fake server; `over` replaces top-level keys, `openai` merges into openai. */
export function embeddingsSettings(fake: FakeOpenAI, over: Record<string, unknown> = {}, openai: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    openai: { api_key: API_KEY, model: 'text-embedding-3-small', dimensions: DIMENSIONS, base_url: fake.baseUrl, max_inputs_per_request: 4, ...openai },
    text_splitter: { chunk_size: 60, chunk_overlap: 15 },
    column_type: 'real[]',
    tables: [{ stream: 'articles', target_table: 'articles_embeddings', embed_columns: ['title', 'body'], metadata_columns: ['author'] }],
    ...over,
  };
}

/** A long text of numbered words (each distinct), cut into several chunks. */
export const words = (n: number, tag = 'w') => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');

/** Whether the server can create the vector extension. */
export async function vectorAvailable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)).rows.length > 0;
  } finally {
    await c.end();
  }
}
