// (g) (b) with a stream map that hashes one column (the common PII map): md5(email) when set.
import { countRows, psql, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'g-target-map-hash-wide';
const schema = 'bench_map_hash';

export default {
  id,
  label: '(g) target append-only, wide, stream map md5(email)',
  schema,
  input: (files) => files.wideSinger,
  async run(ctx) {
    const settings = { stream_maps: { events: { email: 'md5(email) if email else None' } } };
    const m = await runTarget(ctx, { id, schema, input: ctx.files.wideSinger, settings });
    verifyCount(id, countRows(ctx.databaseUrl, schema, 'events'), ctx.rows);
    const hashed = psql(ctx.databaseUrl, `SELECT count(*) FROM ${schema}.events WHERE email IS NOT NULL AND email !~ '^[0-9a-f]{32}$'`);
    if (Number(hashed) !== 0) throw new Error(`"${id}": ${hashed} emails are not md5 hashes`);
    return m;
  },
};
