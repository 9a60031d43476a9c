import { parseJsonLine } from '../../dist/protocol/exact-json.js';
import { buildColumnPlan } from '../../dist/schema/columns.js';
import { compileRowEncoder } from '../../dist/stream/row-encoder.js';
import { recordLines, wideSchemaMessage, wideSinger } from './lib.mjs';
const buf = wideSinger(100000);
const schemaMsg = wideSchemaMessage(buf);
const parsed = recordLines(buf).map((l) => parseJsonLine(l));
const plan = buildColumnPlan(schemaMsg.schema, ['id'], { flatten: true, maxDepth: 1, metadata: true });
const columns = plan.columns.map((c) => ({ ...c, actualType: c.pgType }));
console.log(columns.map(c=>c.name+':'+c.actualType).join(' '));
const enc = compileRowEncoder(columns);
const now = new Date().toISOString();
const m = { extractedAt: undefined, receivedAt: now, batchedAt: now, sequence: 1, tableVersion: undefined, syncStartedAt: 1 };
for (let r = 0; r < 5; r++) {
  let t = performance.now(); let len = 0;
  for (let i = 0; i < parsed.length; i++) len += enc(parsed[i].value.record, m, parsed[i].exact).length;
  const a = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < parsed.length; i++) len += enc(parsed[i].value.record, m, false).length;
  const b = performance.now() - t;
  console.log(`exact as parsed: ${(parsed.length / a * 1000) | 0}/s; exact=false: ${(parsed.length / b * 1000) | 0}/s`);
}
console.log('exact share', parsed.filter(p=>p.exact).length / parsed.length);
const keep = new Array(parsed.length);
global.gc(); let h0 = process.memoryUsage().heapUsed;
let t = performance.now();
for (let i = 0; i < parsed.length; i++) keep[i] = enc(parsed[i].value.record, m, parsed[i].exact);
const tKeep = performance.now() - t;
global.gc(); let h1 = process.memoryUsage().heapUsed;
const chars = keep.reduce((a, s) => a + s.length, 0);
console.log(`kept ${parsed.length} rows: ${(parsed.length / tKeep * 1000) | 0}/s, heap +${((h1 - h0) / 1e6).toFixed(0)} MB for ${(chars / 1e6).toFixed(0)} M chars`);
const flat = keep.map((s) => { const x = s.length ? (s.charCodeAt(0), s) : s; return x; });
for (const s of keep) Number(s.length); // no-op
// flatten by forcing a flat copy
for (let i = 0; i < keep.length; i++) keep[i] = Buffer.from(keep[i]).toString();
global.gc(); let h2 = process.memoryUsage().heapUsed;
console.log(`after flattening: heap ${((h2 - h0) / 1e6).toFixed(0)} MB`);
