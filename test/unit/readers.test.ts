import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryTarget, type Row } from '../helpers/memory-target.js';
import { rec, schemaMsg, state } from '../helpers/singer.js';

// Encode workers run the built code (dist/), so this test runs the built modules throughout,
// as in production (classes such as InputError must be the workers' own).
const dist = async <T>(path: string): Promise<T> => (await import(new URL(`../../dist/${path}`, import.meta.url).href)) as T;
const { readParallel, defaultWorkers } = await dist<typeof import('../../src/input/parallel-reader.js')>('input/parallel-reader.js');
const { EncodePool } = await dist<typeof import('../../src/input/encode-pool.js')>('input/encode-pool.js');
const { readSerial } = await dist<typeof import('../../src/input/serial-reader.js')>('input/serial-reader.js');
const { Router } = await dist<typeof import('../../src/route/router.js')>('route/router.js');
const { resolveConfig } = await dist<typeof import('../../src/config/load-config.js')>('config/load-config.js');
const { createLogger } = await dist<typeof import('../../src/log.js')>('log.js');

const log = createLogger('silent', false);

/** A varied input: two streams, a schema change, blank and CRLF lines, unicode, exact numbers, NUL escapes, invalid records, states. */
function input(): string {
  const lines: string[] = [];
  const schema = (stream: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify(schemaMsg(stream, { id: { type: 'integer' }, v: { type: ['string', 'null'] }, n: { type: ['number', 'null'] }, ...extra }));
  lines.push(schema('a'), schema('b'));
  for (let i = 1; i <= 3000; i++) {
    const stream = i % 3 === 0 ? 'b' : 'a';
    if (i === 1500) lines.push(schema('a', { w: { type: ['boolean', 'null'] } }));
    if (i % 97 === 0) lines.push(JSON.stringify(rec(stream, { id: 'bad' })));
    if (i % 101 === 0) lines.push('');
    if (i % 250 === 0) lines.push(JSON.stringify(state({ at: i })));
    const v = i % 7 === 0 ? `é€𝄞 "q", \\ ${i}` : i % 11 === 0 ? null : `v${i}`;
    const line = `{"type":"RECORD","stream":"${stream}","record":{"id":${i % 1200},"v":${JSON.stringify(v)},"n":${i % 13 === 0 ? '12345678901234567890.123456789' : i / 4}${i > 1500 && stream === 'a' ? ',"w":true' : ''}}}`;
    lines.push(i % 5 === 0 ? `${line}\r` : line);
  }
  lines.push(JSON.stringify(state({ at: 'end' })));
  return lines.join('\n') + '\n';
}

async function loadWith(workers: number, text: string, settings: Record<string, unknown> = {}, stats: { mainThreadLines?: number } = {}) {
  // the in-memory target reads CSV rows
  const { config } = resolveConfig({ default_target_schema: 't', copy_format: 'csv', batch_size_rows: 64, on_invalid_record: 'dead_letter', ...settings });
  const target = new MemoryTarget();
  const states: string[] = [];
  const router = new Router(config, target, log, (s) => states.push(s));
  // small chunks, so lines and blocks are cut everywhere
  const chunks = [];
  for (let i = 0; i < text.length; i += 4093) chunks.push(Buffer.from(text.slice(i, i + 4093)));
  const source = Readable.from(chunks);
  const pool = workers > 0 ? new EncodePool(workers) : undefined;
  pool?.follow(router);
  const reader = pool ? readParallel(source, router.accept, router, pool, config.max_line_bytes) : readSerial(source, router.accept, router, config.max_line_bytes);
  await reader.done.finally(() => pool?.close());
  stats.mainThreadLines = reader.mainThreadLines;
  await router.finish();
  // times differ between runs; everything else must be the same
  // (the record sequence is compared as _sdc_sequence less the run's base, from its start)
  const strip = (rows: Row[]) =>
    rows.map(({ _sdc_received_at: _r, _sdc_batched_at: _b, _sdc_sequence: seq, _sdc_sync_started_at: started, ...rest }) => ({
      ...rest,
      seq: seq == null ? seq : Number(seq) - Number(started) * 1000,
    }));
  return {
    a: strip(target.rows('t.a')),
    b: strip(target.rows('t.b')),
    mapped: ['t.a_copy', 't.bee'].map((t) => strip(target.rows(t))),
    rejected: strip(target.rows('t._sdc_rejected_records')),
    // lanes of different tables commit in any order; within a table, batches are in order
    batches: ['t.a', 't.b', 't.a_copy', 't.bee', 't._sdc_rejected_records'].map((t) => target.batches.filter((b) => b.table === t).map((b) => b.lines)),
    lastState: states.at(-1),
    counts: router.counts,
  };
}

describe('serial and parallel readers', () => {
  it('load the same rows, rejects and states from the same input (2 workers, 1 worker, none)', async () => {
    const text = input();
    const serial = await loadWith(0, text);
    expect(serial.a.length).toBeGreaterThan(500);
    expect(serial.rejected.length).toBe(30);
    expect(serial.lastState).toBe('{"at":"end"}');
    expect(await loadWith(2, text)).toEqual(serial);
    expect(await loadWith(1, text)).toEqual(serial);
  });

  it('map records the same way on every thread: alias, __source__ split, filter, hashing, a failing expression', async () => {
    const text = input();
    const stream_maps = {
      a_copy: { __source__: 'a', __filter__: 'id % 2 == 0', __else__: null, h: "md5(str(v)) if v else 'none'", big: 'n * 3 if n else None' },
      b: { __alias__: 'bee', v: 'v.upper()' },
    };
    const serial = await loadWith(0, text, { stream_maps });
    expect(serial.a.length).toBeGreaterThan(500);
    expect(serial.mapped[0].length).toBeGreaterThan(200);
    expect(serial.mapped[1].length).toBeGreaterThan(200);
    expect(serial.b).toEqual([]);
    // v is null in some b records: v.upper() fails and the record is dead-lettered
    expect(serial.rejected.length).toBeGreaterThan(30);
    expect(await loadWith(2, text, { stream_maps })).toEqual(serial);
    expect(await loadWith(1, text, { stream_maps })).toEqual(serial);
  });

  it('send the records of a block sent before their SCHEMA was known back to a worker, not through the main thread', async () => {
    // one SCHEMA, then records and states; the readers get it in big chunks, so the first blocks
    // go to the workers before the main thread has seen the SCHEMA at their start
    const lines = [JSON.stringify(schemaMsg('a', { id: { type: 'integer' }, v: { type: ['string', 'null'] } }))];
    for (let i = 1; i <= 6000; i++) {
      lines.push(JSON.stringify(rec('a', { id: i, v: i === 4000 ? null : `v${i} "é"` })));
      if (i % 1000 === 0) lines.push(JSON.stringify(state({ at: i })));
    }
    const text = lines.join('\n') + '\n';
    const serial = await loadWith(0, text, { batch_size_rows: 1000 });
    expect(serial.a.length).toBe(6000);
    const stats: { mainThreadLines?: number } = {};
    expect(await loadWith(2, text, { batch_size_rows: 1000 }, stats)).toEqual(serial);
    // the SCHEMA and the 6 STATE messages
    expect(stats.mainThreadLines).toBe(7);
  });

  it('use one encode worker fewer than the cores by default, at least 1 and at most 4', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map((cores) => defaultWorkers(cores))).toEqual([1, 1, 2, 3, 4, 4, 4]);
  });
});
