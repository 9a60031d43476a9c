#!/usr/bin/env node
// Micro-benchmark: split + parse. The project's line cutter (dist/input/line-cutter.js) with
// the project's parseJsonLine (dist/protocol/exact-json.js), next to JSON.parse; one op = one
// Singer line. (split2, which the reader replaced, measured 158k lines/s against the reader's
// 162k with parseJsonLine, 2026-11-22; see BENCHMARKS.md.)
import { parseJsonLine } from '../../dist/protocol/exact-json.js';
import { LineCutter, lineStarts, lineText } from '../../dist/input/line-cutter.js';
import { bench, chunked, microRows, report, wideSinger } from './lib.mjs';

const rows = microRows();
const buf = wideSinger(rows);
const chunks = chunked(buf);
const lines = buf.toString().split('\n').filter(Boolean);
const n = lines.length;

async function projectReader(parse) {
  let count = 0;
  const cutter = new LineCutter(100 * 1024 * 1024);
  const each = ({ blocks }) => {
    for (const b of blocks) {
      const starts = lineStarts(b.data, b.lines);
      for (let i = 0; i < b.lines; i++) {
        const line = lineText(b.data, starts, i);
        if (line) parse(line);
        count++;
      }
    }
  };
  for (const chunk of chunks) each(cutter.push(chunk));
  each(cutter.end());
  if (count < n) throw new Error(`the line cutter gave ${count} lines, expected ${n}`);
}

let exact = 0;
for (const l of lines) if (parseJsonLine(l).exact) exact++;

const results = [
  await bench('LineCutter (project) only', n, () => projectReader(() => undefined), { bytes: buf.length }),
  await bench('LineCutter (project) + JSON.parse', n, () => projectReader(JSON.parse), { bytes: buf.length }),
  await bench('LineCutter (project) + parseJsonLine', n, () => projectReader(parseJsonLine), { bytes: buf.length }),
  await bench('JSON.parse, pre-split lines', n, () => { for (let i = 0; i < n; i++) JSON.parse(lines[i]); }, { bytes: buf.length }),
  await bench('parseJsonLine, pre-split lines', n, () => { for (let i = 0; i < n; i++) parseJsonLine(lines[i]); }, { bytes: buf.length }),
];
report(`split + parse (${n.toLocaleString('en-US')} wide Singer lines, ${(buf.length / 1e6).toFixed(0)} MB)`, results, [
  `${((exact / n) * 100).toFixed(1)} % of lines come out "exact" (hold a number kept as text, parsed by the hand-written ExactParser)`,
]);
