// Shared by the raw COPY scenarios: psql COPY ... FROM STDIN (FORMAT csv) of the generator's CSV.
import { join } from 'node:path';
import { checkpoint, countRows, dropSchema, psql, quoteIdent, verifyCount } from '../lib/db.mjs';
import { measure } from '../lib/measure.mjs';
import { serverProbe } from '../lib/server-cpu.mjs';
import { tail } from '../lib/run-target.mjs';
import { csvColumns } from '../lib/workloads.mjs';

/** PostgreSQL types of the generator's CSV columns (the "equivalent table"). */
const TYPES = {
  id: 'bigint', name: 'text', email: 'text', amount: 'numeric', flag: 'boolean', created_at: 'timestamptz',
  address__street: 'text', address__city: 'text', address__zip: 'text', tags: 'jsonb', count: 'bigint',
  note: 'text', status: 'text', score: 'numeric',
};

export async function rawCopy(ctx, { id, schema, table, variant, csvFile }) {
  const cols = csvColumns(variant);
  const t = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const defs = cols.map((c) => `${quoteIdent(c)} ${TYPES[c] ?? 'text'}${c === 'id' ? ' PRIMARY KEY' : ''}`);
  dropSchema(ctx.databaseUrl, schema);
  psql(ctx.databaseUrl, `CREATE SCHEMA ${quoteIdent(schema)}; CREATE TABLE ${t} (${defs.join(', ')})`);
  checkpoint(ctx.databaseUrl);
  const copy = `COPY ${t} (${cols.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT csv)`;
  const log = join(ctx.logDir, `${id}.log`);
  const m = await measure('psql', [ctx.databaseUrl, '-X', '-v', 'ON_ERROR_STOP=1', '-c', copy], {
    stdinFile: csvFile,
    stdoutFile: join(ctx.logDir, `${id}.out`),
    stderrFile: log,
    server: serverProbe(ctx.databaseUrl),
  });
  if (m.code !== 0) throw new Error(`psql COPY exited with code ${m.code} in "${id}":\n${tail(log)}`);
  verifyCount(id, countRows(ctx.databaseUrl, schema, table), ctx.rows);
  return m;
}
