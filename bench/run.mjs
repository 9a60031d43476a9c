#!/usr/bin/env node
// npm run bench [-- --rows N] [-- --micro] [-- --only a,b] [-- --workers 1,2,4] [-- --keep] [-- --no-write]
//
// Generates the workloads (once per size) into bench/data/, then runs every scenario in
// bench/scenarios/ against one server: raw psql COPY first, then the target. Each scenario
// loads into a fresh schema and its row count is verified. The results table is printed and
// inserted at the top of the results in BENCHMARKS.md.
//   BENCH_ROWS / --rows       rows per workload (default 1,000,000)
//   BENCH_DATABASE_URL        server (default postgres://postgres@127.0.0.1:5432/test)
//   --micro                   run the micro-benchmarks (bench/micro/run-all.mjs) instead
//   --workers / BENCH_WORKERS each target scenario once per parse_workers value (default: unset)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dropSchema, serverVersion } from './lib/db.mjs';
import { measureMethod } from './lib/measure.mjs';
import { BENCH_DIR, DATA_DIR, benchOptions, requireBuilt } from './lib/options.mjs';
import { BASE_SETTINGS } from './lib/run-target.mjs';
import { BENCHMARKS_FILE, machineInfo, prependSection, resultsMarkdown } from './lib/report.mjs';
import { idleRate, serverProbe } from './lib/server-cpu.mjs';
import { ensureWorkloads } from './lib/workloads.mjs';

const opts = benchOptions();

if (opts.micro) {
  const passed = process.argv.slice(2).filter((a) => a !== '--micro');
  const r = spawnSync(process.execPath, [join(BENCH_DIR, 'micro', 'run-all.mjs'), ...passed], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

requireBuilt();
const started = new Date();
const t0 = performance.now();
const loadBefore = loadavg();
const log = (s) => process.stderr.write(s + '\n');

let pgVersion;
try {
  pgVersion = serverVersion(opts.databaseUrl);
} catch (e) {
  log(`cannot reach PostgreSQL at ${opts.databaseUrl} (set BENCH_DATABASE_URL): ${String(e.stderr ?? e.message).trim()}`);
  process.exit(1);
}

log(`bench: ${opts.rows.toLocaleString('en-US')} rows against ${opts.databaseUrl.replace(/:[^:@/]*@/, ':***@')} (PostgreSQL ${pgVersion})`);
const probe = serverProbe(opts.databaseUrl);
const idle = probe.pid ? await idleRate(probe) : undefined;
log(probe.pid ? `server CPU: postmaster pid ${probe.pid} (the ${probe.via}) and its children; ${idle.toFixed(2)} CPU s/s with no scenario running` : `server CPU: n/a, ${probe.why}`);
const files = await ensureWorkloads(opts.rows, log);
const logDir = join(DATA_DIR, 'logs');
mkdirSync(logDir, { recursive: true });

const scenarioFiles = readdirSync(join(BENCH_DIR, 'scenarios'))
  .filter((f) => /^[a-z]\d?-.*\.mjs$/.test(f))
  .sort();
const scenarios = [];
for (const f of scenarioFiles) scenarios.push((await import(pathToFileURL(join(BENCH_DIR, 'scenarios', f)).href)).default);
const selected = opts.only ? scenarios.filter((s) => opts.only.some((o) => s.id.startsWith(o))) : scenarios;
if (selected.length === 0) throw new Error(`--only ${opts.only} matches no scenario (have: ${scenarios.map((s) => s.id).join(', ')})`);

const ctx = { rows: opts.rows, databaseUrl: opts.databaseUrl, files, logDir };
const workerLabel = (w) => (w === 0 ? '0 workers (main thread)' : `${w} worker${w === 1 ? '' : 's'}`);
// --workers: each target scenario once per parse_workers value, scenario by scenario
const plan = selected.flatMap((s) => (opts.workers && s.workerMatrix !== false ? opts.workers.map((w) => ({ s, w })) : [{ s }]));
const results = [];
let failed;
for (const { s: base, w } of plan) {
  const s = w === undefined ? base : { ...base, label: `${base.label} · ${workerLabel(w)}` };
  // a scenario that needs something this machine lacks says so and is left out
  const unavailable = s.skip ?? s.unavailable?.();
  if (unavailable) {
    log(`- ${s.label}: skipped, ${unavailable}`);
    continue;
  }
  // a scenario may load into another server (the Citus ones: BENCH_CITUS_URL)
  const url = s.databaseUrl ?? opts.databaseUrl;
  const input = s.input(files);
  log(`- ${s.label} ...`);
  try {
    // each scenario runs --repeat times (default 2) and keeps its fastest run: on a shared
    // 2-core machine a checkpoint or a neighbour can stall one run by seconds
    const runs = [];
    for (let i = 0; i < opts.repeat; i++) {
      if (i > 0) dropSchema(url, s.schema);
      const m = await s.run({ ...ctx, parseWorkers: w });
      runs.push(m);
      log(
        `  ${m.wall.toFixed(2)} s, ${Math.round(opts.rows / m.wall).toLocaleString('en-US')} rows/s, CPU ${m.cpu.toFixed(2)} s, ` +
          `server CPU ${m.serverCpu === undefined ? 'n/a' : m.serverCpu.toFixed(2) + ' s'}${m.otherClients ? ` (${m.otherClients} other clients connected)` : ''}, peak RSS ${Math.round(m.maxRssKb / 1024)} MB, host busy ${m.hostBusy === undefined ? '?' : Math.round(m.hostBusy * 100) + ' %'}, rows verified`,
      );
    }
    const best = runs.reduce((a, b) => (b.wall < a.wall ? b : a));
    results.push({ ...best, id: s.id, workers: w, label: s.label, baseline: !!s.baseline, inputBytes: s.inputBytes?.(files) ?? statSync(input).size, walls: runs.map((m) => m.wall) });
  } catch (e) {
    failed = e;
    log(`\n*** BENCH FAILED in ${s.id}: ${e.message}\n`);
    break;
  } finally {
    if (!opts.keep) dropSchema(url, s.schema);
  }
}
if (failed) process.exit(1);

const defaults = Object.entries(BASE_SETTINGS).map(([k, v]) => `${k}=${v}`).join(', ');
const section = resultsMarkdown({
  started,
  rows: opts.rows,
  machine: machineInfo(),
  pgVersion,
  loadBefore,
  loadAfter: loadavg(),
  method: measureMethod(),
  totalSeconds: (performance.now() - t0) / 1000,
  results,
  notes: [
    `Target settings: ${defaults}; (c), (c2) load_method=upsert; everything else at its default. Input read with --input.`,
    opts.workers
      ? `Rows marked "· N workers" ran with parse_workers=N (encode worker threads beside the main thread); the raw COPY and (k)/(k2) rows once. The target's default: cores - 1, at least 1 and at most 4 = ${Math.max(1, Math.min(4, availableParallelism() - 1))} here.`
      : `parse_workers unset: the target's default, cores - 1 (at least 1, at most 4) = ${Math.max(1, Math.min(4, availableParallelism() - 1))} encode worker threads here.`,
    '(c2) loads the wide rows once (not timed, then VACUUM ANALYZE) and measures loading the same rows again: every record updates an existing key.',
    '(a) and (a2) load into a typed table with a primary key on id (tags as jsonb); the target adds 7 `_sdc_*` columns and, append-only, creates no primary key.',
    `(e) is the wide workload with record i sent to stream events_{i mod 20} (bench/interleave-streams.mjs).`,
    ...results.filter((r) => r.note).map((r) => `${r.id}: into the Citus coordinator at BENCH_CITUS_URL, ${r.note}.`),
    '(k)/(k2): 20 ACTIVATE_VERSION messages (hard_delete) against a table of the given rows, without/with create_performance_indexes; rows/s is table rows over wall time. (l): (b) into a table partitioned by day on created_at.',
    ...embeddingsNote(results),
    probe.pid || results.some((r) => r.serverCpu !== undefined)
      ? `Server CPU: utime + stime of the PostgreSQL postmaster and all its children (backends, background processes, autovacuum) over the scenario, from /proc, reaped backends included through the postmaster's cutime + cstime; for the Citus rows, the coordinator's only. It is the whole server's: in 1 s before the first scenario, with none running, it used ${idle === undefined ? 'n/a' : idle.toFixed(2)} CPU s/s. Client and server CPU are per million rows (for (k)/(k2), table rows).`
      : `Server CPU n/a: ${probe.why}. Client CPU is per million rows.`,
    '"× (a) wall" is wall time divided by the wide raw COPY\'s; every row count was checked with SELECT count(*).',
    `Each scenario ran ${opts.repeat} time(s); the fastest run is shown. All wall times (s): ${results.map((r) => `${r.id}${r.workers === undefined ? '' : ` (${workerLabel(r.workers)})`} ${r.walls.map((w) => w.toFixed(2)).join(' / ')}`).join('; ')}.`,
  ],
});
process.stdout.write('\n' + section);

/** (m) against (c): the same upsert load, with and without embeddings through the local API. */
function embeddingsNote(rs) {
  const c = rs.find((r) => r.id.startsWith('c-'));
  const f = rs.find((r) => r.id.startsWith('m-'));
  if (!f) return [];
  const overhead = c ? `: ${(f.wall / c.wall).toFixed(2)} × the wall time of (c), ${(f.wall - c.wall).toFixed(2)} s more` : '';
  return [`(m) is (c) plus embeddings of name, note and status into real[] vectors through a local OpenAI-compatible server in the bench process (${f.note})${overhead}.`];
}
if (!opts.noWrite && !opts.only) {
  prependSection(section);
  log(`\nwritten to ${BENCHMARKS_FILE}`);
} else {
  log('\n(not written to BENCHMARKS.md: --only or --no-write)');
}
