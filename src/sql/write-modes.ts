import { qualified, quoteIdent } from './quote.js';
import { STAGING_TABLE } from './merge.js';

/*
 * load_method update and delete (Laminar's write modes): the batch, one row per key, sits in
 * the staging table; these statements meet it with the target by key and never insert.
 */

const sameKey = (keyColumns: readonly string[]) => keyColumns.map((c) => `t.${quoteIdent(c)} = s.${quoteIdent(c)}`).join(' AND ');

/** The stored row is not newer than the incoming record (by the order column), or either has no order value. */
function notNewer(orderColumn: string | undefined): string {
  if (!orderColumn) return '';
  const o = quoteIdent(orderColumn);
  return ` AND (t.${o} IS NULL OR s.${o} IS NULL OR t.${o} <= s.${o})`;
}

/**
 * update: rows that exist by key take the record's values; keys without a row are ignored. An
 * older record (by the order column) never overwrites a newer row. With `skipDeleted`, records
 * carrying _sdc_deleted_at update nothing (hard_delete deletes their rows instead). Undefined
 * when the batch has no column besides the key (nothing to set).
 */
export function buildUpdateByKeySql(schema: string, table: string, columns: readonly string[], keyColumns: readonly string[], orderColumn?: string, skipDeleted = false): string | undefined {
  const updates = columns.filter((c) => !keyColumns.includes(c));
  if (updates.length === 0) return undefined;
  const set = updates.map((c) => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ');
  const live = skipDeleted ? ' AND s."_sdc_deleted_at" IS NULL' : '';
  return `UPDATE ${qualified(schema, table)} AS t SET ${set} FROM ${quoteIdent(STAGING_TABLE)} AS s WHERE ${sameKey(keyColumns)}${live}${notNewer(orderColumn)}`;
}

/**
 * delete: the rows whose keys arrive are deleted. A stored row newer than the delete record
 * (by the order column) is kept, as a hard delete of upsert keeps it.
 */
export function buildDeleteByKeySql(schema: string, table: string, keyColumns: readonly string[], orderColumn?: string): string {
  return `DELETE FROM ${qualified(schema, table)} AS t USING ${quoteIdent(STAGING_TABLE)} AS s WHERE ${sameKey(keyColumns)}${notNewer(orderColumn)}`;
}
