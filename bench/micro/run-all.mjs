#!/usr/bin/env node
// Runs every micro-benchmark (one hot-path stage per file), each in its own process, prints
// ops/s and adds a dated section to BENCHMARKS.md (unless --no-write).
//   node bench/micro/run-all.mjs [--rows N] [--no-write]     (or: npm run bench -- --micro)
import { fork } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR } from '../lib/options.mjs';
import { prependSection } from '../lib/report.mjs';
import { microRows } from './lib.mjs';

const STAGES = ['split-parse.mjs', 'validate.mjs', 'flatten-encode.mjs', 'copy.mjs'];
const argv = process.argv.slice(2);
const rows = microRows(argv);
const started = new Date();
const reports = [];
for (const file of STAGES) {
  const child = fork(join(BENCH_DIR, 'micro', file), ['--rows', String(rows)], { stdio: 'inherit' });
  child.on('message', (m) => reports.push(m));
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) {
    console.error(`\n*** micro-benchmark ${file} failed (exit ${code})`);
    process.exit(1);
  }
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const lines = [
  `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC · micro-benchmarks · ${fmt(rows)} rows per op batch`,
  '',
  `Machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM · Node ${process.version} · median of rounds (min–max)`,
  '',
  '| stage | case | ops/s (median) | min–max | MB/s |',
  '|---|---|---:|---:|---:|',
];
for (const r of reports) {
  const stage = r.stage.replace(/ \(.*$/, '');
  for (const c of r.results) {
    lines.push(`| ${stage} | ${c.name} | ${fmt(c.opsPerSec)} | ${fmt(c.min)}–${fmt(c.max)} | ${c.mbPerSec === undefined ? '–' : c.mbPerSec.toFixed(1)} |`);
  }
}
const notes = reports.flatMap((r) => r.notes.map((n) => `- ${r.stage.replace(/ \(.*$/, '')}: ${n}`));
const section = [...lines, '', ...notes].join('\n') + '\n';
console.log('\n' + section);
if (!argv.includes('--no-write')) prependSection(section);
