#!/usr/bin/env node
// Micro-benchmark: COPY alone. pg + pg-copy-streams streaming prebuilt CSV from memory in
// ~1 MB buffers (as the loader does) into a fresh table; one op = one row. Uses
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parseJsonLine } from '../../dist/protocol/exact-json.js';
import { buildColumnPlan } from '../../dist/schema/columns.js';
import { compileRowEncoder } from '../../dist/stream/row-encoder.js';
import { DEFAULT_DATABASE_URL } from '../lib/options.mjs';
import { bench, microRows, recordLines, report, wideCsv, wideSchemaMessage, wideSinger } from './lib.mjs';

const rows = microRows();
const SCHEMA = 'bench_micro_copy';
const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL, options: '-c TimeZone=UTC -c DateStyle=ISO' });
await client.connect();

/** Concatenates CSV rows into ~1 MB Buffers, like StreamBuffer.take(). */
function toChunks(rowTexts) {
  const chunks = [];
  let part = '';
  for (const r of rowTexts) {
    part += r;
    if (part.length >= 1 << 20) {
      chunks.push(Buffer.from(part));
      part = '';
    }
  }
  if (part) chunks.push(Buffer.from(part));
  return chunks;
}

// The generator's CSV (14 columns) and the target's own encoding of the same records (21 columns).
const genCsv = wideCsv(rows).toString();
const genChunks = toChunks(genCsv.split(/(?<=\n)/));
const singer = wideSinger(rows);
const schemaMsg = wideSchemaMessage(singer);
const plan = buildColumnPlan(schemaMsg.schema, ['id'], { flatten: true, maxDepth: 1, metadata: true });
const encode = compileRowEncoder(plan.columns.map((c) => ({ ...c, actualType: c.pgType })));
const now = new Date().toISOString();
const targetRows = recordLines(singer).map((l, i) => {
  const p = parseJsonLine(l);
  return encode(p.value.record, { receivedAt: now, batchedAt: now, sequence: 1e15 + i, syncStartedAt: Date.now() }, p.exact);
});
const targetChunks = toChunks(targetRows);
const bytes = (chunks) => chunks.reduce((a, c) => a + c.length, 0);

const q = (s) => '"' + s.replace(/"/g, '""') + '"';
const RAW_TYPES = { id: 'bigint', amount: 'numeric', flag: 'boolean', created_at: 'timestamptz', tags: 'jsonb', count: 'bigint', score: 'numeric' };
const rawCols = ['id', 'name', 'email', 'amount', 'flag', 'created_at', 'address__street', 'address__city', 'address__zip', 'tags', 'count', 'note', 'status', 'score'];
const rawDefs = rawCols.map((c) => `${q(c)} ${RAW_TYPES[c] ?? 'text'}`);
await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
await client.query(`CREATE TABLE ${SCHEMA}.raw_pk (${rawDefs.join(', ')}, PRIMARY KEY (id))`);
await client.query(`CREATE TABLE ${SCHEMA}.raw_nopk (${rawDefs.join(', ')})`);
await client.query(`CREATE TABLE ${SCHEMA}.target_shape (${plan.columns.map((c) => `${q(c.name)} ${c.pgType}`).join(', ')})`);

function copyCase(name, table, cols, chunks) {
  const sql = `COPY ${SCHEMA}.${table} (${cols.map(q).join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  return bench(name, rows, () => pipeline(Readable.from(chunks, { objectMode: false }), client.query(copyFrom(sql))), {
    before: () => client.query(`TRUNCATE ${SCHEMA}.${table}`),
    bytes: bytes(chunks),
    minSeconds: 3,
  });
}

try {
  const results = [
    await copyCase('generator CSV → typed table with PK (as psql baseline)', 'raw_pk', rawCols, genChunks),
    await copyCase('generator CSV → typed table, no PK', 'raw_nopk', rawCols, genChunks),
    await copyCase("target's CSV (21 cols, text[] tags) → target-shaped table, no PK", 'target_shape', plan.columns.map((c) => c.name), targetChunks),
  ];
  const counted = await client.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.target_shape`);
  if (counted.rows[0].n !== rows) throw new Error(`COPY loaded ${counted.rows[0].n} rows, expected ${rows}`);
  report(`COPY alone (${rows.toLocaleString('en-US')} rows per op batch, pg-copy-streams, one connection)`, results, [
    `CSV sizes: generator ${(bytes(genChunks) / 1e6).toFixed(0)} MB, target ${(bytes(targetChunks) / 1e6).toFixed(0)} MB; TRUNCATE before each round (untimed)`,
  ]);
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
  await client.end();
}
