#!/usr/bin/env node
// Micro-benchmark: split + parse. The project's line reader (dist/protocol/read-lines.js) with
// the project's parseJsonLine (dist/protocol/exact-json.js), next to JSON.parse; one op = one
// Singer line. (split2, which the reader replaced, measured 158k lines/s against the reader's
// 162k with parseJsonLine, 2026-11-22; see BENCHMARKS.md.)
import { Readable } from 'node:stream';
import { parseJsonLine } from '../../dist/protocol/exact-json.js';
import { readLines } from '../../dist/protocol/read-lines.js';
import { bench, chunked, microRows, report, wideSinger } from './lib.mjs';

const rows = microRows();
const buf = wideSinger(rows);
const chunks = chunked(buf);
const lines = buf.toString().split('\n').filter(Boolean);
const n = lines.length;

async function projectReader(parse) {
  let count = 0;
  await readLines(Readable.from(chunks, { objectMode: false }), (line) => {
    if (line) parse(line);
    count++;
  }).done;
  if (count < n) throw new Error(`readLines gave ${count} lines, expected ${n}`);
}

let exact = 0;
for (const l of lines) if (parseJsonLine(l).exact) exact++;

const results = [
  await bench('readLines (project) only', n, () => projectReader(() => undefined), { bytes: buf.length }),
  await bench('readLines (project) + JSON.parse', n, () => projectReader(JSON.parse), { bytes: buf.length }),
  await bench('readLines (project) + parseJsonLine', n, () => projectReader(parseJsonLine), { bytes: buf.length }),
  await bench('JSON.parse, pre-split lines', n, () => { for (let i = 0; i < n; i++) JSON.parse(lines[i]); }, { bytes: buf.length }),
  await bench('parseJsonLine, pre-split lines', n, () => { for (let i = 0; i < n; i++) parseJsonLine(lines[i]); }, { bytes: buf.length }),
];
report(`split + parse (${n.toLocaleString('en-US')} wide Singer lines, ${(buf.length / 1e6).toFixed(0)} MB)`, results, [
  `${((exact / n) * 100).toFixed(1)} % of lines come out "exact" (hold a number kept as text, parsed by the hand-written ExactParser)`,
]);
