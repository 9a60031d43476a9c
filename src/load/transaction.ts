import type pg from 'pg';
import type { PoolClient } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { buildSessionSettingsSql } from '../sql/access.js';
import { isTransient, toTargetError, type BatchContext } from './db-errors.js';

export interface RetryOptions {
  maxRetries: number;
  retryBackoffMs: number;
}

/** Settings every transaction of the target runs with. */
export interface TransactionSettings {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** set_role: the role every transaction runs as. */
  role?: string;
  /** session_variables, as text. */
  variables?: Readonly<Record<string, string>>;
}

/**
 * The statement that opens every transaction: BEGIN and, in the same round trip, SET LOCAL of
 * what the loads rely on: UTC for date-times without an offset, ISO date order, the timeouts,
 * then the role and the session variables of the config (set_role, session_variables).
 * Transaction-scoped, so correctness never depends on a session's state (a pooler in
 * transaction mode hands each transaction any server connection, with any role defaults).
 */
export function buildBeginSql(settings: TransactionSettings): string {
  const parts = ['BEGIN', "SET LOCAL TimeZone = 'UTC'", "SET LOCAL DateStyle = 'ISO, MDY'"];
  if (settings.statementTimeoutMs) parts.push(`SET LOCAL statement_timeout = ${Math.trunc(settings.statementTimeoutMs)}`);
  if (settings.lockTimeoutMs) parts.push(`SET LOCAL lock_timeout = ${Math.trunc(settings.lockTimeoutMs)}`);
  parts.push(...buildSessionSettingsSql(settings.role, settings.variables ?? {}));
  return parts.join('; ');
}

/**
 * Runs database work in transactions, retrying the whole unit on transient errors (connection
 * lost, deadlock, serialization failure, server restarting) with exponential backoff and
 * jitter. Every failure leaves as a TargetError that names the stream and table.
 */
export class Transactions {
  private readonly begin: string;

  constructor(
    private readonly pool: () => pg.Pool,
    private readonly options: RetryOptions & TransactionSettings,
    private readonly log: Logger,
  ) {
    this.begin = buildBeginSql(options);
  }

  /** `work` inside BEGIN … COMMIT on one pooled connection; rolled back and retried as a whole. */
  async run<T>(what: string, ctx: BatchContext, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withRetries(what, ctx, async () => {
      const client = await this.pool().connect();
      let broken = false;
      try {
        await client.query(this.begin);
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

  async withRetries<T>(what: string, ctx: BatchContext, attempt: () => Promise<T>): Promise<T> {
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
}
