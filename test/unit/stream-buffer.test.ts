import { describe, expect, it } from 'vitest';
import { StreamBuffer } from '../../src/batch/stream-buffer.js';
import { stampPrefix, stampTail, writeStamp } from '../../src/stream/record-metadata.js';

const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

describe('StreamBuffer.add', () => {
  it('counts rows and bytes and remembers the first line and time', () => {
    const b = new StreamBuffer();
    expect(b.size).toBe(0);
    expect(b.firstSeq).toBe(Infinity);
    b.add('1,"a"\n', 3, undefined, 1000);
    b.add('2,"b"\n', 4, undefined, 2000);
    expect(b.size).toBe(2);
    expect(b.bytes).toBe(12);
    expect(b.firstSeq).toBe(3);
    expect(b.openedAt).toBe(1000);
  });

  it('keeps every row without keys, duplicates included', () => {
    const b = new StreamBuffer();
    b.add('x\n', 1, undefined, 0);
    b.add('x\n', 2, undefined, 0);
    expect(b.take()).toMatchObject({ rowCount: 2, lines: [1, 2] });
  });
});

describe('StreamBuffer: last record wins by key', () => {
  it('replaces an earlier row with the same key', () => {
    const b = new StreamBuffer();
    b.add('1,"old"\n', 1, '1', 0);
    b.add('2,"other"\n', 2, '2', 0);
    b.add('1,"new"\n', 3, '1', 0);
    expect(b.size).toBe(2);
    expect(b.bytes).toBe('2,"other"\n'.length + '1,"new"\n'.length);
    const taken = b.take();
    expect(text(taken.chunks)).toBe('2,"other"\n1,"new"\n');
    expect(taken.lines).toEqual([2, 3]);
    expect(taken.rowCount).toBe(2);
  });

  it('keeps only the last of many updates to one key', () => {
    const b = new StreamBuffer();
    for (let i = 1; i <= 100; i++) b.add(`k,${i}\n`, i, 'k', 0);
    expect(b.size).toBe(1);
    const taken = b.take();
    expect(text(taken.chunks)).toBe('k,100\n');
    expect(taken.lines).toEqual([100]);
    expect(taken.bytes).toBe('k,100\n'.length);
  });

  it('treats keys as exact strings', () => {
    const b = new StreamBuffer();
    b.add('a\n', 1, '1', 0);
    b.add('b\n', 2, '01', 0);
    b.add('c\n', 3, '["1",2]', 0);
    b.add('d\n', 4, '["1","2"]', 0);
    expect(b.size).toBe(4);
  });

  it('forgets keys after take()', () => {
    const b = new StreamBuffer();
    b.add('1,"a"\n', 1, '1', 0);
    b.take();
    b.add('1,"b"\n', 2, '1', 0);
    expect(b.size).toBe(1);
    const taken = b.take();
    expect(text(taken.chunks)).toBe('1,"b"\n');
    expect(taken.lines).toEqual([2]);
  });

  it('keeps the first line of the batch even when its row was replaced (state stays behind it)', () => {
    const b = new StreamBuffer();
    b.add('1,"a"\n', 5, '1', 0);
    b.add('1,"b"\n', 9, '1', 0);
    expect(b.firstSeq).toBeLessThanOrEqual(5);
    expect(b.take().firstSeq).toBeLessThanOrEqual(5);
  });
});

describe('StreamBuffer.take', () => {
  it('hands over rows in order with their lines, then is empty', () => {
    const b = new StreamBuffer();
    b.add('a\n', 10, undefined, 7);
    b.add('b\n', 11, undefined, 8);
    const taken = b.take();
    expect(text(taken.chunks)).toBe('a\nb\n');
    expect(taken).toMatchObject({ lines: [10, 11], rowCount: 2, bytes: 4, firstSeq: 10 });
    expect(b.size).toBe(0);
    expect(b.bytes).toBe(0);
    expect(b.firstSeq).toBe(Infinity);
    expect(b.take()).toEqual({ chunks: [], lines: [], seqs: [], rowCount: 0, bytes: 0, firstSeq: Infinity });
  });

  it('starts a new batch (first line, opened time) after take()', () => {
    const b = new StreamBuffer();
    b.add('a\n', 1, undefined, 100);
    b.take();
    b.add('b\n', 2, undefined, 200);
    expect(b.firstSeq).toBe(2);
    expect(b.openedAt).toBe(200);
  });

  it('splits large batches into ~1 MB chunks without splitting rows', () => {
    const b = new StreamBuffer();
    const row = 'x'.repeat(1000) + '\n';
    const count = 3000; // ~3 MB
    for (let i = 0; i < count; i++) b.add(row, i + 1, undefined, 0);
    const taken = b.take();
    expect(taken.chunks.length).toBeGreaterThanOrEqual(2);
    expect(taken.chunks.length).toBeLessThanOrEqual(4);
    for (const c of taken.chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual((1 << 20) - 3 * row.length);
    for (const c of taken.chunks) {
      expect(c.length % row.length).toBe(0);
      expect(c.length).toBeLessThan((1 << 20) + 2 * row.length);
    }
    expect(text(taken.chunks)).toBe(row.repeat(count));
    expect(taken.lines).toHaveLength(count);
    expect(taken.lines[0]).toBe(1);
    expect(taken.lines[count - 1]).toBe(count);
    expect(taken.rowCount).toBe(count);
  });

  it('keeps one line number per row handed over', () => {
    const b = new StreamBuffer();
    const lines = [3, 7, 8, 20, 21];
    lines.forEach((l, i) => b.add(`${i % 2},${l}\n`, l, String(i % 2), 0));
    const taken = b.take();
    expect(taken.lines).toEqual([20, 21]);
    expect(text(taken.chunks).split('\n').filter(Boolean)).toEqual(['1,20', '0,21']);
    expect(taken.lines).toHaveLength(taken.rowCount);
  });

  it('reports bytes as the UTF-8 size of what it hands over', () => {
    const b = new StreamBuffer();
    b.add('"日本語"\n', 1, undefined, 0);
    b.add('"😀"\n', 2, undefined, 0);
    const bytesBefore = b.bytes;
    const taken = b.take();
    const actual = taken.chunks.reduce((n, c) => n + c.length, 0);
    expect(taken.bytes).toBe(actual);
    expect(bytesBefore).toBe(actual);
  });
});

describe('StreamBuffer.dropFrom', () => {
  it('drops rows at or after the line, keeping earlier ones', () => {
    const b = new StreamBuffer();
    b.add('a\n', 1, undefined, 0);
    b.add('b\n', 2, undefined, 0);
    b.add('c\n', 3, undefined, 0);
    b.dropFrom(2);
    expect(b.size).toBe(1);
    expect(b.bytes).toBe(2);
    const taken = b.take();
    expect(text(taken.chunks)).toBe('a\n');
    expect(taken.lines).toEqual([1]);
  });

  it('empties the buffer when every row is at or after the line', () => {
    const b = new StreamBuffer();
    b.add('a\n', 5, undefined, 0);
    b.dropFrom(5);
    expect(b.size).toBe(0);
    expect(b.bytes).toBe(0);
    expect(b.firstSeq).toBe(Infinity);
  });

  it('leaves keyed buffers alone', () => {
    const b = new StreamBuffer();
    b.add('a\n', 1, 'k1', 0);
    b.add('b\n', 2, 'k2', 0);
    b.dropFrom(2);
    expect(b.size).toBe(2);
  });
});

describe('StreamBuffer stamping (_sdc_sequence, _sdc_batched_at)', () => {
  it('leads every row with the same bytes stampPrefix gives, the batch opening time for all rows', () => {
    const b = new StreamBuffer({ stamp: { sequenceBase: 1_795_397_905_155_000 } });
    b.add('"a"\n', 1, undefined, Date.parse('2026-11-23T01:02:03.456Z'));
    b.add(Buffer.from('"é"\n'), 996, undefined, Date.parse('2026-11-23T09:00:00Z'));
    const text = Buffer.concat(b.take().chunks).toString('utf8');
    expect(text).toBe(`${stampPrefix(1_795_397_905_155_001, '2026-11-23T01:02:03.456Z')}"a"\n${stampPrefix(1_795_397_905_155_996, '2026-11-23T01:02:03.456Z')}"é"\n`);
  });

  it.each([0, 7, 10, 99, 1000, 123456789, 2 ** 53 - 1])('writes %i like String() does', (n) => {
    const out = Buffer.alloc(40);
    const tail = stampTail('T');
    const len = writeStamp(out, 3, n, tail);
    expect(out.toString('latin1', 3, 3 + len)).toBe(stampPrefix(n, 'T'));
  });
});
