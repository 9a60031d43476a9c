import type { PoolClient } from 'pg';
import type { Logger } from '../log.js';
import type { TableName } from '../schema/names.js';
import {
  RELATION_EXISTS_SQL,
  TABLE_INDEXES_SQL,
  buildCreatePerformanceIndexSql,
  buildRenameIndexSql,
  indexShape,
  type PerformanceIndex,
} from '../sql/performance-indexes.js';
import { qualified } from '../sql/quote.js';

/**
 * At table sync (DDL lock held): creates each performance index the table lacks. An equal index
 * under another name (the one CREATE TABLE ... LIKE gave an overwrite's fresh table) counts, and
 * takes the stable name when that is free; so the index is built once per table, never twice.
 */
export async function ensurePerformanceIndexes(client: PoolClient, table: TableName, indexes: readonly PerformanceIndex[], stream: string, log: Logger): Promise<void> {
  if (indexes.length === 0) return;
  const existing = (await client.query<{ name: string; def: string }>(TABLE_INDEXES_SQL, [qualified(table.schema, table.table)])).rows;
  for (const index of indexes) {
    const same = existing.find((e) => indexShape(e.def) === index.shape);
    if (same) {
      if (same.name !== index.name && (await client.query(RELATION_EXISTS_SQL, [table.schema, index.name])).rowCount === 0) {
        await client.query(buildRenameIndexSql(table.schema, same.name, index.name));
      }
      continue;
    }
    const started = performance.now();
    await client.query(buildCreatePerformanceIndexSql(table.schema, table.table, index));
    log.info({ stream, index: index.name, ms: Math.round(performance.now() - started) }, 'created performance index');
  }
}
