#!/usr/bin/env node
// Turns a Singer file into the same records sent the way SDK taps with the `batch` capability
// send them: the records between two STATE messages (at most --per-file of them) go into a
// jsonl file (one raw record a line, gzip or plain), and a BATCH message naming that file takes
// their place. SCHEMA and STATE lines pass through, in order.
//
//   node bench/batch-files.mjs --dir DIR [--compression gzip|none] [--per-file N] < in.singer > out.singer
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import { argValue } from './lib/options.mjs';

const args = process.argv.slice(2);
const dir = argValue(args, '--dir');
if (!dir) throw new Error('--dir is required');
const compression = argValue(args, '--compression') ?? 'gzip';
if (compression !== 'gzip' && compression !== 'none') throw new Error('--compression is gzip or none');
const perFile = Number(argValue(args, '--per-file') ?? 100_000);
mkdirSync(dir, { recursive: true });

const out = process.stdout;
const write = async (stream, text) => {
  if (!stream.write(text)) await once(stream, 'drain');
};
let current; // { stream, file, sink, count }
let files = 0;

async function close() {
  if (!current) return;
  const { sink, file, stream } = current;
  current = undefined;
  const done = once(sink.file, 'close');
  sink.head.end();
  await done;
  await write(out, JSON.stringify({ type: 'BATCH', stream, encoding: { format: 'jsonl', compression }, manifest: [pathToFileURL(file).href] }) + '\n');
}

async function open(stream) {
  const file = join(dir, `batch-${String(files++).padStart(5, '0')}.jsonl${compression === 'gzip' ? '.gz' : ''}`);
  const fileStream = createWriteStream(file);
  const head = compression === 'gzip' ? createGzip({ level: 6 }) : fileStream;
  if (head !== fileStream) head.pipe(fileStream);
  current = { stream, file, sink: { head, file: fileStream }, count: 0 };
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.startsWith('{"type":"RECORD"')) {
    const at = line.indexOf('"record":');
    const stream = JSON.parse(line.slice(0, at - 1) + '}').stream;
    if (current && (current.stream !== stream || current.count >= perFile)) await close();
    if (!current) await open(stream);
    // the record's own text, so every number keeps its digits
    await write(current.sink.head, line.slice(at + 9, -1) + '\n');
    current.count++;
    continue;
  }
  await close();
  await write(out, line + '\n');
}
await close();
