// (l) As (b), into a table partitioned by day on created_at (partition_by, default partition for nulls):
// the cost of staging each batch, reading its days and inserting from the staging table.
import { countRows, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'l-target-append-wide-partitioned';
const schema = 'bench_append_partitioned';

export default {
  id,
  label: '(l) target append-only, wide, partitioned by day',
  schema,
  input: (files) => files.wideSinger,
  async run(ctx) {
    const settings = { stream_overrides: { events: { partition_by: { column: 'created_at', strategy: 'range', interval: 'day', default_partition: true } } } };
    const m = await runTarget(ctx, { id, schema, input: ctx.files.wideSinger, settings });
    verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows);
    return m;
  },
};
