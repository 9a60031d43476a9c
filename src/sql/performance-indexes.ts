import { fitIdentifier } from '../schema/names.js';
import { qualified, quoteIdent } from './quote.js';

/** An index on the _sdc_ columns ACTIVATE_VERSION filters on (create_performance_indexes). */
export interface PerformanceIndex {
  name: string;
  column: string;
  /** Partial index predicate, as SQL on quoted columns. */
  where?: string;
  /** The index as pg_get_indexdef prints it after "USING ": an equal index under another name counts as this one. */
  shape: string;
}

/**
 * The indexes that serve ACTIVATE_VERSION (CloudQuery's create_performance_indexes): with
 * hard_delete it deletes `_sdc_table_version IS NULL OR _sdc_table_version < v`, a btree on
 * _sdc_table_version (both arms are index conditions); without, it marks the rows not yet
 * marked, so the index holds only those (WHERE _sdc_deleted_at IS NULL) and shrinks as rows are
 * marked. Deletes by key use the primary key. Names are stable: <table>__sdc_table_version_idx
 * (or _live_idx), shortened to 63 bytes with a hash.
 */
export function performanceIndexesFor(table: string, hardDelete: boolean): PerformanceIndex[] {
  if (hardDelete) return [{ name: fitIdentifier(`${table}__sdc_table_version_idx`), column: '_sdc_table_version', shape: 'btree (_sdc_table_version)' }];
  return [
    {
      name: fitIdentifier(`${table}__sdc_table_version_live_idx`),
      column: '_sdc_table_version',
      where: '"_sdc_deleted_at" IS NULL',
      shape: 'btree (_sdc_table_version) WHERE (_sdc_deleted_at IS NULL)',
    },
  ];
}

export function buildCreatePerformanceIndexSql(schema: string, table: string, index: PerformanceIndex): string {
  const where = index.where ? ` WHERE ${index.where}` : '';
  return `CREATE INDEX IF NOT EXISTS ${quoteIdent(index.name)} ON ${qualified(schema, table)} (${quoteIdent(index.column)})${where}`;
}

export function buildRenameIndexSql(schema: string, from: string, to: string): string {
  return `ALTER INDEX ${qualified(schema, from)} RENAME TO ${quoteIdent(to)}`;
}

/** What follows "USING " in an index definition: its method, columns and predicate without its name and table. */
export function indexShape(indexDef: string): string {
  const at = indexDef.indexOf(' USING ');
  return at < 0 ? indexDef : indexDef.slice(at + ' USING '.length);
}

/** A table's indexes with their definitions ($1: the qualified table). */
export const TABLE_INDEXES_SQL = `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1::regclass`;

/** Is a relation of that name in the schema ($1 schema, $2 name)? */
export const RELATION_EXISTS_SQL = `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`;
