import type { PoolClient } from 'pg';
import { buildReleaseSavepointSql, buildRollbackToSavepointSql, buildSavepointSql } from '../sql/ddl.js';
import { UNIQUE_VIOLATION } from '../sql/dialect.js';
import { qualified } from '../sql/quote.js';
import { tableLabel, type Batch, type LoadCounts } from './batch.js';
import { copyRows } from './copy.js';
import { sqlStateOf } from './db-errors.js';

/**
 * Upsert without the staging table while a table's keys are new (issue 18, part 3): an
 * initial load COPYs each batch straight into the table, which PostgreSQL does in about two
 * thirds of the staging + INSERT ... ON CONFLICT time. A batch holds each key once (the stream
 * buffer keeps the last record of a key), so the only conflict is with a row already in the
 * table: its unique violation rolls back to a savepoint and the batch is merged through the
 * staging table as usual, and that table is merged that way for the rest of the run. A table
 * under row-level security, where PostgreSQL refuses COPY FROM, falls back the same way.
 */
const SAVEPOINT = 'direct_copy';
/** SQLSTATE of COPY FROM into a table under row-level security ("COPY FROM not supported with row-level security"). */
const FEATURE_NOT_SUPPORTED = '0A000';

export class DirectUpserts {
  /** Tables where a batch met an existing key: merged through the staging table from then on. */
  private readonly conflicted = new Set<string>();

  /** A batch may try the direct COPY: upsert, no delete markers to apply, a plain table that has not conflicted. */
  eligible(batch: Batch, plainTable: boolean): boolean {
    return batch.merge === 'upsert' && !batch.hardDelete && !batch.partition && plainTable && !this.conflicted.has(tableLabel(batch.table));
  }

  /** COPYs the batch into the table inside a savepoint; undefined (rolled back) when a key already exists. */
  async tryCopy(client: PoolClient, batch: Batch): Promise<LoadCounts | undefined> {
    await client.query(buildSavepointSql(SAVEPOINT));
    try {
      await copyRows(client, qualified(batch.table.schema, batch.table.table), batch);
    } catch (e) {
      // a key already there; or COPY refused where it cannot run (row-level security: 0A000)
      const state = sqlStateOf(e);
      if (state !== UNIQUE_VIOLATION && state !== FEATURE_NOT_SUPPORTED) throw e;
      await client.query(buildRollbackToSavepointSql(SAVEPOINT));
      this.conflicted.add(tableLabel(batch.table));
      return undefined;
    }
    await client.query(buildReleaseSavepointSql(SAVEPOINT));
    return { inserted: batch.rowCount, updated: 0, deleted: 0 };
  }
}
