import type { PoolClient } from 'pg';
import { InputError } from '../errors.js';
import type { ColumnSpec } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import { reconcileColumn } from '../schema/widen.js';
import { mappingComment, needsMappingComment, resolveColumnNames } from '../schema/column-mapping.js';
import { fitIdentifier } from '../schema/names.js';
import { buildHistoryCurrentIndexSql } from '../sql/history.js';
import type { ColumnDef } from '../sql/ddl.js';
import {
  DESCRIBE_TABLE_SQL,
  buildAddColumnSql,
  buildAddPrimaryKeySql,
  buildAlterColumnTypeSql,
  buildCommentColumnSql,
  buildCreateSchemaSql,
  buildCreateTableSql,
} from '../sql/ddl.js';
import { qualified, quoteIdent } from '../sql/quote.js';
import type { Logger } from '../log.js';

interface ExistingColumn {
  name: string;
  type: string;
  is_key: boolean;
  key_position: number | null;
  comment: string | null;
}

export interface SyncRequest {
  stream: string;
  table: TableName;
  columns: ColumnSpec[];
  /** Key properties that make the primary key (upsert); empty for none. */
  primaryKey: string[];
  /** Table-only columns (history validity), added when missing. */
  extraColumns?: ColumnDef[];
  /** History: key properties with one current row each (a unique partial index). */
  currentKey?: string[];
}

export interface SyncResult {
  /** The stream's columns with their final names (a property keeps its column across runs). */
  columns: ColumnSpec[];
  /** Actual PostgreSQL type of every column of the table, by name. */
  types: Map<string, string>;
  created: boolean;
}

/** One lock for DDL of all target-postgres processes, so parallel streams never race. */
export const DDL_LOCK = 0x7470_6764_646c; // "tpgddl"

/**
 * Makes the table fit the plan inside the caller's transaction: creates schema and table, adds
 * missing columns, widens columns the schema now wants wider, and adds or moves the primary key.
 * Columns the schema no longer has are kept. Returns the table's actual column types.
 */
export async function syncTable(
  client: PoolClient,
  request: SyncRequest,
  log: Logger,
): Promise<SyncResult> {
  const { stream, table: name, columns: planned, primaryKey: keyProperties } = request;
  const extra = request.extraColumns ?? [];
  await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
  const ns = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name.schema]);
  if (ns.rowCount === 0) await client.query(buildCreateSchemaSql(name.schema));

  const existing = (await client.query<ExistingColumn>(DESCRIBE_TABLE_SQL, [name.schema, name.table])).rows;
  const columns = resolveColumnNames(planned, existing);
  const keyColumns = keyProperties.map((k) => columns.find((c) => c.path.length === 1 && c.path[0] === k)?.name ?? k);
  const comment = async (col: ColumnSpec) => {
    if (needsMappingComment(col)) await client.query(buildCommentColumnSql(name.schema, name.table, col.name, mappingComment(col.path)));
  };
  const currentIndex = async () => {
    if (!request.currentKey?.length) return;
    const keys = request.currentKey.map((k) => columns.find((c) => c.path.length === 1 && c.path[0] === k)?.name ?? k);
    await client.query(buildHistoryCurrentIndexSql(name.schema, name.table, fitIdentifier(`${name.table}_current`), keys));
  };
  if (existing.length === 0) {
    await client.query(buildCreateTableSql(name.schema, name.table, [...columns, ...extra], keyColumns));
    for (const col of columns) await comment(col);
    await currentIndex();
    log.info({ stream, table: `${name.schema}.${name.table}`, columns: columns.length }, 'created table');
    return { columns, types: new Map(columns.map((c) => [c.name, c.pgType])), created: true };
  }

  const types = new Map(existing.map((c) => [c.name, c.type]));
  for (const col of columns) {
    const current = types.get(col.name);
    if (current === undefined) {
      await client.query(buildAddColumnSql(name.schema, name.table, col));
      await comment(col);
      types.set(col.name, col.pgType);
      log.info({ stream, column: col.name, type: col.pgType }, 'added column');
      continue;
    }
    const change = reconcileColumn(col.name, current, col.pgType);
    if (change.action === 'alter') {
      await client.query(buildAlterColumnTypeSql(name.schema, name.table, col.name, change.pgType, change.using));
      types.set(col.name, change.pgType);
      log.info({ stream, column: col.name, from: current, to: change.pgType }, 'widened column');
    }
  }

  for (const col of extra) {
    if (!types.has(col.name)) {
      await client.query(buildAddColumnSql(name.schema, name.table, col));
      types.set(col.name, col.pgType);
    }
  }
  await currentIndex();

  const currentKey = existing.filter((c) => c.is_key).sort((a, b) => (a.key_position ?? 0) - (b.key_position ?? 0)).map((c) => c.name);
  const sameKey = currentKey.length === keyColumns.length && currentKey.every((c, i) => c === keyColumns[i]);
  if (keyColumns.length && !sameKey) await moveKey(client, name, currentKey, keyColumns, stream, log);
  return { columns, types, created: false };
}

async function moveKey(client: PoolClient, name: TableName, from: string[], to: string[], stream: string, log: Logger): Promise<void> {
  const table = qualified(name.schema, name.table);
  await client.query('SAVEPOINT move_key');
  try {
    if (from.length) {
      const con = await client.query<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
        [table],
      );
      if (con.rows[0]) await client.query(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(con.rows[0].conname)}`);
      for (const col of from.filter((c) => !to.includes(c))) {
        await client.query(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(col)} DROP NOT NULL`);
      }
    }
    await client.query(buildAddPrimaryKeySql(name.schema, name.table, to));
    await client.query('RELEASE SAVEPOINT move_key');
    log.info({ stream, from, to }, 'moved primary key');
  } catch (e) {
    await client.query('ROLLBACK TO SAVEPOINT move_key');
    throw new InputError(
      `key_properties are now (${to.join(', ')}) but table ${name.schema}.${name.table} ` +
        (from.length ? `has primary key (${from.join(', ')})` : 'has no primary key') +
        ` and its rows cannot take the new key (${(e as Error).message}). Remove the duplicate or null key rows, or drop the table to reload it.`,
      { stream },
    );
  }
}
