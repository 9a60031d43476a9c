import type { PoolClient } from 'pg';
import { arrayElementType, scalarBinaryType } from '../stream/binary/types.js';
import { columnList, qualified, quoteIdent } from '../sql/quote.js';
import type { Batch } from './batch.js';

/** The temporary table a binary batch goes through when its table's column types changed since it was encoded. */
const RETYPE_TABLE = 'target_postgres_retype';

/** The type OIDs the binary fields of a column of this (encoded) type are, for a scalar or an array's elements. */
function expectedOid(pgType: string): { oid?: number; element?: number } {
  const element = arrayElementType(pgType);
  if (element) return { element: element.oid };
  return { oid: scalarBinaryType(pgType)?.oid };
}

/**
 * Binary fields carry no type: PostgreSQL reads them as whatever the column is now. So before
 * a binary COPY, under a lock that keeps ALTER TABLE out until commit, the table's columns are
 * checked to still have the types the rows were encoded for (a widened integer column, another
 * session's change). True when they do.
 */
export async function typesStillMatch(client: PoolClient, batch: Pick<Batch, 'table' | 'columns' | 'types'>): Promise<boolean> {
  const table = qualified(batch.table.schema, batch.table.table);
  const r = await client.query<{ attname: string; atttypid: number; typelem: number }>(
    `SELECT a.attname, a.atttypid::int AS atttypid, t.typelem::int AS typelem FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [table],
  );
  const current = new Map(r.rows.map((row) => [row.attname, row]));
  return batch.columns.every((name, i) => {
    const now = current.get(name);
    const want = expectedOid(batch.types![i]);
    if (!now) return false;
    return want.element !== undefined ? now.typelem === want.element : now.atttypid === want.oid;
  });
}

/** Locks the table against ALTER TABLE (and nothing else) until the transaction ends. */
export const lockForCopySql = (batch: Pick<Batch, 'table'>) => `LOCK TABLE ${qualified(batch.table.schema, batch.table.table)} IN ROW EXCLUSIVE MODE`;

/**
 * A binary batch whose table's types changed: its fields are COPYed into a temporary table of
 * the types they were encoded for, then inserted into `destination` through their text, which
 * each column's new type reads as it would have read the CSV field (exact for a widened integer).
 */
export async function copyRetyped(client: PoolClient, destination: string, batch: Pick<Batch, 'columns' | 'types'>, copyBinary: (target: string) => Promise<void>): Promise<void> {
  const defs = batch.columns.map((c, i) => `${quoteIdent(c)} ${batch.types![i]}`).join(', ');
  await client.query(`CREATE TEMP TABLE ${quoteIdent(RETYPE_TABLE)} (${defs}) ON COMMIT DROP`);
  await copyBinary(quoteIdent(RETYPE_TABLE));
  const types = await client.query<{ attname: string; type: string }>(
    `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [destination],
  );
  const typeOf = new Map(types.rows.map((t) => [t.attname, t.type]));
  const select = batch.columns.map((c) => `${quoteIdent(c)}::text::${typeOf.get(c) ?? 'text'}`).join(', ');
  await client.query(`INSERT INTO ${destination} (${columnList(batch.columns)}) SELECT ${select} FROM ${quoteIdent(RETYPE_TABLE)}`);
  await client.query(`DROP TABLE ${quoteIdent(RETYPE_TABLE)}`);
}
