/**
 * The per-row bookkeeping of a stream buffer, and what the buffer is told and hands over.
 *
 * A row book holds, per row: its segment (1: the CSV segment of a binary buffer), chunk index,
 * start offset, byte length (-1 when replaced), record sequence and input line; `count` of them
 * in use. Typed arrays kept from batch to batch: arrays grown by push for every batch were most
 * of what the main thread's old generation collected (its heap grew to 77 MB on 20 interleaved
 * streams, 18-22 MB with these).
 */

export interface BufferOptions {
  /** Stamp rows with _sdc_sequence (this base + the record's sequence) and _sdc_batched_at. */
  stamp?: { sequenceBase: number };
  /** Rows are binary COPY tuples of this many fields (stamped ones included). */
  binary?: { fields: number };
}

export interface TakenRows {
  chunks: Buffer[];
  /** Input line of each row, in COPY order (the main segment's rows, then the CSV segment's). */
  lines: number[];
  /** Record sequence of each row, in COPY order. */
  seqs: number[];
  rowCount: number;
  bytes: number;
  /** Bytes of chunk memory behind the chunks (allocated, written or not): what the batch holds until it is done. */
  held: number;
  firstSeq: number;
  /** A binary buffer's CSV rows: the last `rows` of lines and seqs. */
  fallback?: { chunks: Buffer[]; rows: number };
}

/** Rows a book starts with, and the most it keeps from batch to batch (29 bytes a row). */
const INITIAL_ROWS = 1024;
const MAX_KEPT_ROWS = 1 << 14;

/** A per-row array of `rows` elements holding what fits of `a`. */
function resized<T extends Uint8Array | Int32Array | Float64Array>(a: T, rows: number): T {
  const b = new (a.constructor as new (n: number) => T)(rows);
  b.set(a.subarray(0, Math.min(a.length, rows)));
  return b;
}

/** The first n values of a typed array as an array (Array.from iterates: 8 times slower). */
function numbers(from: Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from[i];
  return out;
}

export class RowBook {
  segment = new Uint8Array(INITIAL_ROWS);
  chunk = new Int32Array(INITIAL_ROWS);
  start = new Int32Array(INITIAL_ROWS);
  bytes = new Int32Array(INITIAL_ROWS);
  seqs = new Float64Array(INITIAL_ROWS);
  lines = new Float64Array(INITIAL_ROWS);
  count = 0;

  /** Books the next row. */
  push(segment: number, chunk: number, start: number, bytes: number, seq: number, line: number): void {
    const i = this.count;
    if (i === this.seqs.length) this.grow(i * 2);
    this.segment[i] = segment;
    this.chunk[i] = chunk;
    this.start[i] = start;
    this.bytes[i] = bytes;
    this.seqs[i] = seq;
    this.lines[i] = line;
    this.count = i + 1;
  }

  /** The input lines and sequences of every row booked, as arrays. */
  linesAndSeqs(): { lines: number[]; seqs: number[] } {
    return { lines: numbers(this.lines, this.count), seqs: numbers(this.seqs, this.count) };
  }

  /** Forgets every row; the arrays are kept for the next batch, unless an unusually large one grew them. */
  clear(): void {
    this.count = 0;
    if (this.seqs.length > MAX_KEPT_ROWS) this.grow(INITIAL_ROWS);
  }

  private grow(rows: number): void {
    this.segment = resized(this.segment, rows);
    this.chunk = resized(this.chunk, rows);
    this.start = resized(this.start, rows);
    this.bytes = resized(this.bytes, rows);
    this.seqs = resized(this.seqs, rows);
    this.lines = resized(this.lines, rows);
  }
}
