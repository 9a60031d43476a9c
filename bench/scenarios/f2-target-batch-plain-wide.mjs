// (f2) The wide records sent as SDK BATCH messages, uncompressed jsonl files: compare with (b).
import { countRows, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'f2-target-batch-plain-wide';
const schema = 'bench_batch_plain';

export default {
  id,
  label: '(f2) target append-only, wide, as BATCH files (plain jsonl)',
  schema,
  input: (files) => files.wideBatchPlain,
  async run(ctx) {
    const m = await runTarget(ctx, { id, schema, input: ctx.files.wideBatchPlain });
    verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows);
    return m;
  },
};
