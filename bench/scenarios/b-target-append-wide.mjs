// (b) The target, append-only, wide workload, flattening depth 1, validation and metadata on.
import { targetScenario } from '../lib/scenario.mjs';

export default targetScenario({ id: 'b-target-append-wide', label: '(b) target append-only, wide', schema: 'bench_append_wide', file: 'wideSinger' });
