import type { ColumnSpec } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import type { ColumnDef } from '../sql/ddl.js';
import type { CitusRequest } from './citus-placement.js';
import type { PerformanceIndex } from '../sql/performance-indexes.js';
import type { PartitionPlan } from '../stream/partition-plan.js';
import type { BatchPartitioning } from './partitions.js';

export type LoadMethod = 'append-only' | 'upsert' | 'overwrite' | 'history' | 'update' | 'delete';

/** How a batch's rows meet the table: one load strategy each (load/strategies/). */
export type MergeMode = 'append' | 'upsert' | 'history' | 'update' | 'delete';

/** Merge modes that meet the table by key, one row per key in a batch (the buffer de-duplicates by key). */
export const KEYED_MERGES: readonly MergeMode[] = ['upsert', 'update', 'delete'];

/**
 * The one place a load method becomes a merge mode: history keeps versions; update and delete
 * meet existing rows by key (planning refuses them without keys); append-only, and any other
 * method without keys, appends; upsert and overwrite (into its fresh table) merge by key.
 */
export function mergeModeFor(method: LoadMethod, keys: readonly string[]): MergeMode {
  if (method === 'history' || method === 'update' || method === 'delete') return method;
  return method === 'append-only' || keys.length === 0 ? 'append' : 'upsert';
}

/** One flush of one stream: encoded CSV rows and where they go. */
export interface Batch {
  stream: string;
  table: TableName;
  /** COPY column order. */
  columns: string[];
  /** append: COPY into the table; upsert: merge on keyColumns; history: new versions per key; update / delete: existing rows by key. */
  merge: MergeMode;
  keyColumns: string[];
  /** Upsert, update, delete: an older record (by this column) never overwrites (or deletes) a newer one. */
  orderColumn?: string;
  /** History: the columns whose change makes a new version. */
  dataColumns?: string[];
  /** Keyed rows carrying _sdc_deleted_at are deleted instead of upserted. */
  hardDelete: boolean;
  /** The table is partitioned: partitions for the batch's values are made before its rows go in. */
  partition?: BatchPartitioning;
  /** The rows, in `format` (CSV unless binary). */
  chunks: Buffer[];
  format?: 'binary';
  /** A binary batch: the type each column's fields were encoded for (COPY order). */
  types?: string[];
  /** A binary batch's rows whose values are left to PostgreSQL's text input: CSV, COPYed after `chunks`; the last `rows` rows of lines and seqs. */
  fallback?: { chunks: Buffer[]; rows: number };
  rowCount: number;
  /** Input line of each row, in COPY order (for error messages). */
  lines: number[];
  /** Record sequence of each row, in COPY order. */
  seqs: number[];
}

/** What a table must look like before a stream's batches load into it. */
export interface SyncRequest {
  stream: string;
  table: TableName;
  columns: ColumnSpec[];
  /** Key properties that make the primary key (upsert); empty for none. */
  primaryKey: string[];
  /** Table-only columns (history validity), added when missing. */
  extraColumns?: ColumnDef[];
  /** History: key properties with one current row each (a unique partial index). */
  currentKey?: string[];
  /** What the stream asks of its table on Citus (none: the defaults, as for the dead-letter table). */
  citus?: CitusRequest;
  /** A new table is created partitioned this way. */
  partition?: PartitionPlan;
  /** create_performance_indexes: indexes the table should have. */
  performanceIndexes?: PerformanceIndex[];
}

export interface SyncResult {
  /** The stream's columns with their final names (a property keeps its column across runs). */
  columns: ColumnSpec[];
  /** Actual PostgreSQL type of every column of the table, by name. */
  types: Map<string, string>;
  created: boolean;
  /** How the table is partitioned, when it is and the stream asked for it. */
  partition?: BatchPartitioning;
  /** The server is a Citus coordinator. */
  citus?: boolean;
}

/** What a committed batch did to its table. */
export interface LoadCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

/** What the router needs from the database side: the Loader, or an in-memory double in tests. */
export interface LoadTarget {
  syncTable(request: SyncRequest): Promise<SyncResult>;
  /** Loads a batch in one transaction; resolves with what it did (rows inserted when not told). */
  load(batch: Batch): Promise<LoadCounts | void>;
  activateVersion(stream: string, table: TableName, version: number, hard: boolean): Promise<number>;
  prepareOverwrite(stream: string, live: TableName): Promise<TableName>;
  completeOverwrite(stream: string, live: TableName, fresh: TableName): Promise<void>;
}

/** `schema.table` as it appears in messages and logs. */
export function tableLabel(table: TableName): string {
  return `${table.schema}.${table.table}`;
}
