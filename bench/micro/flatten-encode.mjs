#!/usr/bin/env node
// Micro-benchmark: flatten + encode. The project's compiled row encoder
// (dist/stream/row-encoder.js, columns from dist/schema/columns.js, flattening depth 1,
// metadata on) against csv-stringify fed the same flattened values; one op = one record.
// A small CSV reader checks that every encoding decodes to the same fields (NULLs included).
import { stringify } from 'csv-stringify/sync';
import { stringify as stringifyStream } from 'csv-stringify';
import { ExactNumber, parseJsonLine } from '../../dist/protocol/exact-json.js';
import { buildColumnPlan } from '../../dist/schema/columns.js';
import { compileRowEncoder } from '../../dist/stream/row-encoder.js';
import { RecordPipeline } from '../../dist/stream/record-pipeline.js';
import { StreamBuffer } from '../../dist/batch/stream-buffer.js';
import { bench, microRows, recordLines, report, wideSchemaMessage, wideSinger } from './lib.mjs';

const rows = microRows();
const buf = wideSinger(rows);
const schemaMsg = wideSchemaMessage(buf);
const parsed = recordLines(buf).map((l) => parseJsonLine(l));
const n = parsed.length;
const plan = buildColumnPlan(schemaMsg.schema, schemaMsg.key_properties, { flatten: true, maxDepth: 1, metadata: true });
const columns = plan.columns.map((c) => ({ ...c, actualType: c.pgType }));
const encodeRow = compileRowEncoder(columns);
const stamped = new Set(['_sdc_sequence', '_sdc_batched_at']);
const pipeline = new RecordPipeline({
  stream: 'events', version: 1, schema: schemaMsg.schema, keys: schemaMsg.key_properties,
  columns: columns.filter((c) => !stamped.has(c.metadata)), validate: false, sanitizeNul: false, keyIdentity: true, syncStartedAt: '1700000000000',
});
const now = new Date().toISOString();
const meta = (i) => ({ extractedAt: undefined, receivedAt: now, batchedAt: now, sequence: 1_700_000_000_000_000 + i, tableVersion: undefined, syncStartedAt: 1_700_000_000_000 });
const metas = parsed.map((_, i) => meta(i));

// ---- the same flattened values for csv-stringify --------------------------------------------
const pgArray = (items) => '{' + items.map((x) => (x == null ? 'NULL' : '"' + String(x).replace(/[\\"]/g, '\\$&') + '"')).join(',') + '}';
const getters = columns.map((c) => {
  if (c.metadata) {
    const f = { _sdc_extracted_at: 'extractedAt', _sdc_received_at: 'receivedAt', _sdc_batched_at: 'batchedAt', _sdc_sequence: 'sequence', _sdc_table_version: 'tableVersion', _sdc_sync_started_at: 'syncStartedAt' }[c.metadata];
    return f ? (_r, m) => m[f] : () => null;
  }
  const [a, b] = c.path;
  const isArray = c.actualType.endsWith('[]');
  return (r) => {
    let v = r[a];
    if (b !== undefined) v = v == null || typeof v !== 'object' ? undefined : v[b];
    if (v == null) return null;
    if (v instanceof ExactNumber) return v.text;
    if (isArray) return pgArray(Array.isArray(v) ? v : [v]);
    return v;
  };
});
const width = getters.length;
function flatValues(record, m) {
  const out = new Array(width);
  for (let j = 0; j < width; j++) out[j] = getters[j](record, m);
  return out;
}
const cast = { boolean: (v) => (v ? 't' : 'f') };
const likeProject = { quoted_string: true, cast, eof: true };
// Quote only where CSV needs it; an empty string is quoted (a cast) so it stays apart from NULL.
const minimal = { cast: { ...cast, string: (v) => (v === '' ? { value: '', quoted_empty: true } : v) }, eof: true };

// ---- encoders under test -------------------------------------------------------------------
const out = new Array(n);
const project = () => { for (let i = 0; i < n; i++) out[i] = encodeRow(parsed[i].value.record, metas[i], parsed[i].exact); };
let buffer = new StreamBuffer();
const projectBuffered = () => {
  for (let i = 0; i < n; i++) {
    const record = parsed[i].value.record;
    buffer.add(encodeRow(record, metas[i], parsed[i].exact), i + 2, String(record.id), 0);
  }
};
let sink = 0;
const projectDiscard = () => { for (let i = 0; i < n; i++) sink += encodeRow(parsed[i].value.record, metas[i], parsed[i].exact).length; };
const projectFull = () => {
  for (let i = 0; i < n; i++) out[i] = pipeline.run(parsed[i].value, i + 2, parsed[i].exact, false, now).row;
};
const viaSync = (options) => () => {
  const values = new Array(n);
  for (let i = 0; i < n; i++) values[i] = flatValues(parsed[i].value.record, metas[i]);
  return stringify(values, options);
};
const viaStream = () =>
  new Promise((resolve, reject) => {
    const s = stringifyStream(likeProject);
    let size = 0;
    s.on('data', (chunk) => (size += chunk.length));
    s.on('end', () => resolve(size));
    s.on('error', reject);
    for (let i = 0; i < n; i++) s.write(flatValues(parsed[i].value.record, metas[i]));
    s.end();
  });

// ---- equivalence check -----------------------------------------------------------------------
/** Decodes PostgreSQL-style CSV: unquoted empty field = null. */
function decodeCsv(text) {
  const records = [];
  let rec = [];
  let i = 0;
  while (i < text.length) {
    let field;
    if (text[i] === '"') {
      field = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') { field += '"'; i++; } else break;
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      field = j === i ? null : text.slice(i, j);
      i = j;
    }
    rec.push(field);
    if (text[i] === ',') i++;
    else { records.push(rec); rec = []; i++; }
  }
  return records;
}
project();
const reference = JSON.stringify(decodeCsv(out.join('')));
const checks = [
  ['csv-stringify (quoted_string)', viaSync(likeProject)()],
  ['csv-stringify (minimal quoting)', viaSync(minimal)()],
];
const notes = [];
for (const [name, text] of checks) {
  const same = JSON.stringify(decodeCsv(text)) === reference;
  if (!same) throw new Error(`${name} does not decode to the same fields as the project encoder`);
}
notes.push('StreamBuffer.add also sizes the row (Buffer.byteLength) and, with key_properties, tracks the key; "rows kept in an array" keeps the row strings as returned; "discarded" drops them (no retention, less GC)');
notes.push('every csv-stringify variant decodes to exactly the same fields as the project encoder (checked on all rows)');
const bytes = out.reduce((a, r) => a + Buffer.byteLength(r), 0);

const results = [
  await bench('project compileRowEncoder + StreamBuffer.add (as the router does)', n, projectBuffered, { bytes, before: () => (buffer = new StreamBuffer()) }),
  await bench('project compileRowEncoder, rows kept in an array', n, project, { bytes }),
  await bench('project compileRowEncoder, rows discarded', n, projectDiscard, { bytes }),
  await bench('project RecordPipeline.run (no validation; _sdc_sequence/_sdc_batched_at left to the buffer)', n, projectFull, { bytes }),
  await bench('csv-stringify sync, whole batch (quoted_string)', n, viaSync(likeProject), { bytes }),
  await bench('csv-stringify sync, whole batch (minimal quoting)', n, viaSync(minimal), { bytes }),
  await bench('csv-stringify stream, one write per record', n, viaStream, { bytes }),
];
report(`flatten + encode (${n.toLocaleString('en-US')} wide records → ${columns.length} columns, ${(bytes / 1e6).toFixed(0)} MB CSV)`, results, notes);
