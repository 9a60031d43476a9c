import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { InputError } from '../../src/errors.js';
import { processLine, type LineSource } from '../../src/input/line-stage.js';
import { readSerial } from '../../src/input/serial-reader.js';
import { createLogger } from '../../src/log.js';
import { Router } from '../../src/route/router.js';
import { MemoryTarget } from '../helpers/memory-target.js';
import { activateVersion, rec, schemaMsg, state } from '../helpers/singer.js';

const log = createLogger('silent', false);
const props = { id: { type: 'integer' }, v: { type: ['string', 'null'] } };
const schema = (stream: string, properties: Record<string, unknown> = props, keys = ['id']) => schemaMsg(stream, properties, keys);
/** Singer lines; a string is taken as a raw line. */
const text = (messages: unknown[]) => messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('\n') + '\n';

function newRouter(settings: Record<string, unknown> = {}, target = new MemoryTarget()) {
  // the in-memory target reads CSV rows
  const { config } = resolveConfig({ default_target_schema: 't', copy_format: 'csv', ...settings });
  const states: string[] = [];
  return { router: new Router(config, target, log, (s) => states.push(s)), target, states, config };
}

/** Reads the messages through the serial reader into a router, then finishes; errors are returned, not thrown. */
async function load(messages: unknown[], settings: Record<string, unknown> = {}, target = new MemoryTarget()) {
  const r = newRouter(settings, target);
  let error: unknown;
  await readSerial(Readable.from([Buffer.from(text(messages))]), r.router.accept, r.router, r.config.max_line_bytes).done.catch((e) => (error = e));
  await r.router.finish({ complete: error === undefined }).catch((e) => (error ??= e));
  return { ...r, error: error as Error | undefined };
}

describe('Router with an in-memory target', () => {
  it('loads rows and writes each state once the records before it are committed', async () => {
    const { target, states, error } = await load([schema('a'), rec('a', { id: 1, v: 'x' }), state({ n: 1 }), rec('a', { id: 2, v: 'y' }), state({ n: 2 })]);
    expect(error).toBeUndefined();
    expect(target.rows('t.a').map((r) => [r.id, r.v])).toEqual([['1', 'x'], ['2', 'y']]);
    // each state is written once safe; a state overtaken by a newer safe one is not written
    expect(states.at(-1)).toBe('{"n":2}');
    expect(['{"n":1}', '{"n":2}']).toEqual(expect.arrayContaining(states));
  });

  it('holds a state while an earlier batch is not committed', async () => {
    let commit!: () => void;
    const target = new MemoryTarget();
    target.hold = new Promise((resolve) => (commit = resolve));
    const { router, states, config } = newRouter({ batch_size_rows: 1 }, target);
    const reading = readSerial(Readable.from([Buffer.from(text([schema('a'), rec('a', { id: 1 }), state({ n: 1 })]))]), router.accept, router, config.max_line_bytes).done;
    await reading;
    await new Promise((r) => setTimeout(r, 20));
    expect(target.rows('t.a')).toEqual([]);
    expect(states).toEqual([]);
    commit();
    await router.finish();
    expect(target.rows('t.a')).toHaveLength(1);
    expect(states).toEqual(['{"n":1}']);
  });

  it('numbers records in input order (_sdc_sequence) and stamps each batch with its opening time (_sdc_batched_at)', async () => {
    const { target } = await load([schema('a', props, []), rec('a', { id: 1 }), rec('a', { id: 2 }), rec('a', { id: 3 }), rec('a', { id: 4 })], { batch_size_rows: 2 });
    const rows = target.rows('t.a');
    const seqs = rows.map((r) => Number(r._sdc_sequence));
    expect(seqs[1] - seqs[0]).toBe(1);
    expect(seqs[3] - seqs[0]).toBe(3);
    expect(target.batches).toHaveLength(2);
    for (const b of target.batches) {
      expect(new Set(b.rows.map((r) => r._sdc_batched_at)).size).toBe(1);
      expect(Date.parse(b.rows[0]._sdc_batched_at!)).toBeGreaterThan(0);
      // _sdc_sequence is the run's base plus the record's sequence number
      b.rows.forEach((r, i) => expect(Number(r._sdc_sequence) - b.seqs[i]).toBe(seqs[0] - target.batches[0].seqs[0]));
    }
    expect(target.batches.flatMap((b) => b.lines)).toEqual([2, 3, 4, 5]);
  });

  it('keeps the last record of a key within a batch (upsert), counting the replaced ones', async () => {
    const { target, router } = await load([schema('a'), rec('a', { id: 1, v: 'old' }), rec('a', { id: 1, v: 'new' }), rec('a', { id: 2, v: 'x' })]);
    expect(target.batches[0].rows.map((r) => [r.id, r.v])).toEqual([['1', 'new'], ['2', 'x']]);
    expect(router.counts.records).toBe(3);
  });

  it('drains a stream before its table evolves on a new schema', async () => {
    const { target, error } = await load([schema('a'), rec('a', { id: 1 }), schema('a', { ...props, w: { type: 'boolean' } }), rec('a', { id: 2, w: true })]);
    expect(error).toBeUndefined();
    expect(target.events.map((e) => e.replace(/ id,.*$/, ''))).toEqual(['sync t.a', 'load t.a 1', 'sync t.a', 'load t.a 1']);
    expect(target.rows('t.a').map((r) => r.w)).toEqual([undefined, 't']);
  });

  it('a record before its schema is an input error naming the line and stream', async () => {
    const { error, states } = await load([state({ n: 0 }), rec('nope', { id: 1 })]);
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toBe('line 2, stream "nope": A record for stream "nope" was encountered before a corresponding schema');
    expect(states).toEqual(['{"n":0}']);
  });

  it('commits the rows before a value PostgreSQL rejects, writes the states before it, and keeps the error', async () => {
    const target = new MemoryTarget();
    target.failOn = (batch, rows) => {
      const at = rows.findIndex((r) => r.v === 'bad');
      return at < 0 ? undefined : new InputError('rejected', { stream: batch.stream, line: batch.lines[at] }, { batchRow: at + 1 });
    };
    const { error, states } = await load(
      [schema('a', props, []), rec('a', { id: 1, v: 'ok' }), state({ n: 1 }), rec('a', { id: 2, v: 'ok' }), state({ n: 2 }), rec('a', { id: 3, v: 'bad' }), state({ n: 3 }), rec('a', { id: 4, v: 'ok' })],
      {},
      target,
    );
    expect(error?.message).toBe('line 6, stream "a": rejected');
    expect(target.rows('t.a').map((r) => r.id)).toEqual(['1', '2']);
    expect(states).toEqual(['{"n":2}']);
  });

  it('on_invalid_record skip: counts and drops the record; dead_letter: stores it in _sdc_rejected_records', async () => {
    const bad = rec('a', { id: 'not a number' });
    const skipped = await load([schema('a'), rec('a', { id: 1 }), bad, state({ n: 1 })], { on_invalid_record: 'skip' });
    expect(skipped.error).toBeUndefined();
    expect(skipped.router.counts.skipped).toBe(1);
    expect(skipped.target.rows('t.a')).toHaveLength(1);
    expect(skipped.states).toEqual(['{"n":1}']);
    const dead = await load([schema('a'), rec('a', { id: 1 }), bad], { on_invalid_record: 'dead_letter' });
    expect(dead.error).toBeUndefined();
    const rejected = dead.target.rows('t._sdc_rejected_records');
    expect(rejected.map((r) => [r.stream, r.line, JSON.parse(r.record!)])).toEqual([['a', '3', { id: 'not a number' }]]);
    expect(rejected[0].error).toContain('line 3, stream "a": record does not match the stream\'s schema');
  });

  it('runs a row again when it was encoded for an older version of its stream', async () => {
    const { router, target, config } = newRouter();
    const now = new Date().toISOString();
    let again = 0;
    const line = JSON.stringify(rec('a', { id: 7, v: 'fresh' }));
    const source: LineSource = { again: (i, n) => (again++, processLine(line, n, router, now, source, i)) };
    await router.accept(processLine(JSON.stringify(schema('a')), 1, router, now, source, 0));
    await router.accept({ kind: 'row', line: 2, stream: 'a', version: -1, row: 'stale,row\n', key: '7', order: undefined, source, index: 1 });
    await router.finish();
    expect(again).toBe(1);
    expect(config.batch_size_rows).toBeGreaterThan(1);
    expect(target.rows('t.a').map((r) => [r.id, r.v])).toEqual([['7', 'fresh']]);
  });

  it('ACTIVATE_VERSION runs after the batches before it', async () => {
    const { target } = await load([schema('a'), rec('a', { id: 1 }), activateVersion('a', 5), rec('a', { id: 2 })], { hard_delete: true });
    expect(target.events.filter((e) => !e.startsWith('sync'))).toEqual(['load t.a 1', 'activate t.a 5 hard', 'load t.a 1']);
  });

  it('overwrite: loads into a fresh table swapped in at the end; states of the cycle wait for the swap', async () => {
    const target = new MemoryTarget();
    target.tables.set('t.a', [{ id: 'old' }]);
    const { states, error } = await load([schema('a'), rec('a', { id: 1 }), state({ n: 1 }), rec('a', { id: 2 })], { load_method: 'overwrite', batch_size_rows: 1 }, target);
    expect(error).toBeUndefined();
    expect(target.events.filter((e) => !e.startsWith('sync'))).toEqual(['prepare t.fresh_a', 'load t.fresh_a 1', 'load t.fresh_a 1', 'swap t.fresh_a -> t.a']);
    expect(target.rows('t.a').map((r) => r.id)).toEqual(['1', '2']);
    expect(states).toEqual(['{"n":1}']);
  });

  it('overwrite: a second cycle (records after ACTIVATE_VERSION) prepares its fresh table only after the first one is swapped in', async () => {
    let commit!: () => void;
    const target = new MemoryTarget();
    target.hold = new Promise((resolve) => (commit = resolve));
    const { router, config } = newRouter({ load_method: 'overwrite' }, target);
    const reading = readSerial(Readable.from([Buffer.from(text([schema('a'), rec('a', { id: 1 }), activateVersion('a', 2), rec('a', { id: 2 })]))]), router.accept, router, config.max_line_bytes).done;
    await new Promise((r) => setTimeout(r, 20));
    expect(target.events.filter((e) => !e.startsWith('sync'))).toEqual(['prepare t.fresh_a']); // the first cycle's load is held
    commit();
    await reading;
    await router.finish();
    expect(target.events.filter((e) => !e.startsWith('sync'))).toEqual(['prepare t.fresh_a', 'load t.fresh_a 1', 'swap t.fresh_a -> t.a', 'prepare t.fresh_a', 'load t.fresh_a 1', 'swap t.fresh_a -> t.a']);
    expect(target.rows('t.a').map((r) => r.id)).toEqual(['2']);
  });

  it('flush_all_streams: a full buffer flushes every stream with it', async () => {
    for (const flushAll of [true, false]) {
      let commit!: () => void;
      const target = new MemoryTarget();
      target.hold = new Promise((resolve) => (commit = resolve));
      const { router, config } = newRouter({ batch_size_rows: 2, flush_all_streams: flushAll }, target);
      await readSerial(Readable.from([Buffer.from(text([schema('a'), schema('b'), rec('b', { id: 1 }), rec('a', { id: 1 }), rec('a', { id: 2 })]))]), router.accept, router, config.max_line_bytes).done;
      expect(router.batcher.batches).toBe(flushAll ? 2 : 1);
      commit();
      await router.finish();
      expect(target.rows('t.b')).toHaveLength(1);
    }
  });

  it("MeltanoLabs' process_activate_version_messages: false leaves rows of older versions alone", async () => {
    const { target } = await load([schema('a'), rec('a', { id: 1 }), activateVersion('a', 5)], { hard_delete: true, process_activate_version_messages: false });
    expect(target.events.filter((e) => e.startsWith('activate'))).toEqual([]);
  });

  it('ignores blank lines and messages of unknown types', async () => {
    const { target, error } = await load(['', '   ', schema('a'), { type: 'SOMETHING_ELSE' }, rec('a', { id: 1 })]);
    expect(error).toBeUndefined();
    expect(target.rows('t.a')).toHaveLength(1);
  });
});
