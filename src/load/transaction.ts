import type pg from 'pg';
import type { PoolClient } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { isTransient, toTargetError, type BatchContext } from './db-errors.js';

export interface RetryOptions {
  maxRetries: number;
  retryBackoffMs: number;
}

/**
 * Runs database work in transactions, retrying the whole unit on transient errors (connection
 * lost, deadlock, serialization failure, server restarting) with exponential backoff and
 * jitter. Every failure leaves as a TargetError that names the stream and table.
 */
export class Transactions {
  constructor(
    private readonly pool: () => pg.Pool,
    private readonly options: RetryOptions,
    private readonly log: Logger,
  ) {}

  /** `work` inside BEGIN … COMMIT on one pooled connection; rolled back and retried as a whole. */
  async run<T>(what: string, ctx: BatchContext, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withRetries(what, ctx, async () => {
      const client = await this.pool().connect();
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
