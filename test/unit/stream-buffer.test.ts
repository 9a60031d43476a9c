import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, CHUNK_SIZES, FIRST_CHUNK_BYTES, nextChunkBytes } from '../../src/batch/buffer-segment.js';
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
    expect(b.take()).toEqual({ chunks: [], lines: [], seqs: [], rowCount: 0, bytes: 0, held: 0, firstSeq: Infinity });
  });

  it('starts a new batch (first line, opened time) after take()', () => {
    const b = new StreamBuffer();
    b.add('a\n', 1, undefined, 100);
    b.take();
    b.add('b\n', 2, undefined, 200);
    expect(b.firstSeq).toBe(2);
    expect(b.openedAt).toBe(200);
  });

  it('splits large batches into chunks growing to 256 KiB without splitting rows', () => {
    const b = new StreamBuffer();
    const row = 'x'.repeat(1000) + '\n';
    const count = 3000; // ~3 MB
    for (let i = 0; i < count; i++) b.add(row, i + 1, undefined, 0);
    const taken = b.take();
    const sizes = taken.chunks.map((c) => c.buffer.byteLength);
    // 16, 32, 64, 128 KiB, then 256 KiB chunks
    expect(sizes.slice(0, 5)).toEqual([16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10]);
    expect(new Set(sizes.slice(4))).toEqual(new Set([CHUNK_BYTES]));
    expect(taken.chunks.length).toBe(4 + Math.ceil((count * row.length - (240 << 10)) / (CHUNK_BYTES - 3 * row.length)));
    taken.chunks.forEach((c, i) => {
      expect(c.length % row.length).toBe(0);
      // a chunk is left when the next row might not fit (3 bytes a character at most)
      if (i < taken.chunks.length - 1) expect(c.length).toBeGreaterThan(sizes[i] - 3 * row.length - row.length);
    });
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

describe('StreamBuffer chunk memory (what max_buffered_bytes counts)', () => {
  const chunkMemory = (chunks: Buffer[]) => [...new Set(chunks.map((c) => c.buffer))].reduce((n, ab) => n + ab.byteLength, 0);

  it('grows chunks from 16 KiB, doubling, to 256 KiB', () => {
    expect(nextChunkBytes(0)).toBe(FIRST_CHUNK_BYTES);
    expect(FIRST_CHUNK_BYTES).toBe(16 << 10);
    expect(nextChunkBytes(16 << 10)).toBe(32 << 10);
    expect(nextChunkBytes(128 << 10)).toBe(256 << 10);
    expect(nextChunkBytes(CHUNK_BYTES)).toBe(CHUNK_BYTES);
    expect(CHUNK_SIZES).toEqual([16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10]);
  });

  it('counts the chunks it allocated, written or not, and hands them over with the rows', () => {
    const b = new StreamBuffer();
    expect(b.capacity).toBe(0);
    b.add('a\n', 1, undefined, 0);
    // one row of two bytes holds a whole first chunk
    expect(b.bytes).toBe(2);
    expect(b.capacity).toBe(FIRST_CHUNK_BYTES);
    const row = 'y'.repeat(999) + '\n';
    for (let i = 2; i < 200; i++) b.add(row, i, undefined, 0);
    const capacity = b.capacity;
    const taken = b.take();
    expect(taken.held).toBe(capacity);
    expect(taken.held).toBe(chunkMemory(taken.chunks));
    expect(taken.held).toBeGreaterThan(taken.bytes);
    // nothing is kept for the next batch: it starts small again
    expect(b.capacity).toBe(0);
    b.add('b\n', 300, undefined, 0);
    expect(b.capacity).toBe(FIRST_CHUNK_BYTES);
    expect(b.take().chunks[0].buffer).not.toBe(taken.chunks[taken.chunks.length - 1].buffer);
  });

  it('gives a row larger than a chunk a chunk of its own size, and counts it', () => {
    const b = new StreamBuffer();
    const big = Buffer.alloc(CHUNK_BYTES * 2, 0x61);
    b.add(big, 1, undefined, 0);
    expect(b.capacity).toBe(big.length);
    const taken = b.take();
    expect(taken.held).toBe(taken.bytes);
    expect(Buffer.concat(taken.chunks).equals(big)).toBe(true);
  });

  it('keeps the held count of a keyed batch whose replaced rows are skipped', () => {
    const b = new StreamBuffer();
    for (let i = 1; i <= 3000; i++) b.add(`${i % 7},${'z'.repeat(200)}\n`, i, String(i % 7), 0);
    const capacity = b.capacity;
    const taken = b.take();
    expect(taken.rowCount).toBe(7);
    expect(taken.held).toBe(capacity);
    expect(taken.lines).toEqual([2994, 2995, 2996, 2997, 2998, 2999, 3000]);
  });

  it('keeps every row\'s line and sequence past the first row arrays, batch after batch', () => {
    const b = new StreamBuffer();
    for (let batch = 0; batch < 3; batch++) {
      const n = 5000 + batch;
      for (let i = 0; i < n; i++) b.add(`${i}\n`, batch * 10_000 + i, undefined, 0, undefined, 7 * i);
      const taken = b.take();
      expect(taken.rowCount).toBe(n);
      expect(taken.seqs).toEqual(Array.from({ length: n }, (_, i) => batch * 10_000 + i));
      expect(taken.lines).toEqual(Array.from({ length: n }, (_, i) => 7 * i));
      expect(text(taken.chunks)).toBe(Array.from({ length: n }, (_, i) => `${i}\n`).join(''));
    }
  });
});

describe('StreamBuffer in binary (a CSV segment beside the binary tuples)', () => {
  const field = (s: string) => {
    const b = Buffer.alloc(4 + s.length);
    b.writeInt32BE(s.length, 0);
    b.write(s, 4, 'latin1');
    return b;
  };

  it('leads each tuple with its field count and binary stamps; CSV rows go to their own segment, after the tuples in lines and seqs', () => {
    const b = new StreamBuffer({ stamp: { sequenceBase: 1000 }, binary: { fields: 3 } });
    const opened = Date.UTC(2026, 11, 1, 10, 0, 0, 123);
    b.add(field('a'), 1, undefined, opened, undefined, 11);
    b.add('"csv row"\n', 2, undefined, opened, undefined, 12, true);
    b.add(field('c'), 3, undefined, opened, undefined, 13);
    const taken = b.take();
    expect(taken).toMatchObject({ rowCount: 3, lines: [11, 13, 12], seqs: [1, 3, 2], fallback: { rows: 1 } });
    expect(Buffer.concat(taken.fallback!.chunks).toString()).toBe(`1002,${new Date(opened).toISOString()},"csv row"\n`);
    const tuples = Buffer.concat(taken.chunks);
    const micros = BigInt(opened) * 1000n - 946_684_800_000_000n;
    const tuple = (seq: number, s: string) => {
      const head = Buffer.alloc(2 + 24);
      head.writeInt16BE(3, 0);
      head.writeInt32BE(8, 2);
      head.writeBigInt64BE(BigInt(seq), 6);
      head.writeInt32BE(8, 14);
      head.writeBigInt64BE(micros, 18);
      return Buffer.concat([head, field(s)]);
    };
    expect(tuples).toEqual(Buffer.concat([tuple(1001, 'a'), tuple(1003, 'c')]));
  });

  it('replaces a key across segments, and drops rows from a sequence on in both', () => {
    const keyed = new StreamBuffer({ binary: { fields: 1 } });
    keyed.add(field('old'), 1, 'k', 0);
    keyed.add('"new"\n', 2, 'k', 0, undefined, 2, true);
    const t = keyed.take();
    expect(t).toMatchObject({ rowCount: 1, seqs: [2], fallback: { rows: 1 } });
    expect(t.chunks).toEqual([]);
    const plain = new StreamBuffer({ binary: { fields: 1 } });
    plain.add(field('a'), 1, undefined, 0);
    plain.add('"b"\n', 2, undefined, 0, undefined, 2, true);
    plain.add(field('c'), 3, undefined, 0);
    plain.add('"d"\n', 4, undefined, 0, undefined, 4, true);
    plain.dropFrom(3);
    const d = plain.take();
    expect(d).toMatchObject({ rowCount: 2, seqs: [1, 2], fallback: { rows: 1 } });
    expect(Buffer.concat(d.fallback!.chunks).toString()).toBe('"b"\n');
    expect(Buffer.concat(d.chunks).length).toBe(2 + 5);
  });
});

describe('StreamBuffer.addSpan (a worker run of rows without keys, copied at once)', () => {
  /** A worker's block of `n` rows of varied sizes (some longer than a first chunk), and where each ends. */
  const block = (n: number) => {
    const rows: Buffer[] = [];
    for (let i = 0; i < n; i++) rows.push(Buffer.alloc(i % 97 === 5 ? 40_000 : 20 + ((i * 37) % 300), 0x41 + (i % 26)));
    const ends = new Int32Array(n);
    let at = 7;
    rows.forEach((r, i) => (ends[i] = at += r.length));
    return { data: Buffer.concat([Buffer.alloc(7, 0xee), ...rows]), ends };
  };

  it.each([
    ['binary with stamps', { binary: { fields: 9 }, stamp: { sequenceBase: 1e12 } }],
    ['binary without stamps', { binary: { fields: 3 } }],
    ['CSV without stamps', {}],
  ] as const)('holds what addBytes row by row holds (%s), across chunks and flush limits', (_name, options) => {
    const { data, ends } = block(3000);
    const one = new StreamBuffer(options);
    const span = new StreamBuffer(options);
    expect(span.spans).toBe(true);
    const takenOne: unknown[] = [];
    const takenSpan: unknown[] = [];
    const limits = { rows: 700, bytes: 150_000 };
    const full = (b: StreamBuffer) => b.size >= limits.rows || b.bytes >= limits.bytes;
    for (let i = 0; i < ends.length; i++) {
      one.addBytes(data, i === 0 ? 7 : ends[i - 1], ends[i], 10 + i, undefined, 5000, undefined, 100 + i, false);
      if (full(one)) takenOne.push(one.take());
    }
    for (let i = 0; i < ends.length; ) {
      const added = span.addSpan(data, i === 0 ? 7 : ends[i - 1], ends, i, ends.length, 10 + i, 100 + i, 5000, limits.rows, limits.bytes);
      expect(added).toBeGreaterThan(0);
      i += added;
      if (full(span)) takenSpan.push(span.take());
    }
    takenOne.push(one.take());
    takenSpan.push(span.take());
    const flat = (list: unknown[]) => list.map((t) => ({ ...(t as { chunks: Buffer[] }), chunks: Buffer.concat((t as { chunks: Buffer[] }).chunks).toString('hex') }));
    expect(takenSpan.length).toBe(takenOne.length);
    expect(flat(takenSpan)).toEqual(flat(takenOne));
  });

  it('is not for CSV rows with stamps, whose sequences have varied lengths', () => {
    expect(new StreamBuffer({ stamp: { sequenceBase: 0 } }).spans).toBe(false);
  });
});
