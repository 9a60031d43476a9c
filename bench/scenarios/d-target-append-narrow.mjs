// (d) The target, append-only, narrow workload (3 properties).
import { countRows, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'd-target-append-narrow';
const schema = 'bench_append_narrow';

export default {
  id,
  label: '(d) target append-only, narrow',
  schema,
  input: (files) => files.narrowSinger,
  async run(ctx) {
    const m = await runTarget(ctx, { id, schema, input: ctx.files.narrowSinger });
    verifyCount(id, countRows(ctx.databaseUrl, schema, 'narrow'), ctx.rows);
    return m;
  },
};
