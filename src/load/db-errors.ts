import { DestinationError, InputError, TargetError } from '../errors.js';
import { redactSecrets } from '../log.js';
import { CITUS_NULL_DISTRIBUTION_VALUE } from '../sql/dialect.js';

interface PgLikeError extends Error {
  code?: string;
  table?: string;
  column?: string;
  where?: string;
  detail?: string;
  schema?: string;
}

const transientSqlStates = new Set(['57P01', '57P02', '57P03', '40P01', '40001', '53300', '53400', '08000', '08001', '08003', '08004', '08006', '08007']);
const transientNodeCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** The SQLSTATE of a database error (also behind a TargetError), if any. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = (error instanceof TargetError ? error.cause : error) as PgLikeError | undefined;
  return e && typeof e === 'object' ? e.code : undefined;
}

/** True when retrying the whole batch may succeed. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TargetError) return error.transient;
  const e = error as PgLikeError;
  if (!e || typeof e !== 'object') return false;
  if (e.code && (transientSqlStates.has(e.code) || transientNodeCodes.has(e.code))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|^timeout expired$|Client has encountered a connection error/i.test(e.message ?? '');
}

export interface BatchContext {
  stream: string;
  table: string;
  /** Input line of each COPY row (1-based COPY line n → lines[n-1]). */
  lines?: ArrayLike<number>;
  /** COPY columns, to find the column named in PostgreSQL's error context. */
  columns?: readonly string[];
}

/** The row and column of a COPY error context (`COPY t, line 3, column a:b: "…"`). */
function copyPlaceOf(where: string | undefined, columns?: readonly string[]): { row: number; column?: string } | undefined {
  const m = /COPY .*?, line (\d+)(?:, column (.*)|: .*)?$/m.exec(where ?? '');
  if (!m) return undefined;
  let column: string | undefined;
  if (m[2] !== undefined) {
    const rest = m[2];
    const known = (columns ?? []).filter((c) => rest.startsWith(`${c}: `) || rest === c).sort((a, b) => b.length - a.length)[0];
    column = known ?? rest.replace(/: .*$/s, '');
  }
  return { row: Number(m[1]), column };
}

/**
 * Turns a database error into a TargetError: a value PostgreSQL rejects during COPY becomes
 * an input error naming the input line and column; anything else a destination error.
 */
export function toTargetError(error: unknown, ctx: BatchContext): TargetError {
  if (error instanceof TargetError) return error;
  const e = error as PgLikeError;
  const message = redactSecrets(e?.message ?? String(error));
  const code = e?.code;
  const copyPlace = copyPlaceOf(e?.where, ctx.columns);
  if (code && (code.startsWith('22') || code === '23502' || code === '23514') && copyPlace) {
    // the rows of a second COPY of the batch (its CSV rows) come after the first's
    const copyLine = copyPlace.row + ((error as { copyRowOffset?: number }).copyRowOffset ?? 0);
    const line = ctx.lines && copyLine >= 1 && copyLine <= ctx.lines.length ? ctx.lines[copyLine - 1] : undefined;
    const citus = CITUS_NULL_DISTRIBUTION_VALUE.test(message) ? ' (every record needs a value in the Citus distribution column)' : '';
    return new InputError(
      `PostgreSQL rejected a value for table ${ctx.table}: ${message}${citus}`,
      { stream: ctx.stream, line, column: copyPlace.column ?? e.column },
      { cause: error, batchRow: copyLine },
    );
  }
  const transient = isTransient(error);
  const table = e?.table || ctx.table;
  const where = [table ? `table ${table}` : '', e?.column ? `column ${e.column}` : '', code ? (/^[0-9A-Z]{5}$/.test(code) ? `SQLSTATE ${code}` : code) : ''].filter(Boolean).join(', ');
  const detail = e?.detail ? ` (${redactSecrets(e.detail)})` : '';
  const hint = hintFor(code, message);
  return new DestinationError(`${message}${detail}${where ? ` [${where}]` : ''}${hint ? `; ${hint}` : ''}`, transient, { stream: ctx.stream || undefined }, code, error);
}

/** What to do about the common database errors a user can fix. */
function hintFor(code: string | undefined, message: string): string | undefined {
  switch (code) {
    case '28P01':
    case '28000':
      return 'check user and password, and the server\'s pg_hba.conf';
    case '3D000':
      return 'check the database name (database / dbname)';
    case 'ECONNREFUSED':
      return 'check host and port, and that the server is running';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'check the host name';
    case '53300':
      return 'the server has no free connections: lower parallelism or raise max_connections';
    case '42501':
      return 'grant the privilege to the user, or load into a schema it owns';
    case '08P01':
      return /startup parameter/i.test(message) ? 'a connection pooler refused a startup parameter: see the README on PgBouncer' : undefined;
    default:
      return undefined;
  }
}

/** For "value out of range for type smallint/integer/bigint" during COPY: the column and value. */
export function integerOverflow(error: unknown, columns: readonly string[]): { column: string; value: string; type: string } | undefined {
  const e = (error instanceof TargetError ? error.cause : error) as PgLikeError | undefined;
  if (!e || e.code !== '22003') return undefined;
  const m = /value "([^"]+)" is out of range for type (smallint|integer|bigint)/.exec(e.message ?? '');
  const place = copyPlaceOf(e.where, columns);
  if (!m || !place?.column) return undefined;
  return { column: place.column, value: m[1], type: m[2] };
}
