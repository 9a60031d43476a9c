// Small psql helpers: every query the harness makes goes through psql, like the raw COPY baseline.
import { execFileSync } from 'node:child_process';

/** Runs SQL through psql and returns its unaligned, tuples-only output (trimmed). */
export function psql(databaseUrl, sql) {
  return execFileSync('psql', [databaseUrl, '-X', '-v', 'ON_ERROR_STOP=1', '-Atq', '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  }).trim();
}

/** target-postgres connection settings for a postgres:// URL. */
export function targetConnection(databaseUrl) {
  const url = new URL(databaseUrl.replace(/^postgres(?:ql)?:/, 'postgres:'));
  const out = {
    host: decodeURIComponent(url.hostname || '127.0.0.1'),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    database: decodeURIComponent(url.pathname.replace(/^\//, '') || 'postgres'),
  };
  if (url.password) out.password = decodeURIComponent(url.password);
  return out;
}

export function quoteIdent(name) {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function dropSchema(databaseUrl, schema) {
  psql(databaseUrl, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

/** Flushes dirty buffers before a scenario so one run's checkpoint does not land in the next. */
export function checkpoint(databaseUrl) {
  try {
    psql(databaseUrl, 'CHECKPOINT');
  } catch {
    // Not a superuser: the scenarios still run, with a little more noise.
  }
}

export function countRows(databaseUrl, schema, table) {
  return Number(psql(databaseUrl, `SELECT count(*) FROM ${quoteIdent(schema)}.${quoteIdent(table)}`));
}

/** Fails loudly when a scenario did not load exactly the expected rows. */
export function verifyCount(scenario, got, expected) {
  if (got !== expected) {
    throw new Error(`ROW COUNT MISMATCH in "${scenario}": expected ${expected.toLocaleString('en-US')} rows, found ${got.toLocaleString('en-US')}`);
  }
}

export function serverVersion(databaseUrl) {
  return psql(databaseUrl, 'SHOW server_version');
}
