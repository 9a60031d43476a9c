import type pg from 'pg';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../log.js';
import type { TableName } from '../schema/names.js';
import { COLUMN_TYPE_SQL, buildAlterColumnTypeSql, usingExpression } from '../sql/ddl.js';
import { DDL_LOCK_SQL, MERGE_MIN_SERVER_VERSION, SERVER_VERSION_SQL, UNIQUE_VIOLATION } from '../sql/dialect.js';
import { buildActivateVersionDeleteSql, buildActivateVersionSoftDeleteSql, buildCopySql, buildCreateStagingSql, STAGING_TABLE } from '../sql/merge.js';
import { qualified, quoteIdent } from '../sql/quote.js';
import { tableLabel, type Batch, type LoadCounts, type LoadTarget, type SyncRequest, type SyncResult } from './batch.js';
import type { ConnectionFactory } from './connection-factory.js';
import { integerOverflow, sqlStateOf } from './db-errors.js';
import { strategyFor } from './strategies/index.js';
import { completeOverwrite, prepareOverwrite } from './strategies/overwrite.js';
import { syncTable } from './table-sync.js';
import { Transactions, type RetryOptions, type TransactionSettings } from './transaction.js';

export interface LoaderOptions extends RetryOptions, TransactionSettings {
  connections: ConnectionFactory;
  parallelism: number;
  upsertStatement?: 'merge' | 'insert_on_conflict';
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

  constructor(private readonly options: LoaderOptions) {
    this.log = options.log;
    this.pool = options.connections.createPool(options.parallelism + 1);
    this.tx = new Transactions(() => this.pool, options, this.log);
  }

  /** Opens one connection to check the server answers (and to settle ssl_mode prefer/allow). */
  async connect(): Promise<void> {
    const connections = this.options.connections;
    await this.tx.withRetries('connect', { stream: '', table: '' }, async () => {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        if (connections.sslFallback && /does not support SSL/i.test((e as Error).message)) {
          await this.pool.end();
          this.pool = connections.createPool(this.options.parallelism + 1, false);
          client = await this.pool.connect();
        } else throw e;
      }
      try {
        const v = await client.query<{ server_version_num: string }>(SERVER_VERSION_SQL);
        this.serverVersion = Number(v.rows[0].server_version_num);
        this.log.info({ server: connections.display, version: v.rows[0].server_version_num }, 'connected');
      } finally {
        client.release();
      }
    });
  }

  /** Brings the table in line with the stream's columns; returns the actual column types. */
  async syncTable(request: SyncRequest): Promise<SyncResult> {
    return this.tx.run('sync table', { stream: request.stream, table: tableLabel(request.table) }, (client) => syncTable(client, request, this.log));
  }

  /** Starts an overwrite: an empty fresh table shaped like the live one; returns its name. */
  async prepareOverwrite(stream: string, live: TableName): Promise<TableName> {
    return this.tx.run('prepare overwrite', { stream, table: tableLabel(live) }, (client) => prepareOverwrite(client, live));
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
        const overflow = widened < 3 * batch.columns.length ? integerOverflow(e, batch.columns) : undefined;
        if (!overflow) throw e;
        const fitsBigint = /^-?\d+$/.test(overflow.value) && BigInt(overflow.value) >= -(2n ** 63n) && BigInt(overflow.value) < 2n ** 63n;
        const to = overflow.type !== 'bigint' && fitsBigint ? 'bigint' : 'numeric';
        const widenedTo = await this.tx.run('widen column', { stream: batch.stream, table: tableLabel(batch.table) }, async (client) => {
          await client.query(DDL_LOCK_SQL);
          // an integer array column (bigint[]) widens to an array of the wider type
          const current = await client.query<{ type: string }>(COLUMN_TYPE_SQL, [qualified(batch.table.schema, batch.table.table), overflow.column]);
          const type = current.rows[0]?.type.endsWith('[]') ? `${to}[]` : to;
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
    const counts = await this.tx.run('load batch', ctx, async (client) => {
      if (strategy.copiesIntoTable) {
        await copyInto(client, buildCopySql(qualified(batch.table.schema, batch.table.table), batch.columns), batch.chunks);
        return strategy.mergeStaged(client, batch, { useMerge: false });
      }
      await client.query(buildCreateStagingSql(batch.table.schema, batch.table.table, batch.columns));
      await copyInto(client, buildCopySql(quoteIdent(STAGING_TABLE), batch.columns), batch.chunks);
      return strategy.mergeStaged(client, batch, { useMerge: this.useMerge(batch) });
    });
    this.log.debug({ stream: batch.stream, rows: batch.rowCount, ...counts, ms: Math.round(performance.now() - started) }, 'batch committed');
    return counts;
  }

  private useMerge(batch: Batch): boolean {
    return batch.merge === 'upsert' && !this.mergeConflicted && this.options.upsertStatement === 'merge' && this.serverVersion >= MERGE_MIN_SERVER_VERSION;
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
    await this.pool.end();
  }
}

async function copyInto(client: PoolClient, sql: string, chunks: Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
}
