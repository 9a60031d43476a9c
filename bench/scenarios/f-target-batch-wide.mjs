// (f) The wide records sent as SDK BATCH messages (jsonl files, 100k records each, gzip), append-only: compare with (b).
import { batchInputBytes } from '../lib/workloads.mjs';
import { targetScenario } from '../lib/scenario.mjs';

export default targetScenario({ id: 'f-target-batch-gzip-wide', label: '(f) target append-only, wide, as BATCH files (gzip)', schema: 'bench_batch_gzip', file: 'wideBatchGzip', inputBytes: (files) => batchInputBytes(files.wideBatchGzip) });
