import { columnList, qualified, quoteIdent, quoteLiteral } from './quote.js';

export interface ColumnDef {
  name: string;
  pgType: string;
}

export function buildCreateSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`;
}

export function buildCreateTableSql(schema: string, table: string, columns: ColumnDef[], keyColumns: string[]): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.pgType}${keyColumns.includes(c.name) ? ' NOT NULL' : ''}`);
  if (keyColumns.length) defs.push(`PRIMARY KEY (${columnList(keyColumns)})`);
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (${defs.join(', ')})`;
}

export function buildAddColumnSql(schema: string, table: string, column: ColumnDef): string {
  return `ALTER TABLE ${qualified(schema, table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${column.pgType}`;
}

/** Changes a column's type keeping its values; `using` converts the old value. */
export function buildAlterColumnTypeSql(schema: string, table: string, column: string, pgType: string, using: string): string {
  return `ALTER TABLE ${qualified(schema, table)} ALTER COLUMN ${quoteIdent(column)} TYPE ${pgType} USING ${using}`;
}

export function buildAddPrimaryKeySql(schema: string, table: string, keyColumns: string[]): string {
  return `ALTER TABLE ${qualified(schema, table)} ADD PRIMARY KEY (${columnList(keyColumns)})`;
}

export function buildCommentColumnSql(schema: string, table: string, column: string, comment: string): string {
  return `COMMENT ON COLUMN ${qualified(schema, table)}.${quoteIdent(column)} IS ${quoteLiteral(comment)}`;
}

/** Reads a table's columns with their formatted types and whether each is in the primary key. */
export const DESCRIBE_TABLE_SQL = `
SELECT a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       COALESCE(a.attnum = ANY (i.indkey), false) AS is_key,
       array_position(i.indkey::int2[], a.attnum) AS key_position,
       col_description(c.oid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

export const SCHEMA_EXISTS_SQL = 'SELECT 1 FROM pg_namespace WHERE nspname = $1';

export const TABLE_EXISTS_SQL = 'SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2';

/** The name of a table's primary key constraint ($1: the qualified table name). */
export const PRIMARY_KEY_NAME_SQL = `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`;

/** A table's comment ($1: the qualified table name). */
export const TABLE_COMMENT_SQL = `SELECT obj_description($1::regclass, 'pg_class') AS c`;

export function buildDropConstraintSql(schema: string, table: string, constraint: string): string {
  return `ALTER TABLE ${qualified(schema, table)} DROP CONSTRAINT ${quoteIdent(constraint)}`;
}

export function buildDropNotNullSql(schema: string, table: string, column: string): string {
  return `ALTER TABLE ${qualified(schema, table)} ALTER COLUMN ${quoteIdent(column)} DROP NOT NULL`;
}

export function buildCommentTableSql(schema: string, table: string, comment: string): string {
  return `COMMENT ON TABLE ${qualified(schema, table)} IS ${quoteLiteral(comment)}`;
}

/** How a widened column's old values become the new type. */
export type ColumnConversion = 'cast' | 'to_jsonb';

/** The USING expression of a column type change. */
export function usingExpression(column: string, pgType: string, conversion: ColumnConversion): string {
  return conversion === 'to_jsonb' ? `to_jsonb(${quoteIdent(column)})` : `${quoteIdent(column)}::${pgType}`;
}

export function buildSavepointSql(name: string): string {
  return `SAVEPOINT ${quoteIdent(name)}`;
}

export function buildReleaseSavepointSql(name: string): string {
  return `RELEASE SAVEPOINT ${quoteIdent(name)}`;
}

export function buildRollbackToSavepointSql(name: string): string {
  return `ROLLBACK TO SAVEPOINT ${quoteIdent(name)}`;
}

/** One column's type ($1: the qualified table name, $2: the column). */
export const COLUMN_TYPE_SQL = `SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attname = $2 AND NOT a.attisdropped`;
