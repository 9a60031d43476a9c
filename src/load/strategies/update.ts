import { buildDeleteMarkedSql } from '../../sql/merge.js';
import { buildUpdateByKeySql } from '../../sql/write-modes.js';
import type { LoadStrategy } from './index.js';

/**
 * update (Laminar): rows that exist by key take the record's values; a key without a row is
 * ignored, never inserted. An older record (by the order column) never overwrites a newer row;
 * with hard_delete, rows whose record carries _sdc_deleted_at are deleted.
 */
export const update: LoadStrategy = {
  merge: 'update',
  copiesIntoTable: false,
  tableNeeds: (keys) => ({ primaryKey: keys, extraColumns: [] }),
  async mergeStaged(client, batch) {
    const { schema, table } = batch.table;
    const sql = buildUpdateByKeySql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn, batch.hardDelete);
    const updated = sql ? ((await client.query(sql)).rowCount ?? 0) : 0;
    const deleted = batch.hardDelete ? ((await client.query(buildDeleteMarkedSql(schema, table, batch.keyColumns, batch.orderColumn))).rowCount ?? 0) : 0;
    return { inserted: 0, updated, deleted };
  },
};
