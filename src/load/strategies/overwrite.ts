import type { PoolClient } from 'pg';
import { fitIdentifier, shortHash, type TableName } from '../../schema/names.js';
import { SCHEMA_EXISTS_SQL, TABLE_COMMENT_SQL, TABLE_EXISTS_SQL, buildCommentTableSql } from '../../sql/ddl.js';
import { DDL_LOCK_SQL } from '../../sql/dialect.js';
import {
  buildCopyGrantsQuery,
  buildCreateLikeSql,
  buildDropTableSql,
  buildGrantSql,
  buildLockTableSql,
  buildRenameTableSql,
} from '../../sql/overwrite.js';
import { qualified } from '../../sql/quote.js';
import { tableLabel } from '../batch.js';
import type { Citus } from '../citus.js';
import { DEFAULT_ACCESS, grantOnCreatedTable, type TableAccess } from '../schema-access.js';
import { copyPartitions, freshTableSql, renamePartitionsAfterSwap } from '../partitions.js';

/*
 * load_method overwrite: each cycle loads (append or upsert, by the stream's keys) into a
 * fresh table built like the live one, then swaps it in; the route side runs the cycle
 * (route/overwrite-cycle.ts), these are its two database steps.
 */

/** Names of the fresh and retired tables of an overwrite (stable per table, at most 63 bytes). */
export function overwriteNames(live: TableName): { fresh: string; retired: string } {
  const h = shortHash(tableLabel(live));
  return { fresh: fitIdentifier(`_tp_new_${h}_${live.table}`), retired: fitIdentifier(`_tp_old_${h}_${live.table}`) };
}

async function exists(client: PoolClient, schema: string, table: string): Promise<boolean> {
  const r = await client.query(TABLE_EXISTS_SQL, [schema, table]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * An empty fresh table for an overwrite run, shaped like the live table when there is one
 * (columns, defaults, indexes, comments), with the grant_select_to grants. A fresh table left
 * by an interrupted run is dropped. On Citus it is laid out like the live table (distributed on
 * the same column and co-located with it, or a reference table), so the swap keeps the table
 * distributed.
 */
export async function prepareOverwrite(client: PoolClient, live: TableName, citus?: Citus, access: TableAccess = DEFAULT_ACCESS): Promise<TableName> {
  await client.query(DDL_LOCK_SQL);
  const { fresh } = overwriteNames(live);
  const schemaExists = (await client.query(SCHEMA_EXISTS_SQL, [live.schema])).rowCount;
  if (schemaExists) {
    await client.query(buildDropTableSql(live.schema, fresh));
    if (await exists(client, live.schema, live.table)) {
      // a partitioned live table: the fresh one is partitioned the same way, with the same partitions
      await client.query((await freshTableSql(client, live, fresh)) ?? buildCreateLikeSql(live.schema, fresh, live.table));
      await copyPartitions(client, live, fresh);
      await citus?.placeLike(client, { schema: live.schema, table: fresh }, live);
      await grantOnCreatedTable(client, { schema: live.schema, table: fresh }, access);
    }
  }
  return { schema: live.schema, table: fresh };
}

/**
 * Swaps the fresh table in, in one transaction: readers of the live table wait for the lock
 * and then see the new rows; they never see it empty or half loaded. Grants carry over.
 */
export async function completeOverwrite(client: PoolClient, live: TableName, fresh: TableName): Promise<void> {
  await client.query(DDL_LOCK_SQL);
  const { retired } = overwriteNames(live);
  if (await exists(client, live.schema, live.table)) {
    const grants = await client.query<{ privilege_type: string; grantee: string; is_grantable: boolean }>(buildCopyGrantsQuery(live.schema, live.table));
    for (const g of grants.rows) await client.query(buildGrantSql(fresh.schema, fresh.table, g.privilege_type, g.grantee, g.is_grantable));
    const comment = await client.query<{ c: string | null }>(TABLE_COMMENT_SQL, [qualified(live.schema, live.table)]);
    if (comment.rows[0]?.c) await client.query(buildCommentTableSql(fresh.schema, fresh.table, comment.rows[0].c));
    await client.query(buildLockTableSql(live.schema, live.table));
    await client.query(buildRenameTableSql(live.schema, live.table, retired));
    await client.query(buildRenameTableSql(fresh.schema, fresh.table, live.table));
    await client.query(buildDropTableSql(live.schema, retired));
  } else {
    await client.query(buildRenameTableSql(fresh.schema, fresh.table, live.table));
  }
  await renamePartitionsAfterSwap(client, live, fresh.table);
}
