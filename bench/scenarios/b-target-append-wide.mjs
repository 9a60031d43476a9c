// (b) The target, append-only, wide workload, flattening depth 1, validation and metadata on.
import { countRows, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'b-target-append-wide';
const schema = 'bench_append_wide';

export default {
  id,
  label: '(b) target append-only, wide',
  schema,
  input: (files) => files.wideSinger,
  async run(ctx) {
    const m = await runTarget(ctx, { id, schema, input: ctx.files.wideSinger });
    verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows);
    return m;
  },
};
