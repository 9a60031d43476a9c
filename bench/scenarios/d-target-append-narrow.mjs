// (d) The target, append-only, narrow workload (3 properties).
import { targetScenario } from '../lib/scenario.mjs';

export default targetScenario({ id: 'd-target-append-narrow', label: '(d) target append-only, narrow', schema: 'bench_append_narrow', file: 'narrowSinger', table: 'narrow' });
