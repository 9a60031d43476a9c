import { describe, expect, it } from 'vitest';
import {
  buildCreateEmbeddingsTableSql,
  buildDeleteChunksSql,
  buildDeleteOrphanChunksSql,
  buildEmbeddingsIndexSql,
  buildInsertChunksSql,
  buildReadRowsSql,
  buildReadStoredChunksSql,
  buildUpdateMetadataSql,
  embeddingType,
  vectorLiteral,
} from '../../src/sql/embeddings.js';
import { indexNameFor } from '../../src/enrich/embeddings-table.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

const src = { schema: 's', table: 'articles' };
const emb = { schema: 's', table: 'articles_emb' };
const keys = [{ name: 'id', pgType: 'bigint' }];
const two = [
  { name: 'tenant', pgType: 'text' },
  { name: 'id', pgType: 'bigint' },
];

describe('embeddings table DDL', () => {
  it('creates keys, chunk columns and metadata, keyed by (keys, chunk_index)', () => {
    expect(buildCreateEmbeddingsTableSql('s', 'e', two, [{ name: 'author', pgType: 'text' }], embeddingType('vector', 1536, 'public'))).toBe(
      'CREATE TABLE IF NOT EXISTS "s"."e" ("tenant" text NOT NULL, "id" bigint NOT NULL, "chunk_index" integer NOT NULL, "chunk" text, "embedding" "public".vector(1536), "_sdc_content_hash" text, "author" text, PRIMARY KEY ("tenant", "id", "chunk_index"))',
    );
    expect(embeddingType('real[]', 8)).toBe('real[]');
    expect(embeddingType('vector', 8, 'ext')).toBe('"ext".vector(8)');
  });

  it('indexes with cosine distance: the column up to 2,000 dimensions, a halfvec expression up to 4,000, nothing above', () => {
    expect(buildEmbeddingsIndexSql('s', 'e', 'e_embedding_idx', 'hnsw', 1536, 'public')).toBe('CREATE INDEX IF NOT EXISTS "e_embedding_idx" ON "s"."e" USING hnsw ("embedding" "public".vector_cosine_ops)');
    expect(buildEmbeddingsIndexSql('s', 'e', 'i', 'ivfflat', 2000, 'public')).toBe('CREATE INDEX IF NOT EXISTS "i" ON "s"."e" USING ivfflat ("embedding" "public".vector_cosine_ops)');
    expect(buildEmbeddingsIndexSql('s', 'e', 'i', 'hnsw', 3072, 'public')).toBe('CREATE INDEX IF NOT EXISTS "i" ON "s"."e" USING hnsw (("embedding"::"public".halfvec(3072)) "public".halfvec_cosine_ops)');
    expect(buildEmbeddingsIndexSql('s', 'e', 'i', 'hnsw', 4001, 'public')).toBeUndefined();
  });

  it('names the index within 63 bytes', () => {
    expect(indexNameFor('docs')).toBe('docs_embedding_idx');
    const long = indexNameFor('x'.repeat(60));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(indexNameFor('x'.repeat(60) + 'a')).not.toBe(indexNameFor('x'.repeat(60) + 'b'));
  });
});

describe('chunk statements', () => {
  it('reads rows and their stored hash by key, casting key text to the key type', () => {
    expect(buildReadRowsSql(src, emb, two, ['title', 'body'])).toBe(
      'SELECT b.ord, t."tenant" IS NOT NULL AS present, t."title"::text AS e0, t."body"::text AS e1, h.hash, h.chunks FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS b(k0, k1, ord) LEFT JOIN "s"."articles" t ON t."tenant" = CAST(b.k0 AS text) AND t."id" = CAST(b.k1 AS bigint) LEFT JOIN LATERAL (SELECT max(e."_sdc_content_hash") AS hash, count(*)::int AS chunks FROM "s"."articles_emb" e WHERE e."tenant" = CAST(b.k0 AS text) AND e."id" = CAST(b.k1 AS bigint)) h ON true ORDER BY b.ord',
    );
  });

  it('deletes a batch of keys, inserts chunks with their row\'s metadata, updates only differing metadata', () => {
    expect(buildDeleteChunksSql(emb, keys)).toBe('DELETE FROM "s"."articles_emb" e USING unnest($1::text[]) AS b(k0) WHERE e."id" = CAST(b.k0 AS bigint)');
    expect(buildInsertChunksSql(src, emb, keys, ['author'], 'real[]')).toBe(
      'INSERT INTO "s"."articles_emb" ("id", "chunk_index", "chunk", "embedding", "_sdc_content_hash", "author") SELECT t."id", b.chunk_index, b.chunk, CAST(b.embedding AS real[]), b.content_hash, t."author" FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[]) AS b(k0, chunk_index, chunk, embedding, content_hash) JOIN "s"."articles" t ON t."id" = CAST(b.k0 AS bigint)',
    );
    expect(buildUpdateMetadataSql(src, emb, keys, [])).toBeUndefined();
    expect(buildUpdateMetadataSql(src, emb, keys, ['author', 'tag'])).toBe(
      'UPDATE "s"."articles_emb" e SET "author" = t."author", "tag" = t."tag" FROM unnest($1::text[]) AS b(k0) JOIN "s"."articles" t ON t."id" = CAST(b.k0 AS bigint) WHERE e."id" = t."id" AND ROW(e."author", e."tag") IS DISTINCT FROM ROW(t."author", t."tag")',
    );
    expect(buildReadStoredChunksSql(emb, two)).toBe(
      'SELECT e."chunk" AS chunk, e."embedding"::text AS embedding FROM "s"."articles_emb" e, unnest($1::text[], $2::text[]) AS b(k0, k1) WHERE e."tenant" = CAST(b.k0 AS text) AND e."id" = CAST(b.k1 AS bigint) AND starts_with(e."_sdc_content_hash", $3 || \':\')',
    );
    // history: only each key's current version counts
    const hist = { ...src, current: '_sdc_is_current' };
    expect(buildReadRowsSql(hist, emb, keys, ['body'])).toContain('LEFT JOIN "s"."articles" t ON t."id" = CAST(b.k0 AS bigint) AND t."_sdc_is_current" LEFT JOIN LATERAL');
    expect(buildInsertChunksSql(hist, emb, keys, [], 'real[]')).toMatch(/JOIN "s"."articles" t ON t."id" = CAST\(b.k0 AS bigint\) AND t."_sdc_is_current"$/);
    expect(buildUpdateMetadataSql(hist, emb, keys, ['author'])).toContain('t."id" = CAST(b.k0 AS bigint) AND t."_sdc_is_current" WHERE');
    expect(buildDeleteOrphanChunksSql(hist, emb, keys)).toBe('DELETE FROM "s"."articles_emb" e WHERE NOT EXISTS (SELECT 1 FROM "s"."articles" t WHERE t."id" = e."id" AND t."_sdc_is_current")');
    expect(buildDeleteOrphanChunksSql(src, emb, two)).toBe('DELETE FROM "s"."articles_emb" e WHERE NOT EXISTS (SELECT 1 FROM "s"."articles" t WHERE t."tenant" = e."tenant" AND t."id" = e."id")');
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    const k = [{ name, pgType: 'text' }];
    const t = { schema: name, table: name };
    for (const sql of [
      buildCreateEmbeddingsTableSql(name, name, k, [{ name: `${name}m`, pgType: 'text' }], 'real[]'),
      buildEmbeddingsIndexSql(name, name, name, 'hnsw', 8, name)!,
      buildReadRowsSql(t, t, k, [name]),
      buildDeleteChunksSql(t, k),
      buildInsertChunksSql(t, t, k, [`${name}m`], 'real[]'),
      buildUpdateMetadataSql(t, t, k, [`${name}m`])!,
      buildDeleteOrphanChunksSql(t, t, k),
      buildReadStoredChunksSql(t, k),
    ]) {
      const pieces = lexSql(sql);
      expect(pieces.identifiers).toContain(name);
      expect(hasNoInjection(pieces.skeleton)).toBe(true);
    }
  });
});

describe('vectorLiteral', () => {
  it('writes pgvector text input or a real[] literal', () => {
    expect(vectorLiteral(new Float32Array([0.5, -1, 0.25]), 'vector')).toBe('[0.5,-1,0.25]');
    expect(vectorLiteral([1e-7, 2], 'real[]')).toBe('{1e-7,2}');
  });
});
