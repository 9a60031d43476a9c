import { describe, expect, it } from 'vitest';
import { Batcher, type Sink } from '../../src/batch/batcher.js';
import { ChunkPool } from '../../src/batch/chunk-pool.js';
import { newLane } from '../../src/batch/load-lanes.js';
import { chunkPool, FIRST_CHUNK_BYTES } from '../../src/batch/buffer-segment.js';
import { StreamBuffer } from '../../src/batch/stream-buffer.js';
import type { Batch } from '../../src/load/batch.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('ChunkPool', () => {
  it('hands out new chunks until done ones come back, then those', () => {
    const pool = new ChunkPool([1024, 2048], 1 << 20);
    const a = pool.take(1024);
    expect(a.length).toBe(1024);
    expect(a.buffer.byteLength).toBe(1024);
    pool.give([a.subarray(0, 10), a.subarray(10, 20), a.subarray(30)]);
    expect(pool.kept).toBe(1024);
    const again = pool.take(1024);
    expect(again.buffer).toBe(a.buffer);
    expect(again.length).toBe(1024);
    expect(pool.kept).toBe(0);
    expect(pool.take(1024).buffer).not.toBe(a.buffer);
  });

  it('keeps a chunk once however often it is given, only of its sizes, within keepBytes', () => {
    const pool = new ChunkPool([1024, 2048], 4096);
    const a = pool.take(1024);
    pool.give([a]);
    pool.give([a.subarray(5)]);
    expect(pool.kept).toBe(1024);
    pool.give([Buffer.allocUnsafeSlow(3000)]);
    expect(pool.kept).toBe(1024);
    pool.give([pool.take(2048), pool.take(2048)]);
    // 1024 + 2048 kept; the second 2048 would pass 4096
    expect(pool.kept).toBe(3072);
    pool.keepBytes = 0;
    pool.give([pool.take(1024)]);
    expect(pool.kept).toBe(2048);
  });
});

const table = { schema: 's', table: 't' };
const limits = (maxBufferedBytes: number) => ({ batchRows: 1000, batchBytes: 1 << 30, maxAgeMs: 60_000, maxBufferedBytes, flushAll: false });

function sink(name: string): Sink {
  return { ...newLane(name, table), buffer: new StreamBuffer(), copyColumns: ['id'], batchShape: { merge: 'append', keyColumns: [], hardDelete: false } };
}

describe('Batcher memory bound', () => {
  it('counts the chunk memory of every buffer, not only the bytes written: many streams with a row each pass it', () => {
    const batcher = new Batcher(limits(10 * FIRST_CHUNK_BYTES), { load: async () => undefined }, () => undefined);
    const sinks = Array.from({ length: 11 }, (_, i) => sink(`s${i}`));
    for (const s of sinks) batcher.register(s);
    sinks.slice(0, 10).forEach((s, i) => batcher.add(s, '1\n', i + 1, i + 1, undefined, undefined));
    // 20 bytes written, 10 first chunks held
    expect(batcher.overMemory).toBe(false);
    batcher.add(sinks[10], '1\n', 11, 11, undefined, undefined);
    expect(batcher.overMemory).toBe(true);
  });

  it('counts a flushed batch by the chunk memory it holds until its load is done, then reuses its chunks', async () => {
    let finish!: () => void;
    const loaded: Batch[] = [];
    const batcher = new Batcher(
      limits(1 << 30),
      {
        load: (b) => {
          loaded.push(b);
          return new Promise((r) => (finish = () => r(undefined)));
        },
      },
      () => undefined,
    );
    const s = sink('a');
    batcher.register(s);
    for (let i = 1; i <= 100; i++) batcher.add(s, `${i},${'x'.repeat(500)}\n`, i, i, undefined, undefined);
    const held = s.buffer.capacity;
    batcher.flush(s);
    expect(batcher.lanes.inflightBytes).toBe(held);
    await tick();
    const chunks = [...new Set(loaded[0].chunks.map((c) => c.buffer))];
    const kept = chunkPool.kept;
    finish();
    await tick();
    expect(batcher.lanes.inflightBytes).toBe(0);
    expect(chunkPool.kept).toBe(kept + held);
    // the next rows are written into the first chunk of the batch before
    batcher.add(s, 'next\n', 101, 101, undefined, undefined);
    expect(chunks).toContain(s.buffer.take().chunks[0].buffer);
  });

  it('leaves a batch\'s chunks alone when work that follows commits may still read them', async () => {
    const batcher = new Batcher(limits(1 << 30), { load: async () => undefined }, () => undefined);
    batcher.track(newLane('a embeddings', table));
    const s = sink('a');
    batcher.register(s);
    batcher.add(s, '1\n', 1, 1, undefined, undefined);
    const kept = chunkPool.kept;
    batcher.flush(s);
    await tick();
    expect(chunkPool.kept).toBe(kept);
  });
});
