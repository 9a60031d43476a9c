import { describe, expect, it } from 'vitest';
import { batchBefore } from '../../src/batch/batch-prefix.js';
import { LoadLanes, newLane } from '../../src/batch/load-lanes.js';
import type { Batch } from '../../src/load/batch.js';

const table = { schema: 's', table: 't' };
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('LoadLanes', () => {
  it('runs one lane in order, lanes side by side, and reports commits', async () => {
    const order: string[] = [];
    let committed = 0;
    const lanes = new LoadLanes(() => committed++);
    const a = newLane('a', table);
    const b = newLane('b', table);
    let releaseA1!: () => void;
    lanes.enqueue(a, 1, 100, () => new Promise<void>((r) => (releaseA1 = () => (order.push('a1'), r()))));
    lanes.enqueue(a, 3, 50, async () => void order.push('a2'));
    lanes.enqueue(b, 2, 10, async () => void order.push('b1'));
    expect(lanes.inflightBytes).toBe(160);
    await tick();
    expect(order).toEqual(['b1']);
    expect(LoadLanes.oldest(a)).toBe(1);
    expect(LoadLanes.oldest(b)).toBe(Infinity);
    releaseA1();
    await a.chain;
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(committed).toBe(3);
    expect(lanes.inflightBytes).toBe(0);
  });

  it('keeps the first failure, stops the failed lane and leaves its work uncommitted', async () => {
    const lanes = new LoadLanes(() => undefined);
    const a = newLane('a', table);
    const ran: string[] = [];
    lanes.enqueue(a, 4, 0, async () => {
      throw new Error('first');
    });
    lanes.enqueue(a, 9, 0, async () => void ran.push('after'));
    await a.chain;
    expect(lanes.fatal?.message).toBe('first');
    expect(ran).toEqual([]);
    expect(a.failed).toBe(true);
    expect(LoadLanes.oldest(a)).toBe(4);
    lanes.fail(new Error('second'));
    expect(lanes.fatal?.message).toBe('first');
  });

  it('counts holds as uncommitted work', () => {
    const a = newLane('a', table);
    a.holds.push(7, 3);
    expect(LoadLanes.oldest(a)).toBe(3);
  });

  it('wakes waiters when work settles', async () => {
    const lanes = new LoadLanes(() => undefined);
    const waited = lanes.settled();
    lanes.enqueue(newLane('a', table), 1, 0, async () => undefined);
    await expect(waited).resolves.toBeUndefined();
  });
});

describe('batchBefore', () => {
  const rows = ['1,"a"\n', '2,"multi\nline, ""quoted"""\n', '3,\n', '4,"x"\n'];
  const batch: Batch = {
    stream: 's',
    table,
    columns: ['id', 'v'],
    merge: 'append',
    keyColumns: [],
    hardDelete: false,
    // rows split across chunks at awkward places
    chunks: [Buffer.from(rows.join('').slice(0, 9)), Buffer.from(rows.join('').slice(9, 30)), Buffer.from(rows.join('').slice(30))],
    rowCount: 4,
    lines: [10, 11, 12, 13],
    seqs: [20, 21, 22, 23],
  };

  it.each([1, 2, 3, 4])('keeps the first %i rows, quoted newlines and quotes included', (n) => {
    const prefix = batchBefore(batch, batch.seqs[n - 1] + 1);
    expect(Buffer.concat(prefix.chunks).toString()).toBe(rows.slice(0, n).join(''));
    expect(prefix).toMatchObject({ rowCount: n, lines: batch.lines.slice(0, n), seqs: batch.seqs.slice(0, n) });
  });

  it('cuts binary tuples, and a binary batch\'s CSV rows, by record sequence', () => {
    const tuple = (n: number, text: string | null) => {
      const t = Buffer.from(text ?? '');
      const b = Buffer.alloc(2 + 12 + 4 + t.length);
      b.writeInt16BE(2, 0);
      b.writeInt32BE(8, 2);
      b.writeInt32BE(0, 6);
      b.writeUInt32BE(n, 10);
      b.writeInt32BE(text === null ? -1 : t.length, 14);
      t.copy(b, 18);
      return text === null ? b.subarray(0, 18) : b;
    };
    const binary: Batch = {
      ...batch,
      format: 'binary',
      chunks: [Buffer.concat([tuple(1, 'a'), tuple(2, null)]), tuple(4, 'dddd')],
      fallback: { chunks: [Buffer.from('3,"c"\n5,"e"\n')], rows: 2 },
      rowCount: 5,
      lines: [1, 2, 4, 3, 5],
      seqs: [11, 12, 14, 13, 15],
    };
    const upTo = (seq: number) => batchBefore(binary, seq);
    expect(upTo(11)).toMatchObject({ rowCount: 0, chunks: [], lines: [], seqs: [] });
    expect(upTo(13)).toMatchObject({ rowCount: 2, lines: [1, 2], seqs: [11, 12] });
    expect(Buffer.concat(upTo(13).chunks)).toEqual(Buffer.concat([tuple(1, 'a'), tuple(2, null)]));
    expect(upTo(13).fallback).toBeUndefined();
    const four = upTo(15);
    expect(four).toMatchObject({ rowCount: 4, lines: [1, 2, 4, 3], seqs: [11, 12, 14, 13], fallback: { rows: 1 } });
    expect(Buffer.concat(four.chunks)).toEqual(Buffer.concat([tuple(1, 'a'), tuple(2, null), tuple(4, 'dddd')]));
    expect(Buffer.concat(four.fallback!.chunks).toString()).toBe('3,"c"\n');
  });
});
