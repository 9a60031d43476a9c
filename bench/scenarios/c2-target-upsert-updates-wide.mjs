// (c2) The target, upsert on id, every record updating an existing key: the wide rows are loaded
// once (not timed, then VACUUM ANALYZE, as autovacuum would leave the table), and the same rows
// loaded again with load_method=upsert are measured. Each row must carry the second run's batch.
import { psql, quoteIdent, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';
import { targetScenario } from '../lib/scenario.mjs';

const id = 'c2-target-upsert-updates-wide';
const schema = 'bench_upsert_updates_wide';
const table = `${quoteIdent(schema)}.events`;
const settings = { load_method: 'upsert' };

export default targetScenario({
  id,
  label: '(c2) target upsert on id, wide, all updates',
  schema,
  file: 'wideSinger',
  settings,
  async prepare(ctx) {
    await runTarget(ctx, { id: `${id}-seed`, schema, input: ctx.files.wideSinger, settings });
    psql(ctx.databaseUrl, `VACUUM ANALYZE ${table}`);
    return psql(ctx.databaseUrl, `SELECT max(_sdc_batched_at) FROM ${table}`);
  },
  check(ctx, seededUntil) {
    verifyCount(`${id} (rows updated)`, Number(psql(ctx.databaseUrl, `SELECT count(*) FROM ${table} WHERE _sdc_batched_at > '${seededUntil}'`)), ctx.rows);
  },
});
