// (c) The target, upsert on id (staging table + INSERT ... ON CONFLICT), wide workload.
import { countRows, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'c-target-upsert-wide';
const schema = 'bench_upsert_wide';

export default {
  id,
  label: '(c) target upsert on id, wide',
  schema,
  input: (files) => files.wideSinger,
  async run(ctx) {
    const m = await runTarget(ctx, { id, schema, input: ctx.files.wideSinger, settings: { load_method: 'upsert' } });
    verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows);
    return m;
  },
};
