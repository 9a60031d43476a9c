// (f) The wide records sent as SDK BATCH messages (jsonl files, 100k records each, gzip), append-only: compare with (b).
import { countRows, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'f-target-batch-gzip-wide';
const schema = 'bench_batch_gzip';

export default {
  id,
  label: '(f) target append-only, wide, as BATCH files (gzip)',
  schema,
  input: (files) => files.wideBatchGzip,
  async run(ctx) {
    const m = await runTarget(ctx, { id, schema, input: ctx.files.wideBatchGzip });
    verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows);
    return m;
  },
};
