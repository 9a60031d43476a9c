import { DestinationError, TargetError } from '../errors.js';
import { MISSING_ROLES_SQL } from '../sql/access.js';
import type { ConnectionFactory } from './connection-factory.js';
import { sqlStateOf } from './db-errors.js';
import type { TableAccess } from './schema-access.js';
import type { Transactions, TransactionSettings } from './transaction.js';

const NO_PLACE = { stream: '', table: '' };

/**
 * Checks at connect time what would otherwise fail the first batch: that set_role and
 * session_variables can be applied (one empty transaction with them) and that every
 * grant_select_to role exists.
 */
export async function checkAccess(tx: Transactions, settings: TransactionSettings, access: TableAccess): Promise<void> {
  if (settings.role || Object.keys(settings.variables ?? {}).length) {
    try {
      await tx.run('check set_role and session_variables', NO_PLACE, async () => undefined);
    } catch (e) {
      const err = e as TargetError;
      if (err.transient) throw e;
      throw new DestinationError(`set_role / session_variables cannot be applied: ${err.message}`, false, {}, sqlStateOf(e), e);
    }
  }
  const roles = access.grantSelectTo.filter((r) => r.toUpperCase() !== 'PUBLIC');
  if (roles.length) {
    const missing = await tx.run('check grant_select_to', NO_PLACE, async (client) => (await client.query<{ name: string }>(MISSING_ROLES_SQL, [roles])).rows.map((r) => r.name));
    if (missing.length) {
      throw new DestinationError(`grant_select_to names ${missing.length > 1 ? 'roles that do' : 'a role that does'} not exist: ${missing.map((m) => JSON.stringify(m)).join(', ')}; create ${missing.length > 1 ? 'them' : 'it'} or remove ${missing.length > 1 ? 'them' : 'it'} from grant_select_to`, false);
    }
  }
}

/** A connection attempt that ran out of connect_timeout_seconds, as one clear (transient) error. */
export function connectTimeoutError(e: unknown, connections: ConnectionFactory): TargetError | undefined {
  if (e instanceof TargetError || !/connection timeout|timeout exceeded when trying to connect|^timeout expired$/i.test((e as Error)?.message ?? '')) return undefined;
  const seconds = connections.connectTimeoutMs / 1000;
  return new DestinationError(
    `no answer from ${connections.display} within ${seconds} s (connect_timeout_seconds): check host and port and that nothing on the way drops the connection, or raise connect_timeout_seconds`,
    true,
    {},
    'ETIMEDOUT',
    e,
  );
}
