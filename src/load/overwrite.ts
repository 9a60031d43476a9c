import type { PoolClient } from 'pg';
import { fitIdentifier, shortHash, type TableName } from '../schema/names.js';
import {
  buildCopyGrantsQuery,
  buildCreateLikeSql,
  buildDropTableSql,
  buildGrantSql,
  buildLockTableSql,
  buildRenameTableSql,
} from '../sql/overwrite.js';
import { qualified, quoteLiteral } from '../sql/quote.js';
import { DDL_LOCK } from './table-sync.js';

/** Names of the fresh and retired tables of an overwrite (stable per table, at most 63 bytes). */
export function overwriteNames(live: TableName): { fresh: string; retired: string } {
  const h = shortHash(`${live.schema}.${live.table}`);
  return { fresh: fitIdentifier(`_tp_new_${h}_${live.table}`), retired: fitIdentifier(`_tp_old_${h}_${live.table}`) };
}

async function exists(client: PoolClient, schema: string, table: string): Promise<boolean> {
  const r = await client.query('SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2', [schema, table]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * An empty fresh table for an overwrite run, shaped like the live table when there is one
 * (columns, defaults, indexes, comments). A fresh table left by an interrupted run is dropped.
 */
export async function prepareOverwrite(client: PoolClient, live: TableName): Promise<TableName> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
  const { fresh } = overwriteNames(live);
  const schemaExists = (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [live.schema])).rowCount;
  if (schemaExists) {
    await client.query(buildDropTableSql(live.schema, fresh));
    if (await exists(client, live.schema, live.table)) await client.query(buildCreateLikeSql(live.schema, fresh, live.table));
  }
  return { schema: live.schema, table: fresh };
}

/**
 * Swaps the fresh table in, in one transaction: readers of the live table wait for the lock
 * and then see the new rows; they never see it empty or half loaded. Grants carry over.
 */
export async function completeOverwrite(client: PoolClient, live: TableName, fresh: TableName): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
  const { retired } = overwriteNames(live);
  if (await exists(client, live.schema, live.table)) {
    const grants = await client.query<{ privilege_type: string; grantee: string; is_grantable: boolean }>(buildCopyGrantsQuery(live.schema, live.table));
    for (const g of grants.rows) await client.query(buildGrantSql(fresh.schema, fresh.table, g.privilege_type, g.grantee, g.is_grantable));
    const comment = await client.query<{ c: string | null }>('SELECT obj_description($1::regclass, $2) AS c', [qualified(live.schema, live.table), 'pg_class']);
    if (comment.rows[0]?.c) await client.query(`COMMENT ON TABLE ${qualified(fresh.schema, fresh.table)} IS ${quoteLiteral(comment.rows[0].c)}`);
    await client.query(buildLockTableSql(live.schema, live.table));
    await client.query(buildRenameTableSql(live.schema, live.table, retired));
    await client.query(buildRenameTableSql(fresh.schema, fresh.table, live.table));
    await client.query(buildDropTableSql(live.schema, retired));
  } else {
    await client.query(buildRenameTableSql(fresh.schema, fresh.table, live.table));
  }
}
