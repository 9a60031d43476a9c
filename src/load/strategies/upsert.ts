import { buildDeleteMarkedSql, buildMergeSql, buildUpsertLiveSql, buildUpsertSql } from '../../sql/merge.js';
import type { LoadStrategy } from './index.js';

/**
 * upsert: the batch (one row per key, the buffer saw to that) is merged by primary key; an
 * older record (by the order column) never overwrites a newer one; with hard_delete, rows
 * whose record carries _sdc_deleted_at are deleted.
 */
export const upsert: LoadStrategy = {
  merge: 'upsert',
  copiesIntoTable: false,
  tableNeeds: (keys) => ({ primaryKey: keys, extraColumns: [] }),
  async mergeStaged(client, batch, { useMerge }) {
    const { schema, table } = batch.table;
    if (useMerge) {
      await client.query(buildMergeSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn, batch.hardDelete));
    } else if (batch.hardDelete) {
      await client.query(buildUpsertLiveSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn));
      await client.query(buildDeleteMarkedSql(schema, table, batch.keyColumns, batch.orderColumn));
    } else {
      await client.query(buildUpsertSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn));
    }
  },
};
