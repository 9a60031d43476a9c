import { describe, expect, it } from 'vitest';
import { Batcher, type Sink } from '../../src/batch/batcher.js';
import { newLane } from '../../src/batch/load-lanes.js';
import { StreamBuffer } from '../../src/batch/stream-buffer.js';
import type { Batch } from '../../src/load/batch.js';

const table = { schema: 's', table: 't' };
const tick = () => new Promise((r) => setTimeout(r, 5));
const limits = { batchRows: 2, batchBytes: 1 << 20, maxAgeMs: 60_000, maxBufferedBytes: 1 << 30, flushAll: false };

function sink(): Sink {
  return { ...newLane('a', table), buffer: new StreamBuffer(), copyColumns: ['id'], batchShape: { merge: 'upsert', keyColumns: ['id'], hardDelete: false } };
}

describe('Batcher with a follower lane (embeddings after commit)', () => {
  it('work queued on a tracked lane when a batch commits keeps holding the batch\'s records, and drain waits for it', async () => {
    const follower = newLane('a embeddings', table);
    let release!: () => void;
    const seen: Array<{ rows: number; firstSeq: number }> = [];
    let commits = 0;
    const batcher: Batcher = new Batcher(
      limits,
      { load: async () => ({ inserted: 2, updated: 0, deleted: 0 }) },
      () => commits++,
      (batch: Batch, _s, counts, firstSeq) => {
        if (!counts) return;
        seen.push({ rows: batch.rowCount, firstSeq });
        batcher.lanes.enqueue(follower, firstSeq, 10, () => new Promise<void>((r) => (release = r)));
      },
    );
    batcher.track(follower);
    const s = sink();
    batcher.register(s);
    // the first row of key 1 (seq 3) is replaced by seq 5: the batch still held seq 3
    batcher.add(s, '1\n', 3, 3, '1', undefined);
    batcher.add(s, '1\n', 5, 5, '1', undefined);
    batcher.add(s, '2\n', 6, 6, '2', undefined);
    expect(batcher.oldestUncommitted()).toBe(3);
    await tick();
    expect(seen).toEqual([{ rows: 2, firstSeq: 3 }]);
    // loaded, not yet embedded: still held
    expect(s.inflight).toEqual([]);
    expect(batcher.oldestUncommitted()).toBe(3);
    expect(batcher.lanes.inflightBytes).toBe(10);
    let drained = false;
    const drain = batcher.drain().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    release();
    await drain;
    expect(batcher.oldestUncommitted()).toBe(Infinity);
    expect(commits).toBe(2);
  });
});
