import { buildCreateTableSql, type ColumnDef } from './ddl.js';
import { qualified, quoteIdent } from './quote.js';

/**
 * SQL of the embeddings tables (enrich/): pure builders. Key values travel as text arrays and
 * are cast to the key column's type, so lookups use the primary keys of both tables.
 */

/** A stream's key column with its actual type (format_type text from the catalog). */
export interface KeyColumn {
  name: string;
  pgType: string;
}

/**
 * Run first in each chunk transaction: the planner cannot know how many keys an unnest holds,
 * its estimate passes jit_above_cost and compiling costs far more (~0.3 s) than the index
 * lookups the statements make.
 */
export const NO_JIT_SQL = 'SET LOCAL jit = off';

export const CREATE_VECTOR_EXTENSION_SQL = 'CREATE EXTENSION IF NOT EXISTS vector';

/** The schema the vector extension lives in, if it is installed in the database. */
export const VECTOR_SCHEMA_SQL = `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`;

/** Whether the server could install the vector extension (its files are there). */
export const VECTOR_AVAILABLE_SQL = `SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`;

/** pgvector indexes vector up to this many dimensions, halfvec up to HALFVEC_INDEX_MAX_DIMENSIONS. */
export const VECTOR_INDEX_MAX_DIMENSIONS = 2000;
export const HALFVEC_INDEX_MAX_DIMENSIONS = 4000;

/** The embedding column's type: vector(n) of the extension's schema, or real[]. */
export function embeddingType(columnType: 'vector' | 'real[]', dimensions: number, vectorSchema?: string): string {
  return columnType === 'real[]' ? 'real[]' : `${quoteIdent(vectorSchema ?? 'public')}.vector(${dimensions})`;
}

export function buildCreateEmbeddingsTableSql(schema: string, table: string, keys: readonly KeyColumn[], metadata: readonly ColumnDef[], embedding: string): string {
  const columns: ColumnDef[] = [
    ...keys,
    { name: 'chunk_index', pgType: 'integer' },
    { name: 'chunk', pgType: 'text' },
    { name: 'embedding', pgType: embedding },
    { name: '_sdc_content_hash', pgType: 'text' },
    ...metadata,
  ];
  return buildCreateTableSql(schema, table, columns, [...keys.map((k) => k.name), 'chunk_index']);
}

export type IndexMethod = 'hnsw' | 'ivfflat';

/**
 * The similarity index (cosine distance): on the column up to 2,000 dimensions, on a halfvec
 * expression up to 4,000; undefined above (pgvector indexes nothing longer).
 */
export function buildEmbeddingsIndexSql(schema: string, table: string, indexName: string, method: IndexMethod, dimensions: number, vectorSchema: string): string | undefined {
  const ns = quoteIdent(vectorSchema);
  let target: string;
  if (dimensions <= VECTOR_INDEX_MAX_DIMENSIONS) target = `${quoteIdent('embedding')} ${ns}.vector_cosine_ops`;
  else if (dimensions <= HALFVEC_INDEX_MAX_DIMENSIONS) target = `(${quoteIdent('embedding')}::${ns}.halfvec(${dimensions})) ${ns}.halfvec_cosine_ops`;
  else return undefined;
  return `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName)} ON ${qualified(schema, table)} USING ${method} (${target})`;
}

/** `unnest($1::text[], …) AS b(k0, …, extra…)`: the batch's keys (and more arrays) as rows. */
function unnestKeys(keys: readonly KeyColumn[], extra: ReadonlyArray<[string, string]> = [], ordinality = false): string {
  const arrays = [...keys.map(() => 'text[]'), ...extra.map(([, t]) => t)].map((t, i) => `$${i + 1}::${t}`);
  const names = [...keys.map((_, i) => `k${i}`), ...extra.map(([n]) => n), ...(ordinality ? ['ord'] : [])];
  return `unnest(${arrays.join(', ')})${ordinality ? ' WITH ORDINALITY' : ''} AS b(${names.join(', ')})`;
}

/** `alias.key = CAST(b.k0 AS type) AND …` */
function keyMatch(alias: string, keys: readonly KeyColumn[]): string {
  return keys.map((k, i) => `${alias}.${quoteIdent(k.name)} = CAST(b.k${i} AS ${k.pgType})`).join(' AND ');
}

/**
 * The stream's table and which of its rows count: all, or (history) only those whose
 * `current` column is true: one per key.
 */
export interface SourceTable {
  schema: string;
  table: string;
  current?: string;
}

/** ` AND t."current"` for a history table. */
function currentOnly(source: SourceTable, alias = 't'): string {
  return source.current ? ` AND ${alias}.${quoteIdent(source.current)}` : '';
}

/**
 * Per batch key, in order: whether the row exists, its embed columns as text, and the content
 * hash and chunk count stored for it.
 */
export function buildReadRowsSql(source: SourceTable, target: { schema: string; table: string }, keys: readonly KeyColumn[], embedColumns: readonly string[]): string {
  const texts = embedColumns.map((c, i) => `t.${quoteIdent(c)}::text AS e${i}`);
  return [
    `SELECT b.ord, t.${quoteIdent(keys[0].name)} IS NOT NULL AS present${texts.length ? ', ' + texts.join(', ') : ''}, h.hash, h.chunks`,
    `FROM ${unnestKeys(keys, [], true)}`,
    `LEFT JOIN ${qualified(source.schema, source.table)} t ON ${keyMatch('t', keys)}${currentOnly(source)}`,
    `LEFT JOIN LATERAL (SELECT max(e.${quoteIdent('_sdc_content_hash')}) AS hash, count(*)::int AS chunks FROM ${qualified(target.schema, target.table)} e WHERE ${keyMatch('e', keys)}) h ON true`,
    'ORDER BY b.ord',
  ].join(' ');
}

/** Deletes every chunk of the given keys. */
export function buildDeleteChunksSql(target: { schema: string; table: string }, keys: readonly KeyColumn[]): string {
  return `DELETE FROM ${qualified(target.schema, target.table)} e USING ${unnestKeys(keys)} WHERE ${keyMatch('e', keys)}`;
}

/**
 * Inserts chunks (keys, chunk_index, chunk, embedding text, hash per element) with the
 * metadata columns of their row, read from the stream's table; a row gone meanwhile gets none.
 */
export function buildInsertChunksSql(
  source: SourceTable,
  target: { schema: string; table: string },
  keys: readonly KeyColumn[],
  metadata: readonly string[],
  embedding: string,
): string {
  const cols = [...keys.map((k) => k.name), 'chunk_index', 'chunk', 'embedding', '_sdc_content_hash', ...metadata];
  const values = [
    ...keys.map((k) => `t.${quoteIdent(k.name)}`),
    'b.chunk_index',
    'b.chunk',
    `CAST(b.embedding AS ${embedding})`,
    'b.content_hash',
    ...metadata.map((m) => `t.${quoteIdent(m)}`),
  ];
  const extra: Array<[string, string]> = [
    ['chunk_index', 'integer[]'],
    ['chunk', 'text[]'],
    ['embedding', 'text[]'],
    ['content_hash', 'text[]'],
  ];
  return [
    `INSERT INTO ${qualified(target.schema, target.table)} (${cols.map(quoteIdent).join(', ')})`,
    `SELECT ${values.join(', ')} FROM ${unnestKeys(keys, extra)}`,
    `JOIN ${qualified(source.schema, source.table)} t ON ${keyMatch('t', keys)}${currentOnly(source)}`,
  ].join(' ');
}

/** Brings the metadata columns of the given keys' chunks in line with their rows (writing only those that differ). */
export function buildUpdateMetadataSql(source: SourceTable, target: { schema: string; table: string }, keys: readonly KeyColumn[], metadata: readonly string[]): string | undefined {
  if (metadata.length === 0) return undefined;
  const set = metadata.map((m) => `${quoteIdent(m)} = t.${quoteIdent(m)}`).join(', ');
  const joinKeys = keys.map((k) => `e.${quoteIdent(k.name)} = t.${quoteIdent(k.name)}`).join(' AND ');
  const differs = `ROW(${metadata.map((m) => `e.${quoteIdent(m)}`).join(', ')}) IS DISTINCT FROM ROW(${metadata.map((m) => `t.${quoteIdent(m)}`).join(', ')})`;
  return [
    `UPDATE ${qualified(target.schema, target.table)} e SET ${set}`,
    `FROM ${unnestKeys(keys)} JOIN ${qualified(source.schema, source.table)} t ON ${keyMatch('t', keys)}${currentOnly(source)}`,
    `WHERE ${joinKeys} AND ${differs}`,
  ].join(' ');
}

/**
 * The stored chunks of the given keys made in one vector space (their hash starts with the
 * parameter after the key arrays, then ':'): text and vector as text, to reuse unchanged chunks.
 */
export function buildReadStoredChunksSql(target: { schema: string; table: string }, keys: readonly KeyColumn[]): string {
  return `SELECT e.${quoteIdent('chunk')} AS chunk, e.${quoteIdent('embedding')}::text AS embedding FROM ${qualified(target.schema, target.table)} e, ${unnestKeys(keys)} WHERE ${keyMatch('e', keys)} AND starts_with(e.${quoteIdent('_sdc_content_hash')}, $${keys.length + 1} || ':')`;
}

/** Deletes the chunks whose row is no longer in the stream's table (after ACTIVATE_VERSION or an overwrite swap). */
export function buildDeleteOrphanChunksSql(source: SourceTable, target: { schema: string; table: string }, keys: readonly KeyColumn[]): string {
  const match = keys.map((k) => `t.${quoteIdent(k.name)} = e.${quoteIdent(k.name)}`).join(' AND ') + currentOnly(source);
  return `DELETE FROM ${qualified(target.schema, target.table)} e WHERE NOT EXISTS (SELECT 1 FROM ${qualified(source.schema, source.table)} t WHERE ${match})`;
}

/** A vector as pgvector's text input ('[1,2]') or as a real[] literal ('{1,2}'). */
export function vectorLiteral(values: ArrayLike<number>, columnType: 'vector' | 'real[]'): string {
  let out = columnType === 'vector' ? '[' : '{';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + String(values[i]);
  return out + (columnType === 'vector' ? ']' : '}');
}
