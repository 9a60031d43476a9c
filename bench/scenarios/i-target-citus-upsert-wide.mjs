// (i) The target, upsert on id, wide workload, into a Citus cluster (coordinator + workers; the
// table is hash-distributed on id, so COPY and INSERT ... ON CONFLICT run on the workers).
// Compare its rows/s with (c), the same load into the single server. Needs BENCH_CITUS_URL
// (the coordinator, e.g. postgres://postgres@127.0.0.1:9700/postgres from
// ../shared/scripts/citus-cluster.sh start 9700); skipped without it.
import { citusScenario } from '../lib/citus.mjs';

export default citusScenario({
  id: 'i-target-citus-upsert-wide',
  label: '(i) target upsert on id, wide, Citus',
  schema: 'bench_citus_upsert_wide',
  settings: { load_method: 'upsert' },
  compare: '(c)',
});
