// ACTIVATE_VERSION on a large table, with and without create_performance_indexes: the table
// holds ctx.rows current rows plus a few rows of each of 20 older versions; the measured run
// sends the SCHEMA and 20 ACTIVATE_VERSION messages, each deleting one older version's rows
// (hard_delete). Without the index every activation scans the whole table.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpoint, countRows, psql, quoteIdent, targetConnection, verifyCount } from './db.mjs';
import { measure } from './measure.mjs';
import { serverProbe } from './server-cpu.mjs';
import { CLI, DATA_DIR } from './options.mjs';
import { BASE_SETTINGS, runTarget, tail } from './run-target.mjs';

const VERSIONS = 20;
const CURRENT = 1000;

/** The measured run's input: SCHEMA, then ACTIVATE_VERSION 2 .. VERSIONS + 1. */
export const activateInput = (id) => join(DATA_DIR, 'logs', `${id}.activate.singer`);

const schemaLine = JSON.stringify({ type: 'SCHEMA', stream: 'events', schema: { type: 'object', properties: { id: { type: 'integer' }, v: { type: ['string', 'null'] } } }, key_properties: ['id'] });

export async function activateVersionScenario(ctx, { id, schema, indexes }) {
  const settings = { hard_delete: true, create_performance_indexes: indexes, load_method: 'upsert' };
  const perVersion = Math.max(1, Math.min(100, Math.floor(ctx.rows / (10 * VERSIONS))));
  // 1. the table (and, with indexes, its index) as the target creates it, then rows seeded in SQL
  const seed = join(ctx.logDir, `${id}.seed.singer`);
  writeFileSync(seed, `${schemaLine}\n${JSON.stringify({ type: 'RECORD', stream: 'events', record: { id: 0, v: 'seed' }, version: CURRENT })}\n`);
  await runTarget(ctx, { id: `${id}-seed`, schema, input: seed, settings });
  const t = `${quoteIdent(schema)}.events`;
  psql(
    ctx.databaseUrl,
    `INSERT INTO ${t} (id, v, _sdc_table_version) SELECT g, 'row ' || g, CASE WHEN g <= ${VERSIONS * perVersion} THEN (g - 1) / ${perVersion} + 1 ELSE ${CURRENT} END FROM generate_series(1, ${ctx.rows}) g; ANALYZE ${t}`,
  );
  checkpoint(ctx.databaseUrl);
  // 2. the measured run
  const input = activateInput(id);
  const lines = [schemaLine];
  for (let v = 2; v <= VERSIONS + 1; v++) lines.push(JSON.stringify({ type: 'ACTIVATE_VERSION', stream: 'events', version: v }));
  writeFileSync(input, lines.join('\n') + '\n');
  const config = { ...targetConnection(ctx.databaseUrl), ...BASE_SETTINGS, ...settings, default_target_schema: schema };
  const base = join(ctx.logDir, id);
  writeFileSync(`${base}.config.json`, JSON.stringify(config, null, 2) + '\n');
  const m = await measure(process.execPath, [CLI, '--config', `${base}.config.json`, '--input', input], { stdoutFile: `${base}.state.jsonl`, stderrFile: `${base}.log`, server: serverProbe(ctx.databaseUrl) });
  if (m.code !== 0) throw new Error(`target exited with code ${m.code} in "${id}"; last log lines:\n${tail(`${base}.log`)}`);
  verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows - VERSIONS * perVersion + 1);
  m.states = 0;
  m.config = settings;
  return m;
}
