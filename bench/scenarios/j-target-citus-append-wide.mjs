// (j) The target, append-only, wide workload, into a Citus cluster: the table is distributed on
// the stream's key (id), so the COPY goes straight to the workers' shards. Compare with (b).
// Needs BENCH_CITUS_URL; skipped without it.
import { citusScenario } from '../lib/citus.mjs';

export default citusScenario({
  id: 'j-target-citus-append-wide',
  label: '(j) target append-only, wide, Citus',
  schema: 'bench_citus_append_wide',
  settings: {},
  compare: '(b)',
});
