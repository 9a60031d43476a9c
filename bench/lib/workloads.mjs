// The benchmark input files in bench/data/, generated once per size and reused.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, DATA_DIR, SHARED_GEN } from './options.mjs';

export const STREAM_COUNT = 20;

/** Runs `node script args` with stdout into `file` (atomically: a temp file renamed at the end). */
async function writeFrom(file, script, args, stdinFile) {
  const tmp = `${file}.tmp-${process.pid}`;
  const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  const stdout = openSync(tmp, 'w');
  const child = spawn(process.execPath, [script, ...args], { stdio: [stdin, stdout, 'inherit'] });
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  if (typeof stdin === 'number') closeSync(stdin);
  closeSync(stdout);
  if (code !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`generating ${file} failed (exit ${code})`);
  }
  renameSync(tmp, file);
}

async function ensure(file, make, log) {
  if (existsSync(file)) return;
  const t0 = performance.now();
  await make(file);
  log(`  generated ${file.replace(BENCH_DIR + '/', 'bench/')} (${mb(statSync(file).size).toFixed(0)} MB, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

export const mb = (bytes) => bytes / 1e6;

/** Paths (and sizes) of every workload for N rows; generates the missing ones. */
export async function ensureWorkloads(rows, log = console.log) {
  mkdirSync(DATA_DIR, { recursive: true });
  const f = {
    wideSinger: join(DATA_DIR, `wide-${rows}.singer`),
    wideCsv: join(DATA_DIR, `wide-${rows}.csv`),
    narrowSinger: join(DATA_DIR, `narrow-${rows}.singer`),
    narrowCsv: join(DATA_DIR, `narrow-${rows}.csv`),
    streamsSinger: join(DATA_DIR, `streams${STREAM_COUNT}-${rows}.singer`),
    // the wide records in SDK batch files (100k records a file), named by BATCH messages
    wideBatchGzip: join(DATA_DIR, `wide-batch-gzip-${rows}.singer`),
    wideBatchPlain: join(DATA_DIR, `wide-batch-plain-${rows}.singer`),
  };
  const n = String(rows);
  await ensure(f.wideSinger, (out) => writeFrom(out, SHARED_GEN, [n]), log);
  await ensure(f.wideCsv, (out) => writeFrom(out, SHARED_GEN, [n, '--format', 'csv']), log);
  await ensure(f.narrowSinger, (out) => writeFrom(out, SHARED_GEN, [n, '--variant', 'narrow']), log);
  await ensure(f.narrowCsv, (out) => writeFrom(out, SHARED_GEN, [n, '--variant', 'narrow', '--format', 'csv']), log);
  await ensure(f.streamsSinger, (out) => writeFrom(out, join(BENCH_DIR, 'interleave-streams.mjs'), ['--streams', String(STREAM_COUNT)], f.wideSinger), log);
  for (const [file, compression] of [
    [f.wideBatchGzip, 'gzip'],
    [f.wideBatchPlain, 'none'],
  ]) {
    const dir = join(DATA_DIR, `wide-batch-${compression}-${rows}`);
    await ensure(file, (out) => writeFrom(out, join(BENCH_DIR, 'batch-files.mjs'), ['--dir', dir, '--compression', compression], f.wideSinger), log);
  }
  return f;
}

/** The bytes of a BATCH workload: its Singer file and the batch files it names. */
export function batchInputBytes(singerFile) {
  const dir = singerFile.replace(/-batch-(gzip|none|plain)-(\d+)\.singer$/, (_m, c, n) => `-batch-${c === 'plain' ? 'none' : c}-${n}`);
  let bytes = statSync(singerFile).size;
  for (const f of readdirSync(dir)) bytes += statSync(join(dir, f)).size;
  return bytes;
}

/** CSV column order of a generator variant (`--print-columns`). */
export function csvColumns(variant) {
  return execFileSync(process.execPath, [SHARED_GEN, '1', '--variant', variant, '--print-columns'], { encoding: 'utf8' }).trim().split(',');
}
