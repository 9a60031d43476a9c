import type { PoolClient } from 'pg';
import { ConfigError, InputError } from '../errors.js';
import type { Logger } from '../log.js';
import { fitIdentifier, shortHash, type TableName } from '../schema/names.js';
import { buildReleaseSavepointSql, buildRollbackToSavepointSql, buildSavepointSql } from '../sql/ddl.js';
import { DDL_LOCK_SQL } from '../sql/dialect.js';
import { buildLockTableSql, buildRenameTableSql } from '../sql/overwrite.js';
import {
  PARTITIONS_SQL,
  TABLE_COLUMNS_SQL,
  TABLE_PARTITIONING_SQL,
  buildBatchBoundsSql,
  buildBoundConditionSql,
  buildBoundSql,
  buildCreateLikePartitionedSql,
  buildCreatePartitionSql,
  buildHasRowsSql,
  buildMovePartitionSql,
  buildPartitionKeySql,
  partitionName,
  type PartitionBound,
} from '../sql/partitions.js';
import { qualified } from '../sql/quote.js';
import type { PartitionInterval, PartitionStrategy } from '../stream/partition-plan.js';
import { sqlStateOf } from './db-errors.js';

/** How a batch's table is partitioned (set only when the table really is). */
export interface BatchPartitioning {
  column: string;
  /** The partition column's actual type. */
  columnType: string;
  strategy: PartitionStrategy;
  interval?: PartitionInterval;
  modulus?: number;
  defaultPartition: boolean;
}

/** More new partitions than this for one batch is worth a warning (list partitioning on a near-unique column, say). */
const MANY_PARTITIONS = 100;

/** SQLSTATE of "partition would overlap partition" (a range the user partitioned otherwise). */
const INVALID_OBJECT_DEFINITION = '42P17';

interface Child {
  name: string;
  bound: string;
}

async function childrenOf(client: PoolClient, table: TableName): Promise<Child[]> {
  return (await client.query<Child>(PARTITIONS_SQL, [qualified(table.schema, table.table)])).rows;
}

const sameKey = (a: string, b: string) => a.replace(/"/g, '') === b.replace(/"/g, '');

/**
 * At table sync, inside its transaction (DDL lock held): a table created partitioned gets its
 * fixed partitions (every hash remainder; the default partition); an existing partitioned table
 * gets a missing default partition. An existing table that is not partitioned is left as it is,
 * with a warning (converting it would rewrite the table). True when batches must see to
 * partitions.
 */
export async function syncPartitioning(client: PoolClient, table: TableName, p: BatchPartitioning, stream: string, log: Logger): Promise<boolean> {
  const kind = (await client.query<{ relkind: string; key: string | null }>(TABLE_PARTITIONING_SQL, [table.schema, table.table])).rows[0];
  if (kind?.relkind !== 'p') {
    log.warn(
      { stream, table: `${table.schema}.${table.table}` },
      'partition_by is set but the table already exists and is not partitioned: it is loaded as it is, unpartitioned. To partition it, rename it away, let the next run create the partitioned table, and copy the rows over',
    );
    return false;
  }
  const wanted = buildPartitionKeySql(p.strategy, p.column);
  if (!sameKey(kind.key ?? '', wanted)) {
    throw new ConfigError(`stream ${JSON.stringify(stream)}: table ${table.schema}.${table.table} is partitioned by ${kind.key}, but partition_by asks for ${wanted}; make partition_by match the table, or drop the table to recreate it`);
  }
  const children = await childrenOf(client, table);
  const fixed: PartitionBound[] = [];
  if (p.strategy === 'hash' && children.length === 0) for (let r = 0; r < (p.modulus ?? 0); r++) fixed.push({ kind: 'hash', modulus: p.modulus!, remainder: r });
  if (p.defaultPartition && !children.some((c) => c.bound === 'DEFAULT')) fixed.push({ kind: 'default' });
  for (const bound of fixed) await client.query(buildCreatePartitionSql(table.schema, table.table, partitionName(table.table, bound), buildBoundSql(bound)));
  if (fixed.length) log.info({ stream, partitions: fixed.length }, 'created partitions');
  return true;
}

/**
 * Partitions made on demand for the values each batch brings (range by interval, list by
 * value). The batch's transaction finds the bounds its staged rows need; missing ones are made
 * in a transaction of their own under the DDL lock (concurrent runs and lanes wait for each
 * other there, never inside a load), then the batch is loaded again. Known partitions are
 * remembered per table, so a batch whose partitions exist costs one DISTINCT over its staging
 * table and no catalog query.
 */
export class PartitionMaker {
  private readonly known = new Map<string, Set<string>>();

  constructor(private readonly log: Logger) {}

  /** A table was dropped or recreated (an overwrite's fresh table): what was known of it is not. */
  forget(table: TableName): void {
    this.known.delete(qualified(table.schema, table.table));
  }

  /** Inside the batch's transaction, rows staged: the bounds that have no partition yet. */
  async missingFor(client: PoolClient, table: TableName, p: BatchPartitioning, stream: string): Promise<PartitionBound[]> {
    if (p.strategy === 'hash') return [];
    const rows = (await client.query<{ lo?: string | null; hi?: string | null; v?: string | null }>(buildBatchBoundsSql(p.column, p.strategy, p.interval))).rows;
    const bounds: PartitionBound[] = [];
    for (const r of rows) {
      if (p.strategy === 'list') bounds.push({ kind: 'list', value: r.v ?? null });
      else if (r.lo != null) bounds.push({ kind: 'range', from: r.lo, to: r.hi! });
      else if (!p.defaultPartition) throw nullRangeValue(stream, p.column);
    }
    const label = qualified(table.schema, table.table);
    let known = this.known.get(label);
    const unknown = () => bounds.filter((b) => !known!.has(partitionName(table.table, b, p.interval)));
    if (known && unknown().length === 0) return [];
    // names found covered by another partition stay known
    known = new Set([...(known ?? []), ...(await childrenOf(client, table)).map((c) => c.name)]);
    this.known.set(label, known);
    return unknown();
  }

  /** Of these bounds, those without a partition known to exist (no database work). */
  unknown(table: TableName, bounds: readonly PartitionBound[], interval?: PartitionInterval): PartitionBound[] {
    const known = this.known.get(qualified(table.schema, table.table));
    return known ? bounds.filter((b) => !known.has(partitionName(table.table, b, interval))) : [...bounds];
  }

  /** Its own transaction: creates the partitions of these bounds that do not exist yet, under the DDL lock. */
  async create(client: PoolClient, table: TableName, p: BatchPartitioning, bounds: PartitionBound[], stream: string): Promise<void> {
    const label = qualified(table.schema, table.table);
    let children = await childrenOf(client, table);
    const exists = new Set([...(this.known.get(label) ?? []), ...children.map((c) => c.name)]);
    if (bounds.every((b) => exists.has(partitionName(table.table, b, p.interval)))) {
      this.known.set(label, exists);
      return;
    }
    await client.query(DDL_LOCK_SQL);
    children = await childrenOf(client, table);
    const known = new Set([...exists, ...children.map((c) => c.name)]);
    const defaultChild = children.find((c) => c.bound === 'DEFAULT')?.name;
    // with a default partition: no row may reach it between looking at its rows and creating the
    // partition (CREATE ... PARTITION OF takes this lock anyway, and would fail on such a row)
    if (defaultChild) await client.query(buildLockTableSql(table.schema, table.table));
    const created: string[] = [];
    if (bounds.length > MANY_PARTITIONS) {
      this.log.warn({ stream, table: `${table.schema}.${table.table}`, partitions: bounds.length }, 'one batch needs this many new partitions: is partition_by on a column with this many values (or a range interval this fine) what you meant?');
    }
    for (const bound of bounds) {
      const name = partitionName(table.table, bound, p.interval);
      if (known.has(name)) continue;
      await client.query(buildSavepointSql('tp_partition'));
      try {
        if (defaultChild && (await client.query<{ has: boolean }>(buildHasRowsSql(table.schema, defaultChild, buildBoundConditionSql(p.column, bound)))).rows[0].has) {
          const columns = (await client.query<{ name: string }>(TABLE_COLUMNS_SQL, [label])).rows.map((c) => c.name);
          for (const sql of buildMovePartitionSql(table.schema, table.table, name, defaultChild, columns, bound, p.column)) await client.query(sql);
          this.log.info({ stream, partition: name }, 'moved rows of the default partition into a new partition');
        } else {
          await client.query(buildCreatePartitionSql(table.schema, table.table, name, buildBoundSql(bound)));
        }
        await client.query(buildReleaseSavepointSql('tp_partition'));
        created.push(name);
      } catch (e) {
        await client.query(buildRollbackToSavepointSql('tp_partition'));
        // a partition of the user's (under another name) already takes these rows
        if (sqlStateOf(e) !== INVALID_OBJECT_DEFINITION) throw e;
        this.log.debug({ stream, partition: name, err: (e as Error).message }, 'rows are already covered by another partition');
      }
      known.add(name);
    }
    const after = new Set((await childrenOf(client, table)).map((c) => c.name));
    const taken = created.filter((n) => !after.has(n));
    if (taken.length) {
      throw new ConfigError(`stream ${JSON.stringify(stream)}: cannot create partition ${table.schema}.${taken[0]} of ${table.schema}.${table.table}: a table of that name exists and is not its partition; rename that table`);
    }
    this.known.set(label, known);
    if (created.length) this.log.info({ stream, table: `${table.schema}.${table.table}`, partitions: created }, 'created partitions');
  }
}

/**
 * The schema wants the partition column wider, which PostgreSQL cannot do to a partition key:
 * an input error at the SCHEMA (loading on would cut values, a date-time into a date column),
 * unless the table is not partitioned after all.
 */
export async function refusePartitionKeyChange(client: PoolClient, table: TableName, stream: string, column: string, from: string, to: string): Promise<void> {
  const kind = (await client.query<{ relkind: string }>(TABLE_PARTITIONING_SQL, [table.schema, table.table])).rows[0];
  if (kind?.relkind !== 'p') return;
  throw new InputError(
    `the schema now makes the partition column ${to}, but it is ${from} in table ${table.schema}.${table.table}, and PostgreSQL cannot change the type of a partition key; keep the property's type, or recreate the table (rename it away, let the target create it, copy the rows over)`,
    { stream, column },
  );
}

/** A null in a range partition column without a default partition: the user's to fix. */
export function nullRangeValue(stream: string, column: string, line?: number, batchRow?: number): InputError {
  return new InputError(
    'a record has no value for the partition column; a range partition cannot hold null. Send a value, or set partition_by.default_partition to keep such rows in a default partition',
    { stream, line, column },
    { batchRow },
  );
}

/** A row found no partition (PostgreSQL's check_violation "no partition of relation ... found for row"). */
export function isNoPartitionError(error: unknown): boolean {
  const cause = (error as { cause?: unknown })?.cause ?? error;
  return sqlStateOf(cause) === '23514' && /no partition of relation/.test(String((cause as Error)?.message));
}

/** overwrite: the CREATE statement of the fresh table when the live one is partitioned (LIKE it, PARTITION BY its key), else undefined. */
export async function freshTableSql(client: PoolClient, live: TableName, fresh: string): Promise<string | undefined> {
  const kind = (await client.query<{ relkind: string; key: string | null }>(TABLE_PARTITIONING_SQL, [live.schema, live.table])).rows[0];
  return kind?.relkind === 'p' && kind.key ? buildCreateLikePartitionedSql(live.schema, fresh, live.table, kind.key) : undefined;
}

/** overwrite: the fresh table gets the live table's partitions (same bounds), named for the fresh table. */
export async function copyPartitions(client: PoolClient, live: TableName, fresh: string): Promise<void> {
  for (const child of await childrenOf(client, live)) {
    const name = renamedChild(child.name, live.table, fresh);
    await client.query(buildCreatePartitionSql(live.schema, fresh, name, child.bound));
  }
}

/** overwrite, after the swap (the retired table dropped): the partitions named for the fresh table take the live table's name. */
export async function renamePartitionsAfterSwap(client: PoolClient, live: TableName, fresh: string): Promise<void> {
  for (const child of await childrenOf(client, live)) {
    if (child.name.startsWith(`${fresh}__`)) await client.query(buildRenameTableSql(live.schema, child.name, renamedChild(child.name, fresh, live.table)));
  }
}

/** A partition's name under another parent: `<from>__suffix` becomes `<to>__suffix`; another name gets `<to>___x<hash of it>`. */
function renamedChild(child: string, from: string, to: string): string {
  const suffix = child.startsWith(`${from}__`) ? child.slice(from.length + 2) : `_x${shortHash(child)}`;
  return fitIdentifier(`${to}__${suffix}`);
}
