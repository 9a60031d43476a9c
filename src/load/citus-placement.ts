import { ConfigError, describe } from '../errors.js';
import type { ColumnSpec } from '../schema/columns.js';

/*
 * Citus decisions, as pure functions: what a stream asks of its table, what a new table
 * becomes, how an existing table is classified from the catalog, and which schema changes a
 * Citus table cannot take. The I/O around them is in citus.ts.
 */

export type CitusTableKind = 'distributed' | 'reference' | 'local';
export type CitusMode = 'auto' | 'off';

/** What a stream asks of its table on Citus (stream_overrides), with the stream's key. */
export interface CitusRequest {
  /** stream_overrides.<stream>.citus_table. */
  table?: CitusTableKind;
  /** stream_overrides.<stream>.distribution_column, checked: a key property, or a top-level property of a keyless stream. */
  distributionProperty?: string;
  /** The stream's key properties. */
  keys: string[];
}

/** How a table lives on a Citus cluster. */
export type Placement =
  | { kind: 'local' }
  /** a coordinator table in Citus's metadata (citus_add_local_table_to_metadata) */
  | { kind: 'citus-local' }
  | { kind: 'reference' }
  | { kind: 'single-shard' }
  | { kind: 'hash'; column: string; type: string };

/** A table's row of pg_dist_partition (TABLE_PLACEMENT_SQL). */
export interface PlacementRow {
  partmethod: string;
  repmodel: string;
  colocationid: number;
  column: string | null;
  column_type: string | null;
}

/**
 * The stream's Citus request from its overrides, checked when its SCHEMA arrives (on any
 * server: a wrong setting is wrong everywhere). Throws a ConfigError naming the stream.
 */
export function citusRequestFor(
  stream: string,
  override: { citus_table?: CitusTableKind; distribution_column?: string } | undefined,
  keys: string[],
  columns: readonly ColumnSpec[],
): CitusRequest {
  const table = override?.citus_table;
  const property = override?.distribution_column;
  const setting = `stream_overrides.${stream}.distribution_column`;
  if (property !== undefined) {
    if (table === 'reference' || table === 'local') {
      throw new ConfigError(describe(`${setting} is set, but citus_table is ${table}, which has no distribution column; remove one of the two`, { stream }));
    }
    if (keys.length && !keys.includes(property)) {
      throw new ConfigError(
        describe(
          `${setting} ${JSON.stringify(property)} is not one of the stream's key_properties (${keys.join(', ')}): a Citus table's primary key must include its distribution column; name one of them, or add ${JSON.stringify(property)} to key_properties`,
          { stream },
        ),
      );
    }
    if (!keys.length && !columns.some((c) => c.path.length === 1 && c.path[0] === property)) {
      throw new ConfigError(
        describe(`${setting} ${JSON.stringify(property)} is not a top-level property of the stream's schema (nested or flattened properties cannot be distribution columns); name one of its properties`, { stream }),
      );
    }
  }
  return { table, distributionProperty: property, keys };
}

/**
 * What a new table becomes on Citus. A stream's own citus_table / distribution_column win;
 * else with citus_distribution auto: distributed, on distribution_column, else the first key
 * property, else (no key) _sdc_sequence, which spreads rows evenly; a table with none of these
 * (no key, no metadata columns: the dead-letter table, say) gets a single shard, on a worker.
 * With off, or when Citus is too old for single-shard tables, such a table stays local.
 */
export function placementForNewTable(mode: CitusMode, singleShard: boolean, request: CitusRequest | undefined, columns: readonly ColumnSpec[]): Placement {
  const asked = request?.table ?? (request?.distributionProperty !== undefined ? 'distributed' : undefined);
  const kind = asked ?? (mode === 'auto' ? 'distributed' : 'local');
  if (kind === 'local') return { kind: 'local' };
  if (kind === 'reference') return { kind: 'reference' };
  const property = request?.distributionProperty ?? request?.keys[0];
  const column = property !== undefined ? columns.find((c) => c.path.length === 1 && c.path[0] === property) : columns.find((c) => c.metadata === '_sdc_sequence');
  if (column) return { kind: 'hash', column: column.name, type: column.pgType };
  return singleShard ? { kind: 'single-shard' } : { kind: 'local' };
}

/** Classifies a table from its pg_dist_partition row (none: a plain local table). */
export function placementFromCatalog(row: PlacementRow | undefined): Placement {
  if (!row) return { kind: 'local' };
  if (row.partmethod === 'h' && row.column) return { kind: 'hash', column: row.column, type: row.column_type ?? '' };
  if (row.repmodel === 't') return { kind: 'reference' };
  return row.colocationid === 0 ? { kind: 'citus-local' } : { kind: 'single-shard' };
}

/** For logs and messages. */
export function describePlacement(p: Placement): string {
  switch (p.kind) {
    case 'hash':
      return `distributed on ${JSON.stringify(p.column)}`;
    case 'single-shard':
      return 'a single-shard distributed table';
    case 'reference':
      return 'a reference table';
    case 'citus-local':
      return 'a Citus local table';
    default:
      return 'a plain table on the coordinator';
  }
}

/** Whether two placements are the same layout (for telling the user an existing table differs from the config). */
export function samePlacement(a: Placement, b: Placement): boolean {
  const kind = (p: Placement) => (p.kind === 'citus-local' ? 'local' : p.kind);
  if (kind(a) !== kind(b)) return false;
  return a.kind !== 'hash' || (b.kind === 'hash' && a.column === b.column);
}

/** The refusal of a type change of a table's distribution column (Citus cannot alter one), else undefined. */
export function typeChangeProblem(p: Placement, table: string, column: string, from: string, to: string, why: string): string | undefined {
  if (p.kind !== 'hash' || p.column !== column) return undefined;
  return (
    `column ${JSON.stringify(column)} of table ${table} should become ${to} (${why}), but it is the table's Citus distribution column, whose type Citus cannot change (it is ${from}). ` +
    `Keep the property's type as it was, or move the table off Citus and back: SELECT undistribute_table('${table}'); rerun (the column is widened); SELECT create_distributed_table('${table}', '${column}')`
  );
}

/**
 * The refusal of a key that leaves out a distributed table's distribution column (every
 * unique constraint of a Citus table must include it), else undefined.
 */
export function keyChangeProblem(p: Placement, table: string, keyColumns: readonly string[]): string | undefined {
  if (p.kind !== 'hash' || keyColumns.length === 0 || keyColumns.includes(p.column)) return undefined;
  return (
    `key_properties now make the key (${keyColumns.join(', ')}), but table ${table} is distributed on ${JSON.stringify(p.column)}, and Citus needs the distribution column in every primary key and unique index. ` +
    `Keep the property of "${p.column}" among the key_properties, or drop the table to reload it (it is created again, distributed on the new key)`
  );
}
