import type { ColumnDef } from '../../sql/ddl.js';
import { buildHistoryMergeSql } from '../../sql/history.js';
import type { LoadStrategy } from './index.js';

/** Columns a history table has besides the stream's: filled by the merge, not by COPY. */
export const HISTORY_COLUMNS: ColumnDef[] = [
  { name: '_sdc_valid_from', pgType: 'timestamptz' },
  { name: '_sdc_valid_to', pgType: 'timestamptz' },
  { name: '_sdc_is_current', pgType: 'boolean' },
];

/** history (SCD type 2): a change of a key's data closes its current row and adds a new version. */
export const history: LoadStrategy = {
  merge: 'history',
  copiesIntoTable: false,
  tableNeeds: (keys) => ({ primaryKey: [], extraColumns: HISTORY_COLUMNS, currentKey: keys }),
  async mergeStaged(client, batch) {
    const { schema, table } = batch.table;
    const [changes, close, insert] = buildHistoryMergeSql(schema, table, batch.columns, batch.dataColumns ?? batch.columns, batch.keyColumns);
    await client.query(changes);
    // closing a version is counted as an update, a new version as an insert
    const closed = await client.query(close);
    const added = await client.query(insert);
    return { inserted: added.rowCount ?? 0, updated: closed.rowCount ?? 0, deleted: 0 };
  },
};
