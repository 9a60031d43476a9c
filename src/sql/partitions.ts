import { fitIdentifier, shortHash } from '../schema/names.js';
import type { PartitionInterval, PartitionStrategy } from '../stream/partition-plan.js';
import { buildCreateTableSql, type ColumnDef } from './ddl.js';
import { STAGING_TABLE } from './merge.js';
import { columnList, qualified, quoteIdent, quoteLiteral } from './quote.js';

/** One partition's bounds: a calendar range [from, to), one list value (null for NULL), a hash remainder, or the default. */
export type PartitionBound =
  | { kind: 'range'; from: string; to: string }
  | { kind: 'list'; value: string | null }
  | { kind: 'hash'; modulus: number; remainder: number }
  | { kind: 'default' };

/** A list value that can stand in a partition name as it is. */
const PLAIN_VALUE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/**
 * The stable name of a partition: `<table>__<suffix>`, shortened to 63 bytes with a hash. The
 * suffix is the range start (20240131 by day and week, 202401 by month, 2024 by year), the list
 * value when it is plain text (else _v and its hash), _null, _h<remainder> or _default;
 * generated suffixes start with "_" so they never meet a list value.
 */
export function partitionName(table: string, bound: PartitionBound, interval?: PartitionInterval): string {
  return fitIdentifier(`${table}__${partitionSuffix(bound, interval)}`);
}

export function partitionSuffix(bound: PartitionBound, interval?: PartitionInterval): string {
  switch (bound.kind) {
    case 'range': {
      const digits = bound.from.replace(/[^0-9]/g, '');
      return interval === 'year' ? digits.slice(0, 4) : interval === 'month' ? digits.slice(0, 6) : digits.slice(0, 8);
    }
    case 'list':
      return bound.value === null ? '_null' : PLAIN_VALUE.test(bound.value) ? bound.value : `_v${shortHash(bound.value)}`;
    case 'hash':
      return `_h${bound.remainder}`;
    case 'default':
      return '_default';
  }
}

/** The PARTITION BY clause's key: `RANGE ("at")`. */
export function buildPartitionKeySql(strategy: PartitionStrategy, column: string): string {
  return `${strategy.toUpperCase()} (${quoteIdent(column)})`;
}

/** A new partitioned table (the primary key, if any, contains the partition column: planning saw to that). */
export function buildCreatePartitionedTableSql(schema: string, table: string, columns: ColumnDef[], keyColumns: string[], strategy: PartitionStrategy, column: string): string {
  return `${buildCreateTableSql(schema, table, columns, keyColumns)} PARTITION BY ${buildPartitionKeySql(strategy, column)}`;
}

export function buildBoundSql(bound: PartitionBound): string {
  switch (bound.kind) {
    case 'range':
      return `FOR VALUES FROM (${quoteLiteral(bound.from)}) TO (${quoteLiteral(bound.to)})`;
    case 'list':
      return `FOR VALUES IN (${bound.value === null ? 'NULL' : quoteLiteral(bound.value)})`;
    case 'hash':
      return `FOR VALUES WITH (MODULUS ${Math.trunc(bound.modulus)}, REMAINDER ${Math.trunc(bound.remainder)})`;
    case 'default':
      return 'DEFAULT';
  }
}

/** A partition of `parent`; `boundSql` from buildBoundSql, or a bound as the server printed it (pg_get_expr). */
export function buildCreatePartitionSql(schema: string, parent: string, name: string, boundSql: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, name)} PARTITION OF ${qualified(schema, parent)} ${boundSql}`;
}

const INTERVAL_SQL: Record<PartitionInterval, string> = { day: "interval '1 day'", week: "interval '1 week'", month: "interval '1 month'", year: "interval '1 year'" };

/**
 * The partitions a staged batch needs: one row per distinct bound. range: `lo`/`hi` as dates
 * (the transaction runs in UTC), null for a null value; list: `v`, the value as text.
 */
export function buildBatchBoundsSql(column: string, strategy: PartitionStrategy, interval?: PartitionInterval): string {
  const c = quoteIdent(column);
  if (strategy === 'range') {
    const start = `date_trunc(${quoteLiteral(interval ?? 'day')}, ${c})`;
    return `SELECT DISTINCT to_char(${start}, 'YYYY-MM-DD') AS lo, to_char(${start} + ${INTERVAL_SQL[interval ?? 'day']}, 'YYYY-MM-DD') AS hi FROM ${quoteIdent(STAGING_TABLE)}`;
  }
  return `SELECT DISTINCT ${c}::text AS v FROM ${quoteIdent(STAGING_TABLE)}`;
}

/** The rows a bound takes (to move them out of the default partition). */
export function buildBoundConditionSql(column: string, bound: PartitionBound): string {
  const c = quoteIdent(column);
  if (bound.kind === 'range') return `${c} >= ${quoteLiteral(bound.from)} AND ${c} < ${quoteLiteral(bound.to)}`;
  if (bound.kind === 'list') return bound.value === null ? `${c} IS NULL` : `${c} = ${quoteLiteral(bound.value)}`;
  throw new Error(`internal: no row condition for a ${bound.kind} partition`);
}

export function buildHasRowsSql(schema: string, table: string, condition: string): string {
  return `SELECT EXISTS (SELECT 1 FROM ${qualified(schema, table)} WHERE ${condition}) AS has`;
}

/**
 * A new partition for rows that sit in the default partition: created detached, the rows moved
 * into it, then attached (CREATE ... PARTITION OF would fail on the default's rows).
 */
export function buildMovePartitionSql(schema: string, parent: string, name: string, defaultPartition: string, columns: readonly string[], bound: PartitionBound, column: string): string[] {
  const cols = columnList(columns);
  return [
    `CREATE TABLE ${qualified(schema, name)} (LIKE ${qualified(schema, parent)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    `WITH moved AS (DELETE FROM ${qualified(schema, defaultPartition)} WHERE ${buildBoundConditionSql(column, bound)} RETURNING ${cols}) INSERT INTO ${qualified(schema, name)} (${cols}) SELECT ${cols} FROM moved`,
    `ALTER TABLE ${qualified(schema, parent)} ATTACH PARTITION ${qualified(schema, name)} ${buildBoundSql(bound)}`,
  ];
}

/** append-only into a partitioned table: the staged rows (partitions made) go in with one INSERT. */
export function buildInsertFromStagingSql(schema: string, table: string, columns: readonly string[]): string {
  return `INSERT INTO ${qualified(schema, table)} (${columnList(columns)}) SELECT ${columnList(columns)} FROM ${quoteIdent(STAGING_TABLE)}`;
}

/**
 * Upsert into a partitioned table, where RETURNING cannot read xmax: the staged rows whose key
 * has no row yet (they will be inserted; the rest update or are kept by the order guard).
 * Run before the upsert, in its transaction.
 */
export function buildCountNewKeysSql(schema: string, table: string, keyColumns: readonly string[], skipDeleted: boolean): string {
  const on = keyColumns.map((c) => `t.${quoteIdent(c)} = s.${quoteIdent(c)}`).join(' AND ');
  const live = skipDeleted ? ' AND s."_sdc_deleted_at" IS NULL' : '';
  return `SELECT count(*)::int AS n FROM ${quoteIdent(STAGING_TABLE)} AS s WHERE NOT EXISTS (SELECT 1 FROM ${qualified(schema, table)} AS t WHERE ${on})${live}`;
}

/** A table's partitions with their bounds as the server prints them ($1: the qualified table). */
export const PARTITIONS_SQL = `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY c.relname COLLATE "C"`;

/** A table's kind (p: partitioned) and partition key ($1 schema, $2 table). */
export const TABLE_PARTITIONING_SQL = `SELECT c.relkind::text AS relkind, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS key FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`;

/** A table's columns in order ($1: the qualified table). */
export const TABLE_COLUMNS_SQL = `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`;

/** The fresh table of an overwrite of a partitioned table: `(LIKE live INCLUDING ALL) PARTITION BY <key>`, the key as pg_get_partkeydef printed it. */
export function buildCreateLikePartitionedSql(schema: string, fresh: string, live: string, serverKeyDef: string): string {
  if (/[;]|--|\/\*/.test(serverKeyDef.replace(/"(?:[^"]|"")*"/g, ''))) throw new Error(`internal: unexpected partition key ${serverKeyDef}`);
  return `CREATE TABLE ${qualified(schema, fresh)} (LIKE ${qualified(schema, live)} INCLUDING ALL) PARTITION BY ${serverKeyDef}`;
}
