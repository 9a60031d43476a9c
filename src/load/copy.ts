import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildCopySql } from '../sql/merge.js';
import type { Batch } from './batch.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from '../stream/binary/index.js';
import { copyRetyped, lockForCopySql, typesStillMatch } from './binary-copy.js';

const HEADER = Buffer.from(COPY_BINARY_HEADER);
const TRAILER = Buffer.from(COPY_BINARY_TRAILER);

/** Runs a COPY ... FROM STDIN with the batch's encoded chunks. */
export async function copyInto(client: PoolClient, sql: string, chunks: Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
}

/**
 * COPYs a batch's rows into `target` (a table or the staging table): the rows in the batch's
 * format, then a binary batch's CSV rows. A value PostgreSQL rejects in the second COPY is
 * numbered after the first COPY's rows (`copyRowOffset`), as the batch's lines are.
 */
export async function copyRows(client: PoolClient, target: string, batch: Pick<Batch, 'table' | 'columns' | 'types' | 'chunks' | 'format' | 'fallback' | 'rowCount'>): Promise<void> {
  const mainRows = batch.rowCount - (batch.fallback?.rows ?? 0);
  if (mainRows > 0 || !batch.fallback) {
    if (batch.format === 'binary') {
      const copyBinary = (into: string) => copyInto(client, buildCopySql(into, batch.columns, 'binary'), [HEADER, ...batch.chunks, TRAILER]);
      await client.query(lockForCopySql(batch));
      if (await typesStillMatch(client, batch)) await copyBinary(target);
      else await copyRetyped(client, target, batch, copyBinary);
    } else await copyInto(client, buildCopySql(target, batch.columns), batch.chunks);
  }
  if (!batch.fallback) return;
  try {
    await copyInto(client, buildCopySql(target, batch.columns), batch.fallback.chunks);
  } catch (e) {
    if (e !== null && typeof e === 'object') (e as { copyRowOffset?: number }).copyRowOffset = mainRows;
    throw e;
  }
}
