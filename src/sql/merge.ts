import { columnList, qualified, quoteIdent } from './quote.js';

export const STAGING_TABLE = 'target_postgres_stage';

/** COPY into a table (the target for append-only, the staging table for merges). */
export function buildCopySql(target: string, columns: readonly string[]): string {
  return `COPY ${target} (${columnList(columns)}) FROM STDIN WITH (FORMAT csv)`;
}

/** A temporary staging table shaped like the target, dropped at commit. */
export function buildCreateStagingSql(schema: string, table: string, columns: readonly string[]): string {
  return `CREATE TEMP TABLE ${quoteIdent(STAGING_TABLE)} ON COMMIT DROP AS SELECT ${columnList(columns)} FROM ${qualified(schema, table)} WITH NO DATA`;
}

/**
 * Upsert the (already de-duplicated) staging rows into the target by key. With a sequence
 * column, a stored row newer than the incoming one is kept.
 */
export function buildUpsertSql(schema: string, table: string, columns: readonly string[], keyColumns: readonly string[], sequenceColumn?: string): string {
  const target = qualified(schema, table);
  const cols = columnList(columns);
  const updates = columns.filter((c) => !keyColumns.includes(c));
  const head = `INSERT INTO ${target} AS t (${cols}) SELECT ${cols} FROM ${quoteIdent(STAGING_TABLE)} ON CONFLICT (${columnList(keyColumns)})`;
  if (updates.length === 0) return `${head} DO NOTHING`;
  const set = updates.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ');
  const guard = sequenceColumn
    ? ` WHERE t.${quoteIdent(sequenceColumn)} IS NULL OR EXCLUDED.${quoteIdent(sequenceColumn)} IS NULL OR t.${quoteIdent(sequenceColumn)} <= EXCLUDED.${quoteIdent(sequenceColumn)}`
    : '';
  return `${head} DO UPDATE SET ${set}${guard}`;
}
