import type { PoolClient } from 'pg';
import type { Batch, LoadCounts, MergeMode } from '../batch.js';
import type { ColumnDef } from '../../sql/ddl.js';
import { HISTORY_COLUMNS, history } from './history.js';
import { append } from './append.js';
import { upsert } from './upsert.js';
import { update } from './update.js';
import { deleteByKey } from './delete.js';

/** What a strategy's table needs besides the stream's columns. */
export interface TableNeeds {
  /** Key properties that make the primary key; empty for none. */
  primaryKey: string[];
  /** Table-only columns, filled by the merge rather than by COPY. */
  extraColumns: ColumnDef[];
  /** Key properties with one current row each (a unique partial index). */
  currentKey?: string[];
}

/** How the loader runs a strategy's statements. */
export interface WriteOptions {
  /** upsert: use MERGE rather than INSERT ... ON CONFLICT (the server has it and it was asked for). */
  useMerge: boolean;
  /** The table is a Citus reference table, which Citus cannot join with the staging table in DELETE ... USING. */
  citusReference?: boolean;
}

/** How one batch meets its table: one module per merge mode (chosen by mergeModeFor in ../batch.ts), each with its SQL builders in sql/. */
export interface LoadStrategy {
  readonly merge: MergeMode;
  /** COPY straight into the table (else into a staging table, then merged). */
  readonly copiesIntoTable: boolean;
  tableNeeds(keys: string[]): TableNeeds;
  /** After the rows are in the staging table: the statements that merge them, in the batch's transaction; what they did. */
  mergeStaged(client: PoolClient, batch: Batch, options: WriteOptions): Promise<LoadCounts>;
}

const strategies: Record<MergeMode, LoadStrategy> = { append, upsert, history, update, delete: deleteByKey };

export { HISTORY_COLUMNS };

export function strategyFor(merge: MergeMode): LoadStrategy {
  return strategies[merge];
}
