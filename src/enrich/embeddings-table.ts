import type { PoolClient } from 'pg';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TableName } from '../schema/names.js';
import { shortHash, truncateUtf8 } from '../schema/names.js';
import { COLUMN_TYPE_SQL, buildAddColumnSql, buildAlterColumnTypeSql, buildCreateSchemaSql, usingExpression, type ColumnDef } from '../sql/ddl.js';
import { DDL_LOCK_SQL } from '../sql/dialect.js';
import {
  CREATE_VECTOR_EXTENSION_SQL,
  HALFVEC_INDEX_MAX_DIMENSIONS,
  VECTOR_AVAILABLE_SQL,
  VECTOR_SCHEMA_SQL,
  buildCreateEmbeddingsTableSql,
  buildEmbeddingsIndexSql,
  embeddingType,
  type KeyColumn,
} from '../sql/embeddings.js';
import { qualified } from '../sql/quote.js';
import { sqlStateOf } from '../load/db-errors.js';
import type { EmbeddingsSettings } from './embeddings-config.js';

/** Runs work in one transaction with the loader's retries. */
export type TransactionRunner = <T>(what: string, ctx: { stream: string; table: string }, work: (client: PoolClient) => Promise<T>) => Promise<T>;

/**
 * The vector extension's schema: installed already, or created now (CREATE EXTENSION IF NOT
 * EXISTS). When the server lacks pgvector or the user may not create it, a config error says
 * so and what to do.
 */
export async function ensureVectorExtension(tx: TransactionRunner, stream: string): Promise<string> {
  const ctx = { stream, table: '' };
  const found = await tx('find vector extension', ctx, (c) => c.query<{ schema: string }>(VECTOR_SCHEMA_SQL));
  if (found.rows.length) return found.rows[0].schema;
  try {
    return await tx('create vector extension', ctx, async (c) => {
      await c.query(DDL_LOCK_SQL);
      await c.query(CREATE_VECTOR_EXTENSION_SQL);
      return (await c.query<{ schema: string }>(VECTOR_SCHEMA_SQL)).rows[0].schema;
    });
  } catch (e) {
    const available = await tx('check vector extension', ctx, (c) => c.query(VECTOR_AVAILABLE_SQL)).then((r) => r.rows.length > 0, () => false);
    const fix = 'or set embeddings.column_type to "real[]" to store plain float4 arrays without pgvector';
    if (!available) throw new ConfigError(`embeddings for stream "${stream}": the PostgreSQL server has no pgvector extension (CREATE EXTENSION vector failed: ${firstLine(e)}); install pgvector on the server, ${fix}`);
    if (sqlStateOf(e) === '42501') throw new ConfigError(`embeddings for stream "${stream}": not allowed to create the vector extension (${firstLine(e)}); have a superuser run CREATE EXTENSION vector in this database, ${fix}`);
    throw e;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** The embeddings table's index name: `<table>_embedding_idx`, shortened with a hash past 63 bytes. */
export function indexNameFor(table: string): string {
  const name = `${table}_embedding_idx`;
  return Buffer.byteLength(name) <= 63 ? name : `${truncateUtf8(table, 63 - 24)}_${shortHash(table)}_embedding_idx`;
}

/**
 * Creates the embeddings table (and its index) when missing, adds missing metadata columns,
 * and refuses a table whose embedding column has another type than the config asks for.
 */
export async function ensureEmbeddingsTable(
  tx: TransactionRunner,
  log: Logger,
  s: EmbeddingsSettings,
  stream: string,
  target: TableName,
  keys: readonly KeyColumn[],
  metadata: readonly ColumnDef[],
  vectorSchema: string | undefined,
): Promise<void> {
  const want = embeddingType(s.columnType, s.dimensions, vectorSchema);
  const label = `${target.schema}.${target.table}`;
  await tx('sync embeddings table', { stream, table: label }, async (c) => {
    await c.query(DDL_LOCK_SQL);
    await c.query(buildCreateSchemaSql(target.schema));
    await c.query(buildCreateEmbeddingsTableSql(target.schema, target.table, keys, metadata, want));
    for (const m of metadata) await c.query(buildAddColumnSql(target.schema, target.table, m));
    // the stream's columns may have widened since (integer to bigint, a scalar to text or jsonb): follow them
    for (const col of [...keys, ...metadata]) {
      const type = (await c.query<{ type: string }>(COLUMN_TYPE_SQL, [qualified(target.schema, target.table), col.name])).rows[0]?.type;
      if (type !== undefined && type !== col.pgType) {
        await c.query(buildAlterColumnTypeSql(target.schema, target.table, col.name, col.pgType, usingExpression(col.name, col.pgType, col.pgType === 'jsonb' ? 'to_jsonb' : 'cast')));
        log.info({ stream, table: label, column: col.name, from: type, to: col.pgType }, 'embeddings table column follows the stream table\'s type');
      }
    }
    const actual = (await c.query<{ type: string }>(COLUMN_TYPE_SQL, [qualified(target.schema, target.table), 'embedding'])).rows[0]?.type;
    const expected = s.columnType === 'real[]' ? 'real[]' : `vector(${s.dimensions})`;
    if (actual?.replace(/^.*\./, '') !== expected) {
      throw new ConfigError(
        `embeddings for stream "${stream}": table ${label} has an embedding column of type ${actual ?? 'none'}, but the config asks for ${expected} (dimensions ${s.dimensions}, column_type ${s.columnType}); drop the table to have it rebuilt from the rows loaded from now on, or set dimensions and column_type back`,
      );
    }
    if (s.columnType === 'real[]' || s.index === 'none') return;
    const sql = buildEmbeddingsIndexSql(target.schema, target.table, indexNameFor(target.table), s.index, s.dimensions, vectorSchema!);
    if (sql === undefined) {
      log.warn({ stream, table: label, dimensions: s.dimensions }, `no similarity index on ${label}: pgvector indexes at most ${HALFVEC_INDEX_MAX_DIMENSIONS} dimensions (as halfvec); queries scan the table`);
      return;
    }
    await c.query(sql);
  });
  if (s.columnType === 'real[]') log.info({ stream, table: label }, 'embeddings stored as real[]: no similarity index (pgvector indexes only its own types)');
}
