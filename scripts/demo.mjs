#!/usr/bin/env node
// Loads fixtures/demo.singer with the built target and shows what it made.
// Uses the server in DEMO_DATABASE_URL (or the config file given as argument); otherwise starts
// an embedded PostgreSQL in a temp dir and stops it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-pg.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'fixtures/demo.singer');

async function startEmbedded() {
  console.log('starting an embedded PostgreSQL ...');
  const server = await startEmbeddedPostgres();
  console.log(`embedded PostgreSQL listening on 127.0.0.1:${server.port}`);
  return { config: server.config, stop: () => server.destroy() };
}

let config;
let stop = async () => {};
let configDir;
try {
  if (process.argv[2]) config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  else if (process.env.DEMO_DATABASE_URL) config = { sqlalchemy_url: process.env.DEMO_DATABASE_URL };
  else ({ config, stop } = await startEmbedded());

  // the config holds a password: written readable by us only, and removed at the end
  configDir = mkdtempSync(join(tmpdir(), 'target-postgres-demo-config-'));
  const configFile = join(configDir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ log_level: 'warn', ...config, flattening_enabled: true, flattening_max_depth: 1 }), { mode: 0o600 });

  console.log(`\n$ target-postgres --config config.json < fixtures/demo.singer`);
  const states = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), '--config', configFile, '--input', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').filter(Boolean)) : reject(new Error(`target exited ${code}`))));
  });
  console.log('\nstate written to stdout (each only after the rows before it were committed):');
  for (const s of states) console.log('  ' + s);

  const client = new pg.Client(config.sqlalchemy_url ? { connectionString: config.sqlalchemy_url } : config);
  await client.connect();
  for (const table of ['shop.customers', 'shop.orders']) {
    const cols = await client.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name NOT LIKE '\\_sdc%' ORDER BY ordinal_position`,
      table.split('.'),
    );
    console.log(`\ntable ${table}: ${cols.rows.map((c) => `${c.column_name} ${c.data_type}`).join(', ')}`);
    const names = cols.rows.map((c) => `"${c.column_name}"::text AS "${c.column_name}"`).join(', ');
    const rows = await client.query(`SELECT ${names} FROM ${table} ORDER BY 1`);
    console.table(rows.rows);
  }
  await client.end();
} catch (e) {
  process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  await stop().catch(() => undefined);
}
