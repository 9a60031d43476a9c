import type pg from 'pg';
import { DestinationError } from '../errors.js';
import type { Logger } from '../log.js';
import { redactSecrets } from '../log.js';
import { sqlStateOf } from './db-errors.js';
import { Transactions, type RetryOptions, type TransactionSettings } from './transaction.js';

export type HookName = 'before_run_sql' | 'after_run_sql';

/** SQLSTATE of a statement that cannot run inside a transaction block (VACUUM, CREATE INDEX CONCURRENTLY, …). */
const NO_TRANSACTION_BLOCK = '25001';

/**
 * Runs a hook's statements in order on `pool` (a connection of its own): each in its own
 * transaction with the settings every transaction has (set_role, session_variables, UTC, the
 * timeouts), retried like a batch on transient errors. A statement PostgreSQL will not run in a
 * transaction block runs on its own, outside one (as the connecting user, without them). The
 * first failure ends the hook as one error naming the hook and the statement's index.
 */
export async function runHook(which: HookName, statements: readonly string[], pool: pg.Pool, options: RetryOptions & TransactionSettings, log: Logger): Promise<void> {
  const tx = new Transactions(() => pool, options, log);
  for (let i = 0; i < statements.length; i++) {
    const label = statements.length > 1 ? `${which}[${i}]` : which;
    const sql = statements[i];
    const ctx = { stream: '', table: '' };
    const started = performance.now();
    try {
      try {
        await tx.run(label, ctx, (client) => client.query(sql));
      } catch (e) {
        if (sqlStateOf(e) !== NO_TRANSACTION_BLOCK) throw e;
        log.info({ hook: label }, 'hook statement cannot run in a transaction block: running it on its own');
        await tx.withRetries(label, ctx, () => pool.query(sql));
      }
    } catch (e) {
      const err = e as DestinationError;
      const place = statements.length > 1 ? `${label} (statement ${i + 1} of ${statements.length}: ${excerpt(sql)})` : `${which} (${excerpt(sql)})`;
      throw new DestinationError(`${place} failed: ${err.message}`, err.transient === true, {}, sqlStateOf(e), e);
    }
    log.info({ hook: label, ms: Math.round(performance.now() - started) }, 'hook statement done');
  }
}

/** The start of a statement for an error line: one line, at most 80 characters, no secrets. */
function excerpt(sql: string): string {
  const line = redactSecrets(sql).replace(/\s+/g, ' ').trim();
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line);
}
