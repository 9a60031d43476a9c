#!/usr/bin/env node
// Turns a one-stream Singer file into K interleaved streams with the same records, deterministically.
//
//   node bench/interleave-streams.mjs [--streams K] < wide.singer > streams.singer
//
// Every SCHEMA for stream S becomes K SCHEMA messages for S_00 .. S_{K-1}; the i-th RECORD
// (0-based) goes to stream S_{i mod K}; STATE and other lines pass through unchanged. The
// output therefore holds the same rows as the input, spread evenly over K tables.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { argValue } from './lib/options.mjs';

const K = Number(argValue(process.argv.slice(2), '--streams') ?? 20);
if (!Number.isInteger(K) || K < 1 || K > 1000) throw new Error('--streams must be an integer from 1 to 1000');
const width = String(K - 1).length;
const names = new Map(); // base stream -> its K names
const streamsOf = (base) => {
  let list = names.get(base);
  if (!list) names.set(base, (list = Array.from({ length: K }, (_, i) => `${base}_${String(i).padStart(width, '0')}`)));
  return list;
};

const out = process.stdout;
let parts = [];
let size = 0;
async function emit(line) {
  parts.push(line);
  size += line.length + 1;
  if (size >= 1 << 20) {
    const chunk = parts.join('\n') + '\n';
    parts = [];
    size = 0;
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

const RECORD_PREFIX = '{"type":"RECORD","stream":';
let recordNo = 0;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.startsWith(RECORD_PREFIX)) {
    // Fast path for the generator's layout: {"type":"RECORD","stream":"<name>","record":...}
    const end = line.indexOf('"', RECORD_PREFIX.length + 1);
    const base = line.slice(RECORD_PREFIX.length + 1, end);
    const name = streamsOf(base)[recordNo++ % K];
    await emit(RECORD_PREFIX + JSON.stringify(name) + line.slice(end + 1));
    continue;
  }
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    await emit(line);
    continue;
  }
  const type = typeof msg?.type === 'string' ? msg.type.toUpperCase() : '';
  if (type === 'SCHEMA') {
    for (const name of streamsOf(msg.stream)) await emit(JSON.stringify({ ...msg, stream: name }));
  } else if (type === 'RECORD') {
    await emit(JSON.stringify({ ...msg, stream: streamsOf(msg.stream)[recordNo++ % K] }));
  } else {
    await emit(line);
  }
}
if (parts.length) out.write(parts.join('\n') + '\n');
