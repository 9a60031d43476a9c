// Runs the built target (dist/cli.js) on one workload into a fresh schema and measures it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpoint, dropSchema, targetConnection } from './db.mjs';
import { measure } from './measure.mjs';
import { CLI } from './options.mjs';
import { serverProbe } from './server-cpu.mjs';

/** Settings every target scenario shares (the issue's wide-workload settings). */
export const BASE_SETTINGS = {
  load_method: 'append-only',
  validate_records: true,
  add_record_metadata: true,
  flattening_enabled: true,
  flattening_max_depth: 1,
  log_level: 'info',
};

/** Tail of a log file, for error messages. */
export function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Drops `schema` (unless `fresh` is false: a table loaded before stays), runs the target with
 * BASE_SETTINGS + `settings` on `input`, and returns the measurement plus the number of state
 * lines written. `ctx.parseWorkers` (--workers) sets parse_workers. Throws on a non-zero exit.
 */
export async function runTarget(ctx, { id, schema, input, settings = {}, fresh = true }) {
  if (fresh) dropSchema(ctx.databaseUrl, schema);
  checkpoint(ctx.databaseUrl);
  const workers = ctx.parseWorkers === undefined ? {} : { parse_workers: ctx.parseWorkers };
  const config = { ...targetConnection(ctx.databaseUrl), ...BASE_SETTINGS, default_target_schema: schema, ...workers, ...settings };
  const base = join(ctx.logDir, ctx.parseWorkers === undefined ? id : `${id}-w${ctx.parseWorkers}`);
  writeFileSync(`${base}.config.json`, JSON.stringify(config, null, 2) + '\n');
  const m = await measure(process.execPath, [CLI, '--config', `${base}.config.json`, '--input', input], {
    stdoutFile: `${base}.state.jsonl`,
    stderrFile: `${base}.log`,
    server: serverProbe(ctx.databaseUrl),
  });
  if (m.code !== 0) throw new Error(`target exited with code ${m.code} in "${id}"; last log lines:\n${tail(`${base}.log`)}`);
  const stateText = readFileSync(`${base}.state.jsonl`, 'utf8');
  m.states = stateText ? stateText.trimEnd().split('\n').length : 0;
  m.config = settings;
  return m;
}
