import type pg from 'pg';
import type { PoolClient } from 'pg';
import type { Logger } from '../log.js';
import type { TableName } from '../schema/names.js';
import { COLUMN_TYPE_SQL, buildAlterColumnTypeSql, usingExpression } from '../sql/ddl.js';
import { CITUS_MERGE_UNSUPPORTED, DDL_LOCK_SQL, MERGE_MIN_SERVER_VERSION, SERVER_FACTS_SQL, UNIQUE_VIOLATION } from '../sql/dialect.js';
import { buildActivateVersionDeleteSql, buildActivateVersionSoftDeleteSql, buildCopySql, buildCreateStagingSql, STAGING_TABLE } from '../sql/merge.js';
import { qualified, quoteIdent } from '../sql/quote.js';
import { tableLabel, type Batch, type LoadCounts, type LoadTarget, type SyncRequest, type SyncResult } from './batch.js';
import { Citus } from './citus.js';
import type { CitusMode } from './citus-placement.js';
import type { ConnectionFactory } from './connection-factory.js';
import { integerOverflow, sqlStateOf, type BatchContext } from './db-errors.js';
import { batchBounds, distinctCsvField, firstNullRow } from '../batch/partition-bounds.js';
import { PartitionMaker, isNoPartitionError, nullRangeValue, type BatchPartitioning } from './partitions.js';
import { buildInsertFromStagingSql, type PartitionBound } from '../sql/partitions.js';
import { strategyFor } from './strategies/index.js';
import { completeOverwrite, prepareOverwrite } from './strategies/overwrite.js';
import { checkAccess, connectTimeoutError } from './access-checks.js';
import { DEFAULT_ACCESS, type TableAccess } from './schema-access.js';
import { runHook, type HookName } from './sql-hooks.js';
import { copyRows } from './copy.js';
import { DirectUpserts } from './direct-upsert.js';
import { syncTable } from './table-sync.js';
import { Transactions, type RetryOptions, type TransactionSettings } from './transaction.js';

export interface LoaderOptions extends RetryOptions, TransactionSettings {
  connections: ConnectionFactory;
  parallelism: number;
  upsertStatement?: 'merge' | 'insert_on_conflict';
  /** citus_distribution (default auto); used only when the database has the citus extension. */
  citusDistribution?: CitusMode;
  /** create_schemas, grant_select_to. */
  access?: TableAccess;
  log: Logger;
}

/** Everything that talks to PostgreSQL: the pool, DDL, COPY and the load strategies, with retries. */
export class Loader implements LoadTarget {
  private pool: pg.Pool;
  private readonly log: Logger;
  private readonly tx: Transactions;
  /** server_version_num, known after connect(). */
  private serverVersion = 0;
  /** MERGE met a concurrently inserted key once: INSERT ... ON CONFLICT from then on. */
  private mergeConflicted = false;
  /** Upsert batches of new keys COPY straight into their table. */
  private readonly direct = new DirectUpserts();
  /** The Citus coordinator, when the database has the citus extension (known after connect()). */
  private citus: Citus | undefined;
  /** ssl_mode prefer/allow met a server without TLS: every pool connects without it. */
  private withoutTls = false;
  private readonly access: TableAccess;
  /** Partitions made on demand for partitioned tables (partition_by). */
  private readonly partitions: PartitionMaker;

  constructor(private readonly options: LoaderOptions) {
    this.log = options.log;
    this.access = options.access ?? DEFAULT_ACCESS;
    this.pool = options.connections.createPool(options.parallelism + 1);
    this.tx = new Transactions(() => this.pool, options, this.log);
    this.partitions = new PartitionMaker(this.log);
  }

  /**
   * Opens one connection to check the server answers (and to settle ssl_mode prefer/allow), then
   * checks set_role, session_variables and the grant_select_to roles, so a mistake there is one
   * clear error before any input is read.
   */
  async connect(): Promise<void> {
    const connections = this.options.connections;
    await this.tx.withRetries('connect', { stream: '', table: '' }, async () => {
      let client: PoolClient;
      try {
        try {
          client = await this.pool.connect();
        } catch (e) {
          if (connections.sslFallback && /does not support SSL/i.test((e as Error).message)) {
            await this.pool.end();
            this.withoutTls = true;
            this.pool = connections.createPool(this.options.parallelism + 1, false);
            client = await this.pool.connect();
          } else throw e;
        }
      } catch (e) {
        throw connectTimeoutError(e, connections) ?? e;
      }
      try {
        const v = await client.query<{ server_version_num: string; citus_version: string | null }>(SERVER_FACTS_SQL);
        const { server_version_num: version, citus_version: citus } = v.rows[0];
        this.serverVersion = Number(version);
        if (citus) {
          this.citus = new Citus(citus, { mode: this.options.citusDistribution ?? 'auto', mergeRequested: this.options.upsertStatement === 'merge' }, this.log);
          this.log.info({ server: connections.display, version, citus, citusDistribution: this.options.citusDistribution ?? 'auto' }, 'connected to a Citus coordinator');
        } else {
          this.log.info({ server: connections.display, version }, 'connected');
        }
      } finally {
        client.release();
      }
    });
    await checkAccess(this.tx, this.options, this.access);
  }

  /** Runs before_run_sql / after_run_sql on a connection of its own. */
  async runHook(which: HookName, statements: readonly string[]): Promise<void> {
    if (!statements.length) return;
    const pool = this.options.connections.createPool(1, this.withoutTls ? false : undefined);
    try {
      await runHook(which, statements, pool, this.options, this.log);
    } finally {
      await pool.end();
    }
  }

  /** Brings the table in line with the stream's columns; returns the actual column types. */
  async syncTable(request: SyncRequest): Promise<SyncResult> {
    return this.tx.run('sync table', { stream: request.stream, table: tableLabel(request.table) }, (client) => syncTable(client, request, this.log, this.citus, this.access));
  }

  /** Starts an overwrite: an empty fresh table shaped like the live one; returns its name. */
  async prepareOverwrite(stream: string, live: TableName): Promise<TableName> {
    const fresh = await this.tx.run('prepare overwrite', { stream, table: tableLabel(live) }, (client) => prepareOverwrite(client, live, this.citus, this.access));
    this.partitions.forget(fresh);
    return fresh;
  }

  /** Ends an overwrite: the fresh table atomically replaces the live one. */
  async completeOverwrite(stream: string, live: TableName, fresh: TableName): Promise<void> {
    await this.tx.run('complete overwrite', { stream, table: tableLabel(live) }, (client) => completeOverwrite(client, live, fresh));
    this.log.info({ stream, table: tableLabel(live) }, 'overwrite complete: the freshly loaded table replaced the old one');
  }

  /**
   * Loads one batch in one transaction. An integer value beyond its column's range widens the
   * column (to bigint, or numeric past bigint) and the batch is loaded again.
   */
  async load(batch: Batch): Promise<LoadCounts> {
    for (let widened = 0; ; widened++) {
      try {
        return await this.loadOnce(batch);
      } catch (e) {
        if (this.useMerge(batch) && sqlStateOf(e) === UNIQUE_VIOLATION) {
          this.mergeConflicted = true;
          this.log.warn({ stream: batch.stream }, 'MERGE met a key inserted by another session; upserting with INSERT ... ON CONFLICT from now on');
          continue;
        }
        if (this.citus && this.useMerge(batch) && CITUS_MERGE_UNSUPPORTED.test((e as Error).message)) {
          this.citus.mergeRefused(batch.table);
          this.log.info({ stream: batch.stream, table: tableLabel(batch.table) }, 'Citus refused MERGE into the table; upserting with INSERT ... ON CONFLICT');
          continue;
        }
        const overflow = widened < 3 * batch.columns.length ? integerOverflow(e, batch.columns) : undefined;
        if (!overflow) throw e;
        const fitsBigint = /^-?\d+$/.test(overflow.value) && BigInt(overflow.value) >= -(2n ** 63n) && BigInt(overflow.value) < 2n ** 63n;
        const to = overflow.type !== 'bigint' && fitsBigint ? 'bigint' : 'numeric';
        const widenedTo = await this.tx.run('widen column', { stream: batch.stream, table: tableLabel(batch.table) }, async (client) => {
          await client.query(DDL_LOCK_SQL);
          // an integer array column (bigint[]) widens to an array of the wider type
          const current = await client.query<{ type: string }>(COLUMN_TYPE_SQL, [qualified(batch.table.schema, batch.table.table), overflow.column]);
          const type = current.rows[0]?.type.endsWith('[]') ? `${to}[]` : to;
          if (this.citus) {
            const guard = this.citus.guard(await this.citus.placementOf(client, batch.table), batch.stream, batch.table);
            guard.refuseTypeChange(overflow.column, current.rows[0]?.type ?? overflow.type, type, `a value ${overflow.value} is beyond its range`);
          }
          await client.query(buildAlterColumnTypeSql(batch.table.schema, batch.table.table, overflow.column, type, usingExpression(overflow.column, type, 'cast')));
          return type;
        });
        this.log.info({ stream: batch.stream, column: overflow.column, from: overflow.type, to: widenedTo, value: overflow.value }, 'widened column for a value beyond its range');
      }
    }
  }

  private async loadOnce(batch: Batch): Promise<LoadCounts> {
    const ctx = { stream: batch.stream, table: tableLabel(batch.table), lines: batch.lines, columns: batch.columns };
    const strategy = strategyFor(batch.merge);
    const started = performance.now();
    const partition = batch.partition;
    // a partitioned table: the partitions its rows need, made first; false when they must be found from a staging table
    let ready = partition ? await this.preparePartitions(batch, partition, ctx) : false;
    let counts: LoadCounts | { missing: PartitionBound[] } | undefined;
    for (let round = 0; ; round++) {
      if (round > 3) throw new Error(`internal: partitions of ${tableLabel(batch.table)} still missing after creating them ${round} times`);
      counts = await this.tx
        .run('load batch', ctx, async (client) => {
          if (strategy.copiesIntoTable && (!partition || ready)) {
            await copyRows(client, qualified(batch.table.schema, batch.table.table), batch);
            return strategy.mergeStaged(client, batch, { useMerge: false });
          }
          if (this.direct.eligible(batch, !this.citus)) {
            const direct = await this.direct.tryCopy(client, batch);
            if (direct) return direct;
            this.log.debug({ stream: batch.stream, table: ctx.table }, 'a batch met existing keys: upserts of this table go through the staging table from now on');
          }
          await client.query(buildCreateStagingSql(batch.table.schema, batch.table.table, batch.columns));
          await copyRows(client, quoteIdent(STAGING_TABLE), batch);
          if (partition && !ready) {
            // the staged rows' partitions (made outside this transaction, then the batch runs again)
            const missing = await this.partitions.missingFor(client, batch.table, partition, batch.stream);
            if (missing.length) return { missing };
            if (strategy.copiesIntoTable) {
              const r = await client.query(buildInsertFromStagingSql(batch.table.schema, batch.table.table, batch.columns));
              return { inserted: r.rowCount ?? 0, updated: 0, deleted: 0 };
            }
          }
          return strategy.mergeStaged(client, batch, { useMerge: this.useMerge(batch), citusReference: this.citus?.isReference(batch.table) });
        })
        .catch((e: unknown) => {
          // a row PostgreSQL placed otherwise than read here (or a partition dropped meanwhile): through a staging table instead
          if (!ready || !isNoPartitionError(e)) throw e;
          ready = false;
          this.partitions.forget(batch.table);
          return undefined;
        });
      if (counts === undefined) continue;
      if (!('missing' in counts)) break;
      const missing = counts.missing;
      await this.tx.run('create partitions', ctx, (client) => this.partitions.create(client, batch.table, partition!, missing, batch.stream));
    }
    this.log.debug({ stream: batch.stream, rows: batch.rowCount, ...counts, ms: Math.round(performance.now() - started) }, 'batch committed');
    return counts;
  }

  /**
   * The partitions a batch needs, read from its encoded rows, created when not known to exist;
   * true when they are there (hash: always). False when a value cannot be read here.
   */
  private async preparePartitions(batch: Batch, partition: BatchPartitioning, ctx: BatchContext): Promise<boolean> {
    // hash partitions all exist; update and delete never insert, so need no new partition
    if (partition.strategy === 'hash' || batch.merge === 'update' || batch.merge === 'delete') return true;
    const values = distinctCsvField(batch.chunks, batch.columns.indexOf(partition.column));
    const needed = batchBounds(values, partition.strategy, partition.interval, partition.columnType);
    if (!needed) return false;
    if (needed.hasNull && !partition.defaultPartition) {
      // the rows before it are committed by the batcher, as for any value PostgreSQL rejects
      const row = firstNullRow(batch.chunks, batch.columns.indexOf(partition.column))!;
      throw nullRangeValue(batch.stream, partition.column, batch.lines[row - 1], row);
    }
    const missing = this.partitions.unknown(batch.table, needed.bounds, partition.interval);
    if (missing.length) await this.tx.run('create partitions', ctx, (client) => this.partitions.create(client, batch.table, partition, missing, batch.stream));
    return true;
  }

  private useMerge(batch: Batch): boolean {
    return (
      batch.merge === 'upsert' &&
      !this.mergeConflicted &&
      this.options.upsertStatement === 'merge' &&
      this.serverVersion >= MERGE_MIN_SERVER_VERSION &&
      (this.citus === undefined || this.citus.mergeAllowed(batch.table))
    );
  }

  /**
   * ACTIVATE_VERSION: rows whose _sdc_table_version is null or below `version` are deleted
   * (hard) or get _sdc_deleted_at once (soft). Returns the number of rows touched.
   */
  async activateVersion(stream: string, table: TableName, version: number, hard: boolean): Promise<number> {
    return this.tx.run('activate version', { stream, table: tableLabel(table) }, async (client) => {
      const sql = hard ? buildActivateVersionDeleteSql(table.schema, table.table) : buildActivateVersionSoftDeleteSql(table.schema, table.table);
      const params: unknown[] = hard ? [version] : [version, new Date().toISOString()];
      const r = await client.query(sql, params);
      return r.rowCount ?? 0;
    });
  }

  /** Other database work (embeddings) in one transaction on the pool, with the same retries and error reporting. */
  transaction<T>(what: string, ctx: { stream: string; table: string }, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.tx.run(what, ctx, work);
  }

  async close(): Promise<void> {
    try {
      await this.pool.end();
    } finally {
      await this.options.connections.close?.();
    }
  }
}
