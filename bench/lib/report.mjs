// Machine description, the markdown results table, and BENCHMARKS.md (newest section first).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './options.mjs';

export const BENCHMARKS_FILE = join(REPO_ROOT, 'BENCHMARKS.md');
const MARKER = '<!-- bench:results (newest first; npm run bench inserts below) -->';
const HEADER = `# Benchmarks

Produced by \`npm run bench\` (bench/run.mjs): every scenario loads the same rows into the same
PostgreSQL server in one run, next to a raw \`psql COPY ... FROM STDIN (FORMAT csv)\` of the
equivalent CSV. Workloads come from \`../shared/bench/gen-singer.mjs\` (see its README).
"CPU" and "peak RSS" are those of the client process (the target, or psql for the COPY rows);
"server CPU" is that of the PostgreSQL server (its postmaster and all its processes, from /proc;
"n/a" when the server is not on this machine); the "/ 1M rows" columns are CPU-seconds per million rows;
"host busy" is the share of all cores busy during the scenario, every process included
(the target, PostgreSQL and anything else running on the machine).

${MARKER}
`;

export function machineInfo() {
  const c = cpus();
  return {
    cores: c.length,
    model: (c[0]?.model ?? 'unknown cpu').replace(/\s+/g, ' ').trim(),
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    load: loadavg(),
  };
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x) => (x === undefined ? '–' : `${Math.round(x * 100)} %`);

/** One markdown section for a run. */
export function resultsMarkdown({ started, rows, machine, pgVersion, loadBefore, loadAfter, method, totalSeconds, results, notes }) {
  const base = results.find((r) => r.baseline);
  const lines = [
    `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${fmt(rows)} rows`,
    '',
    `Machine: ${machine.cores} cores (${machine.model}), ${fmt(machine.memoryGiB, 1)} GiB RAM · Node ${machine.node} · ` +
      `PostgreSQL ${pgVersion} · load average ${loadBefore.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min) before, ` +
      `${loadAfter.map((x) => x.toFixed(2)).join(' / ')} after · CPU and RSS by ${method} · whole run ${fmt(totalSeconds, 0)} s`,
    '',
    '| scenario | input | wall s | rows/s | input MB/s | × (a) wall | CPU s (user+sys) | CPU ÷ wall | client CPU s / 1M rows | server CPU s / 1M rows | peak RSS MB | host busy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const perMillion = (s) => (s === undefined ? 'n/a' : fmt((s * 1e6) / rows, 2));
  // † other clients were connected as the run started: the server CPU holds their work too
  const shared = (r) => (r.otherClients ? ' †' : '');
  for (const r of results) {
    const ratio = base ? `${fmt(r.wall / base.wall, 1)}×` : '–';
    lines.push(
      `| ${r.label} | ${fmt(r.inputBytes / 1e6)} MB | ${fmt(r.wall, 2)} | ${fmt(rows / r.wall)} | ${fmt(r.inputBytes / 1e6 / r.wall, 1)} | ${ratio} | ` +
        `${fmt(r.cpu, 2)} (${fmt(r.user, 2)} + ${fmt(r.sys, 2)}) | ${fmt(r.cpu / r.wall, 2)} | ${perMillion(r.cpu)} | ${perMillion(r.serverCpu)}${shared(r)} | ${fmt(r.maxRssKb / 1024)} | ${pct(r.hostBusy)} |`,
    );
  }
  const others = results.filter((r) => r.otherClients);
  if (others.length) notes = [...(notes ?? []), `† ${others.length} row(s): other clients (up to ${Math.max(...others.map((r) => r.otherClients))}) were connected to the server as the run started; their work is in its server CPU.`];
  if (notes?.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}

/** Inserts a section at the top of the results in BENCHMARKS.md, keeping older sections. */
export function prependSection(section, file = BENCHMARKS_FILE) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  if (!text.includes(MARKER)) text = text.trimEnd() + '\n\n' + MARKER + '\n';
  const at = text.indexOf(MARKER) + MARKER.length;
  text = text.slice(0, at) + '\n\n' + section.trimEnd() + '\n' + text.slice(at).replace(/^\n+/, '\n');
  writeFileSync(file, text.trimEnd() + '\n');
}
