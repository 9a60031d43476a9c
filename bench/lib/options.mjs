// Command-line and environment options shared by the benchmark scripts.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(BENCH_DIR, '..');
export const DATA_DIR = join(BENCH_DIR, 'data');
/** The shared folder sits beside the repository. */
export const SHARED_GEN = resolve(REPO_ROOT, '..', 'shared', 'bench', 'gen-singer.mjs');
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

export const DEFAULT_ROWS = 1_000_000;
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Value of `--name V` or `--name=V`, else undefined. */
export function argValue(argv, name) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(name + '=')) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

export function parseRows(text, what) {
  const n = Number(String(text).replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer (got ${JSON.stringify(text)})`);
  return n;
}

/** `--workers 1,2,4`: parse_workers values (0 to 16), each run as its own row; undefined: the target's default. */
export function parseWorkers(text, what = '--workers') {
  if (text === undefined || text === '') return undefined;
  const list = String(text).split(',').map((w) => Number(w.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0 || n > 16)) throw new Error(`${what} must list integers from 0 to 16, like 1,2,4 (got ${JSON.stringify(text)})`);
  return [...new Set(list)];
}

/** Options of `npm run bench`: --rows / BENCH_ROWS, --repeat / BENCH_REPEAT, --workers / BENCH_WORKERS, BENCH_DATABASE_URL, --micro, --only, --keep. */
export function benchOptions(argv = process.argv.slice(2), env = process.env) {
  const rowsArg = argValue(argv, '--rows');
  const rows = rowsArg !== undefined ? parseRows(rowsArg, '--rows') : env.BENCH_ROWS ? parseRows(env.BENCH_ROWS, 'BENCH_ROWS') : DEFAULT_ROWS;
  const only = argValue(argv, '--only');
  const repeatArg = argValue(argv, '--repeat') ?? env.BENCH_REPEAT;
  return {
    rows,
    repeat: repeatArg !== undefined ? parseRows(repeatArg, '--repeat') : 2,
    databaseUrl: env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL,
    micro: argv.includes('--micro'),
    keep: argv.includes('--keep'),
    noWrite: argv.includes('--no-write'),
    only: only ? only.split(',') : undefined,
    workers: parseWorkers(argValue(argv, '--workers') ?? env.BENCH_WORKERS, argValue(argv, '--workers') !== undefined ? '--workers' : 'BENCH_WORKERS'),
  };
}

export function requireBuilt() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  if (!existsSync(SHARED_GEN)) throw new Error(`workload generator not found at ${SHARED_GEN}`);
}
