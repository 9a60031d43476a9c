// (f2) The wide records sent as SDK BATCH messages, uncompressed jsonl files: compare with (b).
import { batchInputBytes } from '../lib/workloads.mjs';
import { targetScenario } from '../lib/scenario.mjs';

export default targetScenario({ id: 'f2-target-batch-plain-wide', label: '(f2) target append-only, wide, as BATCH files (plain jsonl)', schema: 'bench_batch_plain', file: 'wideBatchPlain', inputBytes: (files) => batchInputBytes(files.wideBatchPlain) });
