import type { LoadStrategy } from './index.js';

/** append-only (and streams without keys): COPY straight into the table; every record is kept. */
export const append: LoadStrategy = {
  merge: 'append',
  copiesIntoTable: true,
  tableNeeds: () => ({ primaryKey: [], extraColumns: [] }),
  mergeStaged: async (_client, batch) => ({ inserted: batch.rowCount, updated: 0, deleted: 0 }),
};
