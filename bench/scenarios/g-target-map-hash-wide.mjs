// (g) (b) with a stream map that hashes one column (the common PII map): md5(email) when set.
import { psql } from '../lib/db.mjs';
import { targetScenario } from '../lib/scenario.mjs';

const id = 'g-target-map-hash-wide';
const schema = 'bench_map_hash';

export default targetScenario({
  id,
  label: '(g) target append-only, wide, stream map md5(email)',
  schema,
  file: 'wideSinger',
  settings: { stream_maps: { events: { email: 'md5(email) if email else None' } } },
  check(ctx) {
    const notHashed = psql(ctx.databaseUrl, `SELECT count(*) FROM ${schema}.events WHERE email IS NOT NULL AND email !~ '^[0-9a-f]{32}$'`);
    if (Number(notHashed) !== 0) throw new Error(`"${id}": ${notHashed} emails are not md5 hashes`);
  },
});
