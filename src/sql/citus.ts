import { STAGING_TABLE } from './merge.js';
import { qualified, quoteIdent, quoteLiteral } from './quote.js';

/*
 * SQL of Citus (distributed PostgreSQL): the catalog lookups and the UDF calls that make a
 * table a Citus table. Table and column names go in as string literals, which Citus parses as
 * (quoted) qualified names and exact column names.
 */

/**
 * A table's row in pg_dist_partition, if it is a Citus table ($1: the qualified table name):
 * partmethod h (hash-distributed) or n (reference, single-shard or Citus local), repmodel t for
 * reference tables, colocationid 0 for Citus local tables, and the distribution column.
 */
export const TABLE_PLACEMENT_SQL = `
SELECT p.partmethod, p.repmodel, p.colocationid::int AS colocationid,
       CASE WHEN p.partkey IS NOT NULL THEN column_to_column_name(p.logicalrelid, p.partkey) END AS column,
       CASE WHEN p.partkey IS NOT NULL THEN (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
         WHERE a.attrelid = p.logicalrelid AND a.attname = column_to_column_name(p.logicalrelid, p.partkey)) END AS column_type
FROM pg_dist_partition p
WHERE p.logicalrelid = to_regclass($1)`;

/**
 * The oldest hash-distributed table (other than $3) whose distribution column has the name $1,
 * one of the type $2 first: a new table distributed on that column joins its co-location group
 * when the types are the same (Citus co-locates only equal types).
 */
export const COLOCATION_PEER_SQL = `
SELECT p.logicalrelid::regclass::text AS relation, a.atttypid = to_regtype($2) AS same_type, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_dist_partition p
JOIN pg_attribute a ON a.attrelid = p.logicalrelid AND a.attname = column_to_column_name(p.logicalrelid, p.partkey)
WHERE p.partmethod = 'h' AND a.attname = $1 AND p.logicalrelid IS DISTINCT FROM to_regclass($3)
ORDER BY a.atttypid = to_regtype($2) DESC, p.logicalrelid::oid
LIMIT 1`;

/**
 * Makes a (new, empty) table hash-distributed on `column`, or a single-shard distributed table
 * when `column` is null. `colocateWith`: a table (its qualified name as the server prints it),
 * or Citus's 'default' (the group of the column's type) or 'none' (a group of its own).
 */
export function buildCreateDistributedTableSql(schema: string, table: string, column: string | null, colocateWith: string): string {
  return `SELECT create_distributed_table(${quoteLiteral(qualified(schema, table))}, ${column === null ? 'NULL' : quoteLiteral(column)}, colocate_with => ${quoteLiteral(colocateWith)})`;
}

/** Makes a table a reference table: one shard, a copy on every node. */
export function buildCreateReferenceTableSql(schema: string, table: string): string {
  return `SELECT create_reference_table(${quoteLiteral(qualified(schema, table))})`;
}

/**
 * Hard delete (rows whose incoming record carries _sdc_deleted_at, by key) for a Citus reference
 * table, which Citus cannot join with the coordinator's staging table in DELETE ... USING
 * ("relation ... is not distributed"): the keys come from an uncorrelated subquery, which Citus
 * plans on its own. Same rows as buildDeleteMarkedSql, order guard included.
 */
export function buildDeleteMarkedByKeyListSql(schema: string, table: string, keyColumns: readonly string[], orderColumn?: string): string {
  const target = qualified(schema, table);
  const keys = (alias: string) => keyColumns.map((c) => `${alias}.${quoteIdent(c)}`).join(', ');
  const on = keyColumns.map((c) => `c.${quoteIdent(c)} = s.${quoteIdent(c)}`).join(' AND ');
  const o = orderColumn ? quoteIdent(orderColumn) : undefined;
  const source = o
    ? `SELECT ${keys('s')} FROM ${quoteIdent(STAGING_TABLE)} AS s JOIN ${target} AS c ON ${on} WHERE s."_sdc_deleted_at" IS NOT NULL AND (c.${o} IS NULL OR s.${o} IS NULL OR c.${o} <= s.${o})`
    : `SELECT ${keys('s')} FROM ${quoteIdent(STAGING_TABLE)} AS s WHERE s."_sdc_deleted_at" IS NOT NULL`;
  return `DELETE FROM ${target} AS t WHERE (${keys('t')}) IN (${source})`;
}
