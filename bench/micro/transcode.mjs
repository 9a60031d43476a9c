// Micro-benchmark of the encode worker's hot loop on one thread: the wide workload's RECORD
// lines through transcodeLine (envelope scan, record scan and checks, binary or CSV row), no
// workers, no database. Prints µs per row, best of rounds.
//   node bench/micro/transcode.mjs [--rows N] [--format binary|csv]
import { argValue } from '../lib/options.mjs';
import { microRows, wideSinger, wideSchemaMessage } from './lib.mjs';
import { transcodeLine } from '../../dist/input/fast-record.js';
import { RowOut } from '../../dist/stream/row-out.js';
import { buildColumnPlan } from '../../dist/schema/columns.js';
import { RecordPipeline } from '../../dist/stream/record-pipeline.js';
import { STAMPED_COLUMNS } from '../../dist/stream/record-metadata.js';
import { lineStarts } from '../../dist/input/line-cutter.js';

const argv = process.argv.slice(2);
const rows = microRows(argv);
const format = argValue(argv, '--format') ?? 'binary';
const all = wideSinger(1_000_000);
const schemaMsg = wideSchemaMessage(all);
const plan = buildColumnPlan(schemaMsg.schema, schemaMsg.key_properties, { flatten: true, maxDepth: 1, metadata: true });
const columns = plan.columns.filter((c) => !(c.metadata && STAMPED_COLUMNS.includes(c.metadata))).map((c) => ({ ...c, actualType: c.pgType }));
const pipeline = new RecordPipeline({ stream: 'events', version: 1, schema: schemaMsg.schema, keys: schemaMsg.key_properties, columns, validate: true, sanitizeNul: false, keyIdentity: false, syncStartedAt: '1700000000000', source: 'events', ...(format === 'binary' ? { format: 'binary' } : {}) });
if (!pipeline.transcoder) throw new Error(`no transcoder: ${pipeline.transcoderOff}`);
const pipelines = new Map([['events', [pipeline]]]);
const first = all.indexOf(10) + 1;
let endAt = first;
for (let n = 0; n < rows; n++) endAt = all.indexOf(10, endAt) + 1;
const buf = all.subarray(first, endAt);
const starts = lineStarts(buf, rows);
const out = new RowOut(1 << 20);
const receivedAt = '2024-05-06T07:08:09.123Z';
let best = Infinity;
let declined = 0;
for (let round = 0; round < 8; round++) {
  const t0 = process.hrtime.bigint();
  let fast = 0;
  for (let i = 0; i < rows; i++) {
    if ((i & 1023) === 0) out.pos = 0;
    if (transcodeLine(buf, starts[i], starts[i + 1], pipelines, receivedAt, out)) fast++;
  }
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / rows;
  if (fast < rows * 0.999) throw new Error(`only ${fast} of ${rows} lines transcoded`);
  declined = rows - fast;
  best = Math.min(best, us);
}
console.log(`transcode (${format}): ${best.toFixed(3)} µs/row, best of 8 rounds of ${rows.toLocaleString('en-US')} wide rows (${declined} left to the generic path)`);
