import { buildDeleteMarkedByKeyListSql } from '../../sql/citus.js';
import { buildCountedUpsertSql, buildDeleteMarkedSql, buildMergeSql, buildUpsertLiveSql, buildUpsertSql } from '../../sql/merge.js';
import { buildCountNewKeysSql } from '../../sql/partitions.js';
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
  async mergeStaged(client, batch, { useMerge, citusReference }) {
    const { schema, table } = batch.table;
    if (useMerge) {
      // MERGE has no RETURNING before PostgreSQL 17: its rows changed are counted as updated
      const r = await client.query(buildMergeSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn, batch.hardDelete));
      return { inserted: 0, updated: r.rowCount ?? 0, deleted: 0 };
    }
    const upsertSql = batch.hardDelete
      ? buildUpsertLiveSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn)
      : buildUpsertSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn);
    let inserted: number;
    let updated: number;
    if (batch.partition) {
      // a partitioned table's RETURNING cannot read xmax: count the new keys first
      inserted = (await client.query<{ n: number }>(buildCountNewKeysSql(schema, table, batch.keyColumns, batch.hardDelete))).rows[0].n;
      updated = ((await client.query(upsertSql)).rowCount ?? 0) - inserted;
    } else {
      const counted = await client.query<{ inserted: number; updated: number }>(buildCountedUpsertSql(upsertSql));
      ({ inserted, updated } = counted.rows[0]);
    }
    const deleteSql = citusReference ? buildDeleteMarkedByKeyListSql : buildDeleteMarkedSql;
    const deleted = batch.hardDelete ? ((await client.query(deleteSql(schema, table, batch.keyColumns, batch.orderColumn))).rowCount ?? 0) : 0;
    return { inserted, updated, deleted };
  },
};
