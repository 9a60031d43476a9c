// Helpers shared by the micro-benchmarks: input rows, a timing loop, and result reporting.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, SHARED_GEN, argValue, parseRows } from '../lib/options.mjs';

export const DEFAULT_MICRO_ROWS = 100_000;

/** Rows per round: --rows, else BENCH_MICRO_ROWS, else 100,000. */
export function microRows(argv = process.argv.slice(2)) {
  const v = argValue(argv, '--rows') ?? process.env.BENCH_MICRO_ROWS;
  return v === undefined ? DEFAULT_MICRO_ROWS : parseRows(v, 'micro rows');
}

/** The generator's output for `rows` rows (bench/data/ when already there), as a Buffer. */
export function generated(rows, extra = [], cacheName) {
  const cached = cacheName && join(DATA_DIR, cacheName);
  if (cached && existsSync(cached)) return readFileSync(cached);
  return execFileSync(process.execPath, [SHARED_GEN, String(rows), ...extra], { maxBuffer: 2 ** 31 - 1 });
}

export const wideSinger = (rows) => generated(rows, [], `wide-${rows}.singer`);
export const wideCsv = (rows) => generated(rows, ['--format', 'csv'], `wide-${rows}.csv`);
export const wideSchemaMessage = (buf) => JSON.parse(buf.subarray(0, buf.indexOf(10)).toString());

/** Record lines (RECORD messages only) of a Singer buffer. */
export function recordLines(buf) {
  return buf.toString().split('\n').filter((l) => l.startsWith('{"type":"RECORD"'));
}

/** Splits a buffer into chunks of `size` bytes, like a file read stream delivers it. */
export function chunked(buf, size = 64 * 1024) {
  const out = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

/**
 * Times `fn` (which processes `units` items per call, may be async): one warm-up call, then
 * calls until `minSeconds` have passed and at least `minRounds` ran. `before` runs untimed
 * before each call. Reports the median rate.
 */
export async function bench(name, units, fn, { before, minSeconds = 1.5, minRounds = 3, maxRounds = 20, bytes } = {}) {
  if (before) await before();
  await fn();
  const rates = [];
  let spent = 0;
  while ((spent < minSeconds || rates.length < minRounds) && rates.length < maxRounds) {
    if (before) await before();
    const t0 = process.hrtime.bigint();
    await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    spent += s;
    rates.push(units / s);
  }
  rates.sort((a, b) => a - b);
  const median = rates[rates.length >> 1];
  return { name, opsPerSec: median, min: rates[0], max: rates[rates.length - 1], rounds: rates.length, mbPerSec: bytes ? (bytes * median) / units / 1e6 : undefined };
}

/** Prints the results and hands them to bench/micro/run-all.mjs when it started this script. */
export function report(stage, results, notes = []) {
  const w = Math.max(...results.map((r) => r.name.length));
  console.log(`\n${stage}`);
  for (const r of results) {
    const mbs = r.mbPerSec === undefined ? '' : `  ${r.mbPerSec.toFixed(1).padStart(7)} MB/s`;
    console.log(`  ${r.name.padEnd(w)}  ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(11)} ops/s${mbs}  (min ${Math.round(r.min).toLocaleString('en-US')}, max ${Math.round(r.max).toLocaleString('en-US')}, ${r.rounds} rounds)`);
  }
  for (const n of notes) console.log(`  note: ${n}`);
  if (process.send) process.send({ stage, results, notes });
}
