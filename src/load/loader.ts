import pg from 'pg';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionSettings } from '../config/connection.js';
import type { TableName } from '../schema/names.js';
import {
  buildActivateVersionDeleteSql,
  buildActivateVersionSoftDeleteSql,
  buildCopySql,
  buildCreateStagingSql,
  buildDeleteMarkedSql,
  buildMergeSql,
  buildUpsertLiveSql,
  buildUpsertSql,
  STAGING_TABLE,
} from '../sql/merge.js';
import { qualified, quoteIdent } from '../sql/quote.js';
import type { Logger } from '../log.js';
import { buildAlterColumnTypeSql } from '../sql/ddl.js';
import { integerOverflow, isTransient, sqlStateOf, toTargetError, type BatchContext } from './db-errors.js';
import { DDL_LOCK, syncTable, type SyncRequest, type SyncResult } from './table-sync.js';
import { completeOverwrite, prepareOverwrite } from './overwrite.js';
import { buildHistoryMergeSql } from '../sql/history.js';
import type { MergeMode } from '../target/stream-plan.js';

/** One flush of one stream: encoded CSV rows and where they go. */
export interface Batch {
  stream: string;
  table: TableName;
  /** COPY column order. */
  columns: string[];
  /** append: COPY into the table; upsert: merge on keyColumns; history: new versions per key. */
  merge: MergeMode;
  keyColumns: string[];
  /** Upsert: an older record (by this column) never overwrites a newer one. */
  orderColumn?: string;
  /** History: the columns whose change makes a new version. */
  dataColumns?: string[];
  /** Keyed rows carrying _sdc_deleted_at are deleted instead of upserted. */
  hardDelete: boolean;
  chunks: Buffer[];
  rowCount: number;
  /** Input line of each row, in COPY order. */
  lines: number[];
}

export interface LoaderOptions {
  connection: ConnectionSettings;
  parallelism: number;
  maxRetries: number;
  retryBackoffMs: number;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  upsertStatement?: 'merge' | 'insert_on_conflict';
  log: Logger;
}

/** Everything that talks to PostgreSQL: the pool, DDL, COPY and merges, with retries. */
export class Loader {
  private pool: pg.Pool;
  private readonly log: Logger;
  /** server_version_num, known after connect(). */
  private serverVersion = 0;
  /** MERGE met a concurrently inserted key once: INSERT ... ON CONFLICT from then on. */
  private mergeConflicted = false;
  private readonly guarded = new WeakSet<PoolClient>();

  constructor(private readonly options: LoaderOptions) {
    this.log = options.log;
    this.pool = this.createPool(options.connection.client.ssl);
  }

  private createPool(ssl: pg.ClientConfig['ssl']): pg.Pool {
    const pool = new pg.Pool({
      ...this.options.connection.client,
      ssl,
      options: sessionOptions(this.options),
      max: this.options.parallelism + 1,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process; the next batch reconnects.
    pool.on('error', (err) => this.log.warn({ err: err.message }, 'idle database connection lost'));
    return pool;
  }

  /** Opens one connection to check the server answers (and to settle ssl_mode prefer/allow). */
  async connect(): Promise<void> {
    await this.withRetries('connect', { stream: '', table: '' }, async () => {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        if (this.options.connection.sslFallback && /does not support SSL/i.test((e as Error).message)) {
          await this.pool.end();
          this.pool = this.createPool(false);
          client = await this.pool.connect();
        } else throw e;
      }
      this.guard(client);
      try {
        const v = await client.query<{ server_version_num: string }>('SHOW server_version_num');
        this.serverVersion = Number(v.rows[0].server_version_num);
        this.log.info({ server: this.options.connection.display, version: v.rows[0].server_version_num }, 'connected');
      } finally {
        client.release();
      }
    });
  }

  /**
   * A connection lost outside a query (between two queries, or while the pool is closing it) is
   * reported as an 'error' event on its client; without a listener it would crash the process.
   * Every client gets one listener for its whole life: the next query on it fails and is retried.
   */
  private guard(client: PoolClient): void {
    if (this.guarded.has(client)) return;
    this.guarded.add(client);
    client.on('error', (e: Error) => this.log.debug({ err: e.message }, 'database connection lost'));
  }

  /** Brings the table in line with the stream's columns; returns the actual column types. */
  async syncTable(request: SyncRequest): Promise<SyncResult> {
    const { stream, table } = request;
    return this.inTransaction('sync table', { stream, table: `${table.schema}.${table.table}` }, (client) => syncTable(client, request, this.log));
  }

  /** Starts an overwrite: an empty fresh table shaped like the live one; returns its name. */
  async prepareOverwrite(stream: string, live: TableName): Promise<TableName> {
    return this.inTransaction('prepare overwrite', { stream, table: `${live.schema}.${live.table}` }, (client) => prepareOverwrite(client, live));
  }

  /** Ends an overwrite: the fresh table atomically replaces the live one. */
  async completeOverwrite(stream: string, live: TableName, fresh: TableName): Promise<void> {
    await this.inTransaction('complete overwrite', { stream, table: `${live.schema}.${live.table}` }, (client) => completeOverwrite(client, live, fresh));
    this.log.info({ stream, table: `${live.schema}.${live.table}` }, 'overwrite complete: the freshly loaded table replaced the old one');
  }

  /**
   * Loads one batch in one transaction. An integer value beyond its column's range widens the
   * column (to bigint, or numeric past bigint) and the batch is loaded again.
   */
  async load(batch: Batch): Promise<void> {
    for (let widened = 0; ; widened++) {
      try {
        await this.loadOnce(batch);
        return;
      } catch (e) {
        if (this.useMerge(batch) && sqlStateOf(e) === '23505') {
          this.mergeConflicted = true;
          this.log.warn({ stream: batch.stream }, 'MERGE met a key inserted by another session; upserting with INSERT ... ON CONFLICT from now on');
          continue;
        }
        const overflow = widened < 3 * batch.columns.length ? integerOverflow(e, batch.columns) : undefined;
        if (!overflow) throw e;
        const fitsBigint = /^-?\d+$/.test(overflow.value) && BigInt(overflow.value) >= -(2n ** 63n) && BigInt(overflow.value) < 2n ** 63n;
        const to = overflow.type !== 'bigint' && fitsBigint ? 'bigint' : 'numeric';
        await this.inTransaction('widen column', { stream: batch.stream, table: `${batch.table.schema}.${batch.table.table}` }, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
          await client.query(buildAlterColumnTypeSql(batch.table.schema, batch.table.table, overflow.column, to, `${quoteIdent(overflow.column)}::${to}`));
        });
        this.log.info({ stream: batch.stream, column: overflow.column, from: overflow.type, to, value: overflow.value }, 'widened column for a value beyond its range');
      }
    }
  }

  private async loadOnce(batch: Batch): Promise<void> {
    const target = qualified(batch.table.schema, batch.table.table);
    const ctx = { stream: batch.stream, table: `${batch.table.schema}.${batch.table.table}`, lines: batch.lines, columns: batch.columns };
    const started = performance.now();
    await this.inTransaction('load batch', ctx, async (client) => {
      if (batch.merge === 'append') {
        await copyInto(client, buildCopySql(target, batch.columns), batch.chunks);
        return;
      }
      await client.query(buildCreateStagingSql(batch.table.schema, batch.table.table, batch.columns));
      await copyInto(client, buildCopySql(quoteIdent(STAGING_TABLE), batch.columns), batch.chunks);
      const { schema, table } = batch.table;
      if (batch.merge === 'history') {
        for (const sql of buildHistoryMergeSql(schema, table, batch.columns, batch.dataColumns ?? batch.columns, batch.keyColumns)) await client.query(sql);
      } else if (this.useMerge(batch)) {
        await client.query(buildMergeSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn, batch.hardDelete));
      } else if (batch.hardDelete) {
        await client.query(buildUpsertLiveSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn));
        await client.query(buildDeleteMarkedSql(schema, table, batch.keyColumns, batch.orderColumn));
      } else {
        await client.query(buildUpsertSql(schema, table, batch.columns, batch.keyColumns, batch.orderColumn));
      }
    });
    this.log.debug({ stream: batch.stream, rows: batch.rowCount, ms: Math.round(performance.now() - started) }, 'batch committed');
  }

  private useMerge(batch: Batch): boolean {
    return batch.merge === 'upsert' && !this.mergeConflicted && this.options.upsertStatement === 'merge' && this.serverVersion >= 150000;
  }

  /**
   * ACTIVATE_VERSION: rows whose _sdc_table_version is null or below `version` are deleted
   * (hard) or get _sdc_deleted_at once (soft). Returns the number of rows touched.
   */
  async activateVersion(stream: string, table: TableName, version: number, hard: boolean): Promise<number> {
    const ctx = { stream, table: `${table.schema}.${table.table}` };
    return this.inTransaction('activate version', ctx, async (client) => {
      const sql = hard ? buildActivateVersionDeleteSql(table.schema, table.table) : buildActivateVersionSoftDeleteSql(table.schema, table.table);
      const params: unknown[] = hard ? [version] : [version, new Date().toISOString()];
      const r = await client.query(sql, params);
      return r.rowCount ?? 0;
    });
  }

  private async inTransaction<T>(what: string, ctx: BatchContext, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withRetries(what, ctx, async () => {
      const client = await this.pool.connect();
      this.guard(client);
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        broken = true;
        await client.query('ROLLBACK').then(
          () => (broken = false),
          () => undefined,
        );
        throw e;
      } finally {
        client.release(broken ? true : undefined);
      }
    });
  }

  private async withRetries<T>(what: string, ctx: BatchContext, attempt: () => Promise<T>): Promise<T> {
    const { maxRetries, retryBackoffMs } = this.options;
    for (let tryNo = 0; ; tryNo++) {
      try {
        return await attempt();
      } catch (e) {
        if (!isTransient(e) || tryNo >= maxRetries) {
          const err = toTargetError(e, ctx);
          if (tryNo > 0 && err.transient) err.message = `${err.message} (gave up after ${tryNo} retries)`;
          throw err;
        }
        const delay = retryBackoffMs * 2 ** tryNo * (0.5 + Math.random());
        this.log.warn({ what, stream: ctx.stream || undefined, err: (e as Error).message, retry: tryNo + 1, delayMs: Math.round(delay) }, 'transient database error, retrying');
        await sleep(delay);
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Session settings for every connection: UTC for timestamps without offset, optional timeouts. */
function sessionOptions(o: LoaderOptions): string {
  const opts = ['-c TimeZone=UTC', '-c DateStyle=ISO'];
  if (o.statementTimeoutMs) opts.push(`-c statement_timeout=${o.statementTimeoutMs}`);
  if (o.lockTimeoutMs) opts.push(`-c lock_timeout=${o.lockTimeoutMs}`);
  return opts.join(' ');
}

async function copyInto(client: PoolClient, sql: string, chunks: Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
}
