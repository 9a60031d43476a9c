import type { PoolClient } from 'pg';
import { InputError } from '../errors.js';
import { columnOfProperty, type ColumnSpec } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import { reconcileColumn } from '../schema/widen.js';
import { mappingComment, needsMappingComment, resolveColumnNames } from '../schema/column-mapping.js';
import { fitIdentifier } from '../schema/names.js';
import { buildHistoryCurrentIndexSql } from '../sql/history.js';
import {
  DESCRIBE_TABLE_SQL,
  PRIMARY_KEY_NAME_SQL,
  SCHEMA_EXISTS_SQL,
  buildAddColumnSql,
  buildAddPrimaryKeySql,
  buildAlterColumnTypeSql,
  buildCommentColumnSql,
  buildCreateSchemaSql,
  buildCreateTableSql,
  buildDropConstraintSql,
  buildDropNotNullSql,
  buildReleaseSavepointSql,
  buildRollbackToSavepointSql,
  buildSavepointSql,
  usingExpression,
} from '../sql/ddl.js';
import { DDL_LOCK_SQL } from '../sql/dialect.js';
import { buildCreatePartitionedTableSql } from '../sql/partitions.js';
import { refusePartitionKeyChange, syncPartitioning, type BatchPartitioning } from './partitions.js';
import { ensurePerformanceIndexes } from './performance-indexes.js';
import { qualified } from '../sql/quote.js';
import type { Logger } from '../log.js';
import { tableLabel, type SyncRequest, type SyncResult } from './batch.js';

interface ExistingColumn {
  name: string;
  type: string;
  is_key: boolean;
  key_position: number | null;
  comment: string | null;
}

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
  await client.query(DDL_LOCK_SQL);
  const ns = await client.query(SCHEMA_EXISTS_SQL, [name.schema]);
  if (ns.rowCount === 0) await client.query(buildCreateSchemaSql(name.schema));

  const existing = (await client.query<ExistingColumn>(DESCRIBE_TABLE_SQL, [name.schema, name.table])).rows;
  const columns = resolveColumnNames(planned, existing);
  const keyColumns = keyProperties.map((k) => columnOfProperty(columns, k) ?? k);
  const comment = async (col: ColumnSpec) => {
    if (needsMappingComment(col)) await client.query(buildCommentColumnSql(name.schema, name.table, col.name, mappingComment(col.path)));
  };
  const currentIndex = async () => {
    if (!request.currentKey?.length) return;
    const keys = request.currentKey.map((k) => columnOfProperty(columns, k) ?? k);
    await client.query(buildHistoryCurrentIndexSql(name.schema, name.table, fitIdentifier(`${name.table}_current`), keys));
  };
  // partition_by: the partition column under its table name (a property keeps its column across runs)
  const partitionColumn = request.partition && columns.find((c) => !c.metadata && c.path.join('\0') === request.partition!.path.join('\0'))!.name;
  const partitioning: BatchPartitioning | undefined = request.partition && {
    ...request.partition,
    column: partitionColumn!,
    columnType: existing.find((c) => c.name === partitionColumn)?.type ?? columns.find((c) => c.name === partitionColumn)!.pgType,
  };
  const layout = async () => {
    const partition = partitioning && (await syncPartitioning(client, name, partitioning, stream, log)) ? partitioning : undefined;
    await ensurePerformanceIndexes(client, name, request.performanceIndexes ?? [], stream, log);
    return partition;
  };
  if (existing.length === 0) {
    const all = [...columns, ...extra];
    await client.query(partitioning ? buildCreatePartitionedTableSql(name.schema, name.table, all, keyColumns, partitioning.strategy, partitioning.column) : buildCreateTableSql(name.schema, name.table, all, keyColumns));
    for (const col of columns) await comment(col);
    await currentIndex();
    log.info({ stream, table: tableLabel(name), columns: columns.length, partitioned: partitioning?.strategy }, 'created table');
    return { columns, types: new Map(columns.map((c) => [c.name, c.pgType])), created: true, partition: await layout() };
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
    const change = reconcileColumn(current, col.pgType);
    if (change.action === 'alter') {
      if (col.name === partitioning?.column) await refusePartitionKeyChange(client, name, stream, col.name, current, change.pgType);
      await client.query(buildAlterColumnTypeSql(name.schema, name.table, col.name, change.pgType, usingExpression(col.name, change.pgType, change.convert)));
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
  return { columns, types, created: false, partition: await layout() };
}

async function moveKey(client: PoolClient, name: TableName, from: string[], to: string[], stream: string, log: Logger): Promise<void> {
  await client.query(buildSavepointSql('move_key'));
  try {
    if (from.length) {
      const con = await client.query<{ conname: string }>(PRIMARY_KEY_NAME_SQL, [qualified(name.schema, name.table)]);
      if (con.rows[0]) await client.query(buildDropConstraintSql(name.schema, name.table, con.rows[0].conname));
      for (const col of from.filter((c) => !to.includes(c))) await client.query(buildDropNotNullSql(name.schema, name.table, col));
    }
    await client.query(buildAddPrimaryKeySql(name.schema, name.table, to));
    await client.query(buildReleaseSavepointSql('move_key'));
    log.info({ stream, from, to }, 'moved primary key');
  } catch (e) {
    await client.query(buildRollbackToSavepointSql('move_key'));
    throw new InputError(
      `key_properties are now (${to.join(', ')}) but table ${tableLabel(name)} ` +
        (from.length ? `has primary key (${from.join(', ')})` : 'has no primary key') +
        ` and its rows cannot take the new key (${(e as Error).message}). Remove the duplicate or null key rows, or drop the table to reload it.`,
      { stream },
    );
  }
}
