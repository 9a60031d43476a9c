import { ConfigError } from '../errors.js';
import type { ColumnSpec } from '../schema/columns.js';
import type { MergeMode } from '../load/batch.js';

export type PartitionStrategy = 'range' | 'list' | 'hash';
export type PartitionInterval = 'day' | 'week' | 'month' | 'year';

/** stream_overrides.<stream>.partition_by as configured. */
export interface PartitionByConfig {
  column: string;
  strategy: PartitionStrategy;
  interval?: PartitionInterval;
  modulus?: number;
  default_partition?: boolean;
}

/** How a stream's table is partitioned, decided at SCHEMA time. */
export interface PartitionPlan {
  /** The property path of the partition column (a top-level property, or a flattened a__b path). */
  path: string[];
  strategy: PartitionStrategy;
  /** range: the width of each partition. */
  interval?: PartitionInterval;
  /** hash: the number of partitions, all created with the table. */
  modulus?: number;
  /** A DEFAULT partition takes rows no other partition does (range: null values too). */
  defaultPartition: boolean;
}

/** Column types a range partition by calendar interval can bound. */
const RANGE_TYPES = /^(date|timestamp(tz)?|timestamp( without time zone| with time zone)?)$/;

/**
 * Checks a stream's partition_by against its columns, keys and load method; the plan, or a
 * ConfigError (exit 64) saying what to change. PostgreSQL requires the primary key (and every
 * unique index) of a partitioned table to contain the partition column, so a keyed load method
 * (upsert, update, delete, history; overwrite with keys) needs the column among the keys.
 */
export function planPartitioning(stream: string, by: PartitionByConfig | undefined, columns: readonly ColumnSpec[], keys: readonly string[], merge: MergeMode): PartitionPlan | undefined {
  if (!by) return undefined;
  const where = `stream_overrides.${JSON.stringify(stream)}.partition_by`;
  const fail = (what: string): never => {
    throw new ConfigError(`stream ${JSON.stringify(stream)}: ${where}: ${what}`);
  };
  const column = columns.find((c) => !c.metadata && c.path.join('__') === by.column);
  if (!column) {
    const names = columns.filter((c) => !c.metadata).map((c) => c.path.join('__'));
    fail(`column ${JSON.stringify(by.column)} is not a property of the stream's schema (properties, flattened as parent__child: ${names.join(', ') || 'none'})`);
  }
  const type = column!.pgType;
  if (by.strategy === 'range') {
    if (!by.interval) fail('strategy range needs an interval: day, week, month or year');
    if (!RANGE_TYPES.test(type)) fail(`strategy range partitions by calendar interval, but column ${JSON.stringify(by.column)} is ${type}; declare it format date-time or date, or use strategy list or hash`);
  } else if (by.interval !== undefined) fail(`interval applies to strategy range only, not ${by.strategy}`);
  if (by.strategy === 'hash') {
    if (!by.modulus) fail('strategy hash needs a modulus (the number of partitions), e.g. 8');
    if (by.default_partition) fail('a hash-partitioned table cannot have a default partition');
  } else if (by.modulus !== undefined) fail(`modulus applies to strategy hash only, not ${by.strategy}`);
  if (type === 'jsonb' || type.endsWith('[]')) fail(`column ${JSON.stringify(by.column)} is ${type}; partition by a scalar column`);
  if (merge !== 'append') {
    const keyed = column!.path.length === 1 && keys.includes(column!.path[0]);
    if (!keyed) {
      fail(
        `load method ${merge} keys the table on (${keys.join(', ')}), and PostgreSQL requires the primary key of a partitioned table to contain the partition column; ` +
          `add ${JSON.stringify(by.column)} to stream_overrides.${JSON.stringify(stream)}.key_properties, or partition by one of the key properties`,
      );
    }
  }
  return { path: column!.path, strategy: by.strategy, interval: by.interval, modulus: by.modulus, defaultPartition: by.default_partition ?? false };
}
