import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { API_KEY, DIMENSIONS, article, articleSchema, embeddingsSettings, words } from '../helpers/embeddings.js';
import { fakeVector, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { runTarget } from '../helpers/run-target.js';
import { activateVersion, rec, schemaMsg, singer, state } from '../helpers/singer.js';

/**
 * Embeddings end to end with column_type real[] (any PostgreSQL, the embedded 18 included):
 * the built CLI against this file's database and a local OpenAI-compatible server.
 */
const db = useTestDatabase();
let fake: FakeOpenAI;
beforeAll(async () => (fake = await startFakeOpenAI({ apiKey: API_KEY })));
afterAll(async () => fake.close());

interface ChunkRow {
  id: string;
  chunk_index: number;
  chunk: string;
  embedding: number[];
  author: string | null;
}
const chunks = (schema: string) => db.query<ChunkRow>(`SELECT id, chunk_index, chunk, embedding, author FROM ${schema}.articles_embeddings ORDER BY id, chunk_index`);
const run = (schema: string, messages: unknown[], over: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  runTarget({ config: { ...db.config, default_target_schema: schema, ...extra, embeddings: embeddingsSettings(fake, over) }, input: singer(articleSchema(), ...messages) });

describe('embeddings (real[])', () => {
  it('splits each row\'s text into chunks, stores each chunk\'s own vector with its metadata, and logs the summary', async () => {
    const before = fake.requests.length;
    const long = words(40);
    const r = await run('emb_basic', [article(1, 'Title one', long, 'ann'), article(2, null, 'short body', 'bob'), article(3, null, null, 'cy'), state({ done: 1 })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"done":1}']);
    const rows = await chunks('emb_basic');
    const one = rows.filter((x) => x.id === '1');
    expect(one.length).toBeGreaterThan(3);
    expect(one.map((x) => x.chunk_index)).toEqual(one.map((_, i) => i));
    for (const x of rows) {
      expect(x.chunk.length).toBeLessThanOrEqual(60);
      // the vector is the one the server computed for exactly this chunk's text
      expect(x.embedding).toHaveLength(DIMENSIONS);
      fakeVector(x.chunk, DIMENSIONS).forEach((v, i) => expect(x.embedding[i]).toBeCloseTo(v, 6));
    }
    // the title line is its own chunk (lines are cut first); the body's chunks overlap: each starts with a word of the one before
    expect(one[0].chunk).toBe('Title one');
    for (let i = 2; i < one.length; i++) expect(one[i - 1].chunk.split(' ')).toContain(one[i].chunk.split(' ')[0]);
    // no word lost: the words of the text, in order, are the chunks' words without the overlaps
    const seen = one.flatMap((x) => x.chunk.split(/\s+/));
    expect([...new Set(seen)].join(' ')).toBe(`Title one ${long}`);
    expect(rows.filter((x) => x.id === '2')).toEqual([{ id: '2', chunk_index: 0, chunk: 'short body', embedding: expect.any(Array), author: 'bob' }]);
    // a row whose embed columns are all null has no chunks
    expect(rows.filter((x) => x.id === '3')).toEqual([]);
    expect(one.every((x) => x.author === 'ann')).toBe(true);
    const mine = fake.requests.slice(before);
    expect(mine.every((q) => q.inputs.length <= 4 && q.model === 'text-embedding-3-small' && q.dimensions === DIMENSIONS)).toBe(true);
    // the openai client asks for base64 unless told otherwise
    expect(mine.every((q) => q.encodingFormat === 'base64' && q.authorization === `Bearer ${API_KEY}`)).toBe(true);
    const summary = r.stderr.split('\n').find((l) => l.includes('chunks embedded'))!;
    expect(JSON.parse(summary)).toMatchObject({ chunksEmbedded: rows.length, chunksWritten: rows.length, apiCalls: mine.length, inputsSkipped: 0, rowsEmbedded: 2 });
    expect(JSON.parse(summary).tokens).toBe(mine.reduce((n, q) => n + q.inputs.reduce((m, t) => m + Math.max(1, Math.ceil(t.length / 4)), 0), 0));
    expect(r.stderr + r.stdout.join('\n')).not.toContain(API_KEY);
  });

  it('sends unchanged text never again (across runs), replaces a changed row\'s chunks without leaving stale ones, and follows metadata', async () => {
    await run('emb_hash', [article(1, 'T', words(40), 'ann'), article(2, 'U', 'stays the same', 'bob')]);
    const first = await chunks('emb_hash');
    const before = fake.requests.length;
    const again = await run('emb_hash', [article(1, 'T', words(40), 'ann'), article(2, 'U', 'stays the same', 'bob')]);
    expect(again.code).toBe(0);
    expect(fake.requests.length).toBe(before);
    expect(await chunks('emb_hash')).toEqual(first);
    expect(JSON.parse(again.stderr.split('\n').find((l) => l.includes('chunks embedded'))!)).toMatchObject({ apiCalls: 0, chunksEmbedded: 0, inputsSkipped: first.length, rowsUnchanged: 2 });

    // row 1 gets a shorter text, row 2 only a new author: one API input, no stale chunk of row 1
    const changed = await run('emb_hash', [article(1, 'T', 'now much shorter', 'ann'), article(2, 'U', 'stays the same', 'carol')]);
    expect(changed.code).toBe(0);
    expect(fake.inputs().slice(-1)).toEqual(['T\nnow much shorter']);
    expect(fake.requests.length).toBe(before + 1);
    expect((await chunks('emb_hash')).map((x) => [x.id, x.chunk_index, x.chunk, x.author])).toEqual([
      ['1', 0, 'T\nnow much shorter', 'ann'],
      ['2', 0, 'U\nstays the same', 'carol'],
    ]);
  });

  it('an edited document sends only its changed chunks: the others keep their stored vectors', async () => {
    const para = (n: number, tag: string) => words(8, `${tag}${n}-`);
    const doc = (edited: string) => [para(1, 'a'), para(2, 'b'), edited, para(4, 'd')].join('\n\n');
    await run('emb_edit', [article(1, null, doc(para(3, 'c')))], { text_splitter: { chunk_size: 50, chunk_overlap: 0 } });
    const first = await chunks('emb_edit');
    expect(first.map((x) => x.chunk)).toEqual([para(1, 'a'), para(2, 'b'), para(3, 'c'), para(4, 'd')]);
    const before = fake.requests.length;
    const r = await run('emb_edit', [article(1, null, doc(para(3, 'e')))], { text_splitter: { chunk_size: 50, chunk_overlap: 0 } });
    expect(r.code).toBe(0);
    expect(fake.requests.slice(before).flatMap((q) => q.inputs)).toEqual([para(3, 'e')]);
    const after = await chunks('emb_edit');
    expect(after.map((x) => x.chunk)).toEqual([para(1, 'a'), para(2, 'b'), para(3, 'e'), para(4, 'd')]);
    for (const i of [0, 1, 3]) expect(after[i].embedding).toEqual(first[i].embedding);
    fakeVector(para(3, 'e'), DIMENSIONS).forEach((v, i) => expect(after[2].embedding[i]).toBeCloseTo(v, 6));
    expect(JSON.parse(r.stderr.split('\n').find((l) => l.includes('chunks embedded'))!)).toMatchObject({ chunksEmbedded: 1, chunksWritten: 4, inputsSkipped: 3, apiCalls: 1 });
    // another model is another vector space: nothing is reused
    const mid = fake.requests.length;
    await runTarget({
      config: { ...db.config, default_target_schema: 'emb_edit', embeddings: embeddingsSettings(fake, { text_splitter: { chunk_size: 50, chunk_overlap: 0 } }, { model: 'other-model' }) },
      input: singer(articleSchema(), article(1, null, doc(para(3, 'e')))),
    });
    expect(fake.requests.slice(mid).flatMap((q) => q.inputs)).toHaveLength(4);
  });

  it('sends a chunk text shared by rows once; a changed splitter splits the text again', async () => {
    const before = fake.requests.length;
    await run('emb_dedupe', [article(1, null, 'same words here'), article(2, null, 'same words here'), article(3, null, 'other')]);
    expect(fake.requests.slice(before).flatMap((q) => q.inputs).sort()).toEqual(['other', 'same words here']);
    expect((await chunks('emb_dedupe')).map((x) => x.id)).toEqual(['1', '2', '3']);
    const hash = async () => (await db.query<{ h: string }>(`SELECT _sdc_content_hash AS h FROM emb_dedupe.articles_embeddings WHERE id = 1`))[0].h;
    const old = await hash();
    const mid = fake.requests.length;
    const r = await run('emb_dedupe', [article(1, null, 'same words here'), article(3, null, 'other but longer now')], { text_splitter: { chunk_size: 10, chunk_overlap: 0 } });
    expect(r.code).toBe(0);
    expect(fake.requests.slice(mid).flatMap((q) => q.inputs).sort()).toEqual(['here', 'longer', 'now', 'other but', 'same words']);
    expect(await hash()).not.toBe(old);
    expect((await chunks('emb_dedupe')).filter((x) => x.id === '1').map((x) => x.chunk)).toEqual(['same words', 'here']);
  });

  it('removes the chunks of rows deleted through _sdc_deleted_at with hard_delete', async () => {
    await run('emb_del', [article(1, 'a', 'first'), article(2, 'b', 'second'), article(3, 'c', 'third')], {}, { hard_delete: true });
    const r = await run('emb_del', [article(2, 'b', 'second', 'ann', 'articles', { _sdc_deleted_at: '2024-01-01T00:00:00Z' })], {}, { hard_delete: true });
    expect(r.code).toBe(0);
    expect([...new Set((await chunks('emb_del')).map((x) => x.id))]).toEqual(['1', '3']);
  });

  it('removes the chunks of rows an ACTIVATE_VERSION hard delete removes', async () => {
    const v = (n: number) => ({ version: n });
    await run('emb_av', [activateVersion('articles', 1), rec('articles', { id: 1, title: 'a', body: 'x', author: null }, v(1)), rec('articles', { id: 2, title: 'b', body: 'y', author: null }, v(1)), activateVersion('articles', 1)], {}, { hard_delete: true });
    expect((await chunks('emb_av')).map((x) => x.id)).toEqual(['1', '2']);
    const r = await run('emb_av', [activateVersion('articles', 2), rec('articles', { id: 2, title: 'b', body: 'y', author: null }, v(2)), activateVersion('articles', 2)], {}, { hard_delete: true });
    expect(r.code).toBe(0);
    expect((await db.query('SELECT id FROM emb_av.articles')).map((x) => x.id)).toEqual(['2']);
    expect((await chunks('emb_av')).map((x) => x.id)).toEqual(['2']);
  });

  it('removes the chunks of rows an overwrite cycle leaves out, and keeps unchanged rows\' chunks without an API call', async () => {
    const cfg = { load_method: 'overwrite' };
    await run('emb_ow', [article(1, 'a', 'one'), article(2, 'b', 'two'), article(3, 'c', 'three')], {}, cfg);
    const before = fake.requests.length;
    const r = await run('emb_ow', [article(1, 'a', 'one'), article(3, 'c', 'three, changed')], {}, cfg);
    expect(r.code).toBe(0);
    expect(fake.requests.slice(before).flatMap((q) => q.inputs)).toEqual(['c\nthree, changed']);
    expect((await chunks('emb_ow')).map((x) => [x.id, x.chunk])).toEqual([
      ['1', 'a\none'],
      ['3', 'c\nthree, changed'],
    ]);
  });

  it('embeds every batch of a stream loaded in many batches, and a changed schema adds a metadata column', async () => {
    const recs = Array.from({ length: 30 }, (_, i) => article(i + 1, `t${i}`, `body ${i}`));
    const r = await run('emb_many', recs, {}, { batch_size_rows: 7 });
    expect(r.code).toBe(0);
    expect((await chunks('emb_many')).length).toBe(30);
    const tag = { tables: [{ stream: 'articles', target_table: 'articles_embeddings', embed_columns: ['body'], metadata_columns: ['author', 'tag'] }] };
    const r2 = await runTarget({
      config: { ...db.config, default_target_schema: 'emb_many', embeddings: embeddingsSettings(fake, tag) },
      input: singer({ ...articleSchema(), schema: { type: 'object', properties: { ...articleSchema().schema.properties, tag: { type: ['string', 'null'] } } } }, rec('articles', { id: 1, title: 't0', body: 'body 0', author: 'z', tag: 'news' })),
    });
    expect(r2.code).toBe(0);
    expect(await db.query(`SELECT id, chunk, author, tag FROM emb_many.articles_embeddings WHERE id = 1`)).toEqual([{ id: '1', chunk: 'body 0', author: 'z', tag: 'news' }]);
  });

  it('a composite key of text and date-time, hostile names and text: keys keep their types, updates and deletes find their rows', async () => {
    const props = { 'Ten"ant': { type: 'string' }, at: { type: 'string', format: 'date-time' }, 'bo dy': { type: ['string', 'null'] } };
    const tables = [{ stream: 'docs', target_table: 'docs "emb"', embed_columns: ['bo dy'] }];
    const go = (...m: unknown[]) =>
      runTarget({ config: { ...db.config, default_target_schema: 'emb_ck', hard_delete: true, embeddings: embeddingsSettings(fake, { tables }) }, input: singer(schemaMsg('docs', props, ['Ten"ant', 'at']), ...m) });
    const doc = (tenant: string, at: string, body: string, extra: Record<string, unknown> = {}) => rec('docs', { 'Ten"ant': tenant, at, 'bo dy': body, ...extra });
    const hostile = `o'neil, "x"`;
    expect((await go(doc(hostile, '2024-01-01T10:00:00+02:00', 'first, "quoted"\nline'), doc('b', '2024-01-01T08:00:00Z', 'second'))).code).toBe(0);
    const table = `emb_ck."docs ""emb"""`;
    const rows = () => db.query<{ tenant: string; at: Date; chunk: string }>(`SELECT "Ten""ant" AS tenant, at, chunk FROM ${table} ORDER BY 1, 2, chunk_index`);
    expect(await db.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'at'`, [table])).toEqual([{ t: 'timestamp with time zone' }]);
    expect((await rows()).map((r) => [r.tenant, r.at.toISOString(), r.chunk])).toEqual([
      ['b', '2024-01-01T08:00:00.000Z', 'second'],
      [hostile, '2024-01-01T08:00:00.000Z', 'first, "quoted"\nline'],
    ]);
    // the same instant written with another offset is the same key
    const r = await go(doc(hostile, '2024-01-01T08:00:00Z', 'changed'), doc('b', '2024-01-01T08:00:00Z', 'second', { _sdc_deleted_at: '2024-02-01T00:00:00Z' }));
    expect(r.code).toBe(0);
    expect((await rows()).map((x) => [x.tenant, x.chunk])).toEqual([[hostile, 'changed']]);
  });

  it('a key column the stream widens (smallint to bigint) widens in the embeddings table too', async () => {
    const schema = (t: string) => ({ ...articleSchema(), schema: { type: 'object', properties: { ...articleSchema().schema.properties, id: { type: 'integer', ...(t === 'small' ? { minimum: 0, maximum: 1000 } : {}) } } } });
    const go = (s: unknown, ...m: unknown[]) => runTarget({ config: { ...db.config, default_target_schema: 'emb_widen', embeddings: embeddingsSettings(fake) }, input: singer(s, ...m) });
    expect((await go(schema('small'), article(1, 't', 'small key'))).code).toBe(0);
    const type = async (t: string) => (await db.query<{ t: string }>(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'id'`, [t]))[0].t;
    expect(await type('emb_widen.articles_embeddings')).toBe('smallint');
    // a wider schema widens the stream's key column
    const r = await go(schema('large'), article(2 ** 40, 't', 'large key'));
    expect(r.code).toBe(0);
    expect(await type('emb_widen.articles')).toBe('bigint');
    expect(r.stderr).toContain('follows the stream table');
    expect(await type('emb_widen.articles_embeddings')).toBe('bigint');
    expect((await chunks('emb_widen')).map((x) => [x.id, x.chunk])).toEqual([
      ['1', 't\nsmall key'],
      [String(2 ** 40), 't\nlarge key'],
    ]);
  });

  it('history: each key\'s current version is embedded; a new version replaces its chunks, a closed key loses them', async () => {
    const cfg = { load_method: 'history' };
    const r1 = await run('emb_hist', [article(1, 'a', 'version one'), article(2, 'b', 'stays'), article(1, 'a', 'version two')], {}, cfg);
    expect(r1.code).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM emb_hist.articles WHERE id = 1'))[0].n).toBe(2);
    expect((await chunks('emb_hist')).map((x) => [x.id, x.chunk])).toEqual([
      ['1', 'a\nversion two'],
      ['2', 'b\nstays'],
    ]);
    const before = fake.requests.length;
    const r2 = await run('emb_hist', [article(1, 'a', 'version three'), article(2, 'b', 'stays', 'ann', 'articles', { _sdc_deleted_at: '2024-05-01T00:00:00Z' })], {}, cfg);
    expect(r2.code).toBe(0);
    expect(fake.requests.slice(before).flatMap((q) => q.inputs)).toEqual(['a\nversion three']);
    expect((await chunks('emb_hist')).map((x) => [x.id, x.chunk])).toEqual([['1', 'a\nversion three']]);
  });
});
