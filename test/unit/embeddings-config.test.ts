import { describe, expect, it } from 'vitest';
import { checkStreamEmbedding, contentHash, resolveEmbeddings, vectorSpace } from '../../src/enrich/embeddings-config.js';
import { groupRows, planRow } from '../../src/enrich/row-plan.js';
import type { ColumnSpec } from '../../src/schema/columns.js';

type Input = Parameters<typeof resolveEmbeddings>[0];
type Spec = Parameters<typeof checkStreamEmbedding>[0];
const base = { openai: { model: 'm', dimensions: 4, base_url: 'http://127.0.0.1:1/v1' }, tables: [{ stream: 'a', target_table: 'a_emb', embed_columns: ['body'] }] } as Input;

describe('resolveEmbeddings', () => {
  it('applies the defaults', () => {
    const { settings, problems } = resolveEmbeddings(base, {});
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({ maxInputs: 256, maxTokens: 300_000, maxConcurrent: 4, chunkSize: 1000, chunkOverlap: 100, columnType: 'vector', index: 'hnsw', encodingFormat: 'base64', sendDimensions: true });
    // a local server needs no key; the client still sends a placeholder
    expect(settings.apiKey).toBe('unused');
  });

  it('takes the key from OPENAI_API_KEY when the config has none', () => {
    expect(resolveEmbeddings(base, { OPENAI_API_KEY: 'sk-env' }).settings.apiKey).toBe('sk-env');
    expect(resolveEmbeddings({ ...base, openai: { ...base.openai, api_key: 'sk-cfg' } }, { OPENAI_API_KEY: 'sk-env' }).settings.apiKey).toBe('sk-cfg');
  });

  it('reports every problem together: no key for the OpenAI API, overlap not below size, a stream or table twice', () => {
    const { problems } = resolveEmbeddings(
      {
        openai: { model: 'm', dimensions: 4 },
        text_splitter: { chunk_size: 10, chunk_overlap: 10 },
        tables: [
          { stream: 'a', target_table: 't', embed_columns: ['x'] },
          { stream: 'a', target_table: 't', embed_columns: ['y'] },
        ],
      } as Input,
      {},
    );
    expect(problems).toEqual([
      'embeddings.openai.api_key is not set (nor OPENAI_API_KEY): the OpenAI API needs a key',
      'embeddings.text_splitter.chunk_overlap (10) must be below chunk_size (10)',
      'embeddings.tables names stream "a" twice',
      'embeddings.tables uses target_table "t" twice',
    ]);
  });
});

const col = (name: string, path: string[] = [name]): ColumnSpec => ({ name, path, pgType: 'text' });
const columns = [col('id'), col('title'), col('body'), col('author'), col('chunk'), col('meta__x', ['meta', 'x'])];

describe('checkStreamEmbedding', () => {
  it('maps properties to their columns', () => {
    const r = checkStreamEmbedding({ stream: 'a', target_table: 't', embed_columns: ['title', 'body'], metadata_columns: ['author'] } as Spec, { keys: ['id'], merge: 'upsert', method: 'upsert', columns });
    expect(r).toEqual({ shape: { keyColumns: ['id'], embedColumns: ['title', 'body'], metadataColumns: ['author'] }, problems: [] });
  });

  it('names every problem with stream and column: missing columns, a flattened object, reserved names', () => {
    const r = checkStreamEmbedding({ stream: 'a', target_table: 't', embed_columns: ['nope', 'meta'], metadata_columns: ['chunk', 'id', 'gone'] } as Spec, { keys: ['id'], merge: 'upsert', method: 'upsert', columns });
    expect(r.shape).toBeUndefined();
    expect(r.problems).toEqual([
      'embeddings for stream "a": embed column "nope" is not a property of the stream\'s schema (nested objects that flattening splits cannot be used)',
      'embeddings for stream "a": embed column "meta" is not a property of the stream\'s schema (nested objects that flattening splits cannot be used)',
      'embeddings for stream "a": metadata column "gone" is not a property of the stream\'s schema (nested objects that flattening splits cannot be used)',
      'embeddings for stream "a": metadata column "chunk" has the name of one of the table\'s own columns (chunk_index, chunk, embedding, _sdc_content_hash)',
      'embeddings for stream "a": metadata column "id" is a key column, which the table holds already',
    ]);
  });

  it('needs keys and one current row per key (upsert, overwrite, history)', () => {
    const spec = { stream: 'a', target_table: 't', embed_columns: ['body'] } as Spec;
    expect(checkStreamEmbedding(spec, { keys: [], merge: 'append', method: 'append-only', columns }).problems[0]).toMatch(/no key_properties/);
    expect(checkStreamEmbedding(spec, { keys: ['id'], merge: 'history', method: 'history', columns }).problems).toEqual([]);
    expect(checkStreamEmbedding(spec, { keys: ['id'], merge: 'append', method: 'append-only', columns }).problems[0]).toMatch(/load_method append-only/);
  });
});

const s = { model: 'm', dimensions: 4, chunkSize: 20, chunkOverlap: 5 };

describe('contentHash', () => {
  it('changes with the text, the model, the dimensions and the splitter', () => {
    const h = contentHash('text', s);
    expect(contentHash('text', s)).toBe(h);
    expect(contentHash('text!', s)).not.toBe(h);
    expect(contentHash('text', { ...s, model: 'n' })).not.toBe(h);
    expect(contentHash('text', { ...s, dimensions: 5 })).not.toBe(h);
    expect(contentHash('text', { ...s, chunkSize: 21 })).not.toBe(h);
    expect(contentHash('text', { ...s, chunkOverlap: 4 })).not.toBe(h);
    // the vector space (model, dimensions) leads the hash, so stored vectors are reused only within it
    expect(contentHash('other', { ...s, chunkSize: 99 }).startsWith(vectorSpace(s) + ':')).toBe(true);
    expect(vectorSpace({ ...s, model: 'n' })).not.toBe(vectorSpace(s));
  });
});

describe('planRow', () => {
  it('skips a row whose text hashes as stored, embeds a new or changed one, removes a gone or emptied one', () => {
    const hash = contentHash('Title\nbody text', s);
    expect(planRow({ present: true, texts: ['Title', 'body text'], storedHash: hash, storedChunks: 2 }, s)).toEqual({ kind: 'unchanged', chunks: 2 });
    expect(planRow({ present: true, texts: ['Title', 'body text'], storedHash: null, storedChunks: 0 }, s)).toEqual({ kind: 'replace', chunks: ['Title\nbody text'], hash, stored: 0 });
    expect(planRow({ present: true, texts: ['Title', 'new body'], storedHash: hash, storedChunks: 2 }, s).kind).toBe('replace');
    expect(planRow({ present: false, texts: [null, null], storedHash: hash, storedChunks: 2 }, s)).toEqual({ kind: 'delete' });
    expect(planRow({ present: false, texts: [null, null], storedHash: null, storedChunks: 0 }, s)).toEqual({ kind: 'none' });
    expect(planRow({ present: true, texts: [null, '  '], storedHash: hash, storedChunks: 2 }, s)).toEqual({ kind: 'delete' });
    expect(planRow({ present: true, texts: [null, null], storedHash: null, storedChunks: 0 }, s)).toEqual({ kind: 'none' });
  });
});

describe('groupRows', () => {
  it('groups rows to about the target chunk count, never splitting a row', () => {
    const rows = [3, 3, 1, 5, 2].map((n) => ({ chunks: Array.from({ length: n }, () => 'c') }));
    expect(groupRows(rows, 6).map((g) => g.map((r) => r.chunks.length))).toEqual([[3, 3], [1, 5], [2]]);
    expect(groupRows([{ chunks: ['a', 'b', 'c'] }], 1)).toHaveLength(1);
  });
});
