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
  buildAddColumnSql,
  buildAddPrimaryKeySql,
  buildAlterColumnTypeSql,
  buildCommentColumnSql,
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
import type { Citus } from './citus.js';
import { DEFAULT_ACCESS, ensureSchema, grantOnCreatedTable, type TableAccess } from './schema-access.js';

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
 * Columns the schema no longer has are kept. Returns the table's actual column types. On Citus
 * (`citus` given) a new table becomes the Citus table its stream asks for, and changes a Citus
 * table cannot take (a distribution column's type, a key without it) are refused.
 */
export async function syncTable(
  client: PoolClient,
  request: SyncRequest,
  log: Logger,
  citus?: Citus,
  access: TableAccess = DEFAULT_ACCESS,
): Promise<SyncResult> {
  const { stream, table: name, columns: planned, primaryKey: keyProperties } = request;
  const extra = request.extraColumns ?? [];
  await client.query(DDL_LOCK_SQL);
  await ensureSchema(client, stream, name.schema, access);

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
    if (citus) await citus.placeNewTable(client, request, columns);
    const partition = await layout();
    // granted once the table is laid out (on Citus: distributed), so its shards get the grants too
    await grantOnCreatedTable(client, name, access);
    return { columns, types: new Map(columns.map((c) => [c.name, c.pgType])), created: true, partition, ...(citus ? { citus: true } : {}) };
  }

  const types = new Map(existing.map((c) => [c.name, c.type]));
  const guard = citus ? await citus.existingTable(client, request, columns) : undefined;
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
      guard?.refuseTypeChange(col.name, current, change.pgType, "the stream's schema changed");
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
  guard?.refuseKeyChange(keyColumns);
  if (request.currentKey?.length) guard?.refuseKeyChange(request.currentKey.map((k) => columnOfProperty(columns, k) ?? k));
  await currentIndex();

  const currentKey = existing.filter((c) => c.is_key).sort((a, b) => (a.key_position ?? 0) - (b.key_position ?? 0)).map((c) => c.name);
  const sameKey = currentKey.length === keyColumns.length && currentKey.every((c, i) => c === keyColumns[i]);
  if (keyColumns.length && !sameKey) await moveKey(client, name, currentKey, keyColumns, stream, log);
  return { columns, types, created: false, partition: await layout(), ...(citus ? { citus: true } : {}) };
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
