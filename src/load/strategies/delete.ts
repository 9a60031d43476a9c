import { buildDeleteByKeySql } from '../../sql/write-modes.js';
import type { LoadStrategy } from './index.js';

/**
 * delete (Laminar): the rows whose keys arrive are deleted; nothing is inserted or updated. A
 * stored row newer than the delete record (by the order column) is kept.
 */
export const deleteByKey: LoadStrategy = {
  merge: 'delete',
  copiesIntoTable: false,
  tableNeeds: (keys) => ({ primaryKey: keys, extraColumns: [] }),
  async mergeStaged(client, batch) {
    const { schema, table } = batch.table;
    const r = await client.query(buildDeleteByKeySql(schema, table, batch.keyColumns, batch.orderColumn));
    return { inserted: 0, updated: 0, deleted: r.rowCount ?? 0 };
  },
};
