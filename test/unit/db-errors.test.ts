import { describe, expect, it } from 'vitest';
import { DestinationError, InputError, TargetError } from '../../src/errors.js';
import { integerOverflow, isTransient, sqlStateOf, toTargetError } from '../../src/load/db-errors.js';

const pgError = (code: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('db-errors', () => {
  it('maps a value rejected during COPY to an input error naming the input line and column', () => {
    const e = pgError('22P02', 'invalid input syntax for type bigint: "x"', { where: 'COPY target_postgres_stage, line 3, column id: "x"' });
    const err = toTargetError(e, { stream: 'users', table: 'public.users', lines: [10, 11, 14], columns: ['id', 'name'] });
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('line 14, stream "users", column "id": PostgreSQL rejected a value for table public.users: invalid input syntax for type bigint: "x"');
    expect((err as InputError).batchRow).toBe(3);
    expect(err.exitCode).toBe(65);
  });

  it('names the input line of a whole row COPY rejected (no column in the context), with what Citus needs', () => {
    const e = pgError('22004', 'the partition column of table app.e cannot be NULL', { where: 'COPY e, line 2: ",b"' });
    const err = toTargetError(e, { stream: 'e', table: 'app.e', lines: [7, 9], columns: ['k', 'v'] });
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('line 9, stream "e": PostgreSQL rejected a value for table app.e: the partition column of table app.e cannot be NULL (every record needs a value in the Citus distribution column)');
  });

  it('maps other database errors to destination errors, transient ones exit 75', () => {
    const down = toTargetError(pgError('57P01', 'terminating connection due to administrator command'), { stream: 's', table: 'a.b' });
    expect(down).toBeInstanceOf(DestinationError);
    expect(down.transient).toBe(true);
    expect(down.exitCode).toBe(75);
    const denied = toTargetError(pgError('42501', 'permission denied for schema x', { detail: 'd' }), { stream: 's', table: 'a.b' });
    expect(denied.message).toBe('stream "s": permission denied for schema x (d) [table a.b, SQLSTATE 42501]; grant the privilege to the user, or load into a schema it owns');
    expect(denied.exitCode).toBe(69);
    expect(toTargetError(denied, { stream: 'other', table: '' })).toBe(denied);
  });

  it('names only what is known, and says what to do about a connection that fails', () => {
    const refused = toTargetError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), { stream: '', table: '' });
    expect(refused.message).toBe('connect ECONNREFUSED 127.0.0.1:1 [ECONNREFUSED]; check host and port, and that the server is running');
    const auth = toTargetError(pgError('28P01', 'password authentication failed for user "x"'), { stream: '', table: '' });
    expect(auth.message).toBe('password authentication failed for user "x" [SQLSTATE 28P01]; check user and password, and the server\'s pg_hba.conf');
    expect(auth.message).not.toContain('stream ""');
  });

  it('knows which errors are worth a retry', () => {
    expect(isTransient(pgError('40P01', 'deadlock detected'))).toBe(true);
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(new Error('timeout expired'))).toBe(true); // node-postgres' own connect timeout (connect_timeout_seconds)
    expect(isTransient(pgError('23505', 'duplicate key'))).toBe(false);
    expect(isTransient(new TargetError('x', 69))).toBe(false);
    expect(sqlStateOf(new DestinationError('x', false, {}, '23505', pgError('23505', 'dup')))).toBe('23505');
  });

  it('reads the column and value of an integer overflow during COPY', () => {
    const e = pgError('22003', 'value "99999999999" is out of range for type integer', { where: 'COPY t, line 2, column n: "99999999999"' });
    expect(integerOverflow(e, ['id', 'n'])).toEqual({ column: 'n', value: '99999999999', type: 'integer' });
    expect(integerOverflow(pgError('22003', 'numeric field overflow'), ['n'])).toBeUndefined();
  });
});
