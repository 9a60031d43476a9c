import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Runs a COPY ... FROM STDIN with the batch's encoded chunks. */
export async function copyInto(client: PoolClient, sql: string, chunks: Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
}
