import { Segment } from './buffer-segment.js';
import { binaryStampTail, stampTail, writeBinaryStamp, writeStamp } from '../stream/record-metadata.js';
import { compareOrder } from './bookmark-order.js';
import { numbers, resized, type BufferOptions, type TakenRows } from './taken-rows.js';

export type { BufferOptions, TakenRows } from './taken-rows.js';

/** Rows the per-row arrays of a buffer start with, and the most they keep from batch to batch (29 bytes a row). */
const INITIAL_ROWS = 1024;
const MAX_KEPT_ROWS = 1 << 14;

/**
 * The rows of one stream waiting for their flush, already encoded for COPY. With keys,
 * a later record with the same key replaces the earlier one (last record wins), so the batch
 * reaching PostgreSQL holds each key once; with an order value (the stream's bookmark), a
 * record older than the one held is dropped instead.
 *
 * Rows are placed by their record sequence number (the order of the input); each also keeps
 * its input line, for error messages. A stamped buffer (a stream with metadata columns) leads
 * every row with its _sdc_sequence and _sdc_batched_at (see stream/record-metadata.ts).
 *
 * A binary buffer holds rows in COPY's binary format (each led by its field count), and beside
 * them, in a CSV segment of their own, the rare rows whose values the binary encoders left to
 * PostgreSQL's text input: a batch then loads with two COPYs.
 */
export class StreamBuffer {
  /** The rows in the buffer's format, and (binary buffers) the CSV rows. */
  private readonly main = new Segment();
  private readonly csv = new Segment();
  /**
   * Per row: segment (1: CSV of a binary buffer), chunk index, start offset, byte length (-1 when
   * replaced), sequence and input line; `rows` of them in use. Typed arrays kept from batch to
   * batch: arrays grown by push for every batch were most of what the main thread's old
   * generation collected (its heap grew to 77 MB on 20 interleaved streams, 18-22 MB with these).
   */
  private rowSeg = new Uint8Array(INITIAL_ROWS);
  private rowChunk = new Int32Array(INITIAL_ROWS);
  private rowStart = new Int32Array(INITIAL_ROWS);
  private rowBytes = new Int32Array(INITIAL_ROWS);
  private seqs = new Float64Array(INITIAL_ROWS);
  private lines = new Float64Array(INITIAL_ROWS);
  private rows = 0;
  private keys = new Map<string, number>();
  private orders = new Map<string, unknown>();
  private live = 0;
  private replaced = 0;
  private csvRows = 0;
  /** `,_sdc_batched_at,` of the open batch (stamped buffers), and its binary field. */
  private tail: Buffer = Buffer.alloc(0);
  private binaryTail: Buffer = Buffer.alloc(0);
  bytes = 0;
  firstSeq = Infinity;
  openedAt = 0;

  constructor(private readonly options: BufferOptions = {}) {}

  get size(): number {
    return this.live;
  }

  /** Bytes of chunk memory allocated for the rows held (written or not); handed over with them by take(). */
  get capacity(): number {
    return this.main.capacity + this.csv.capacity;
  }

  /**
   * Adds a row (text, or bytes from an encode worker or the transcoder), written straight into
   * the chunk buffers; `csv` marks a CSV row of a binary buffer. Returns false when it was
   * dropped as older than the row held for its key.
   */
  add(row: string | Buffer, seq: number, key: string | undefined, now: number, order?: unknown, line: number = seq, csv = false): boolean {
    if (typeof row !== 'string') return this.addBytes(row, 0, row.length, seq, key, now, order, line, csv);
    if (!this.admit(seq, key, now, order)) return false;
    const seg = this.segmentOf(csv);
    const at = this.prefix(seg, row.length * 3, seq, csv);
    const n = seg.current!.write(row, seg.pos, 'utf8');
    this.record(seg, at, seg.pos + n, seq, line);
    return true;
  }

  /** Adds the row src[start, end) (an encode worker's bytes); as add. */
  addBytes(src: Buffer, start: number, end: number, seq: number, key: string | undefined, now: number, order: unknown, line: number, csv: boolean): boolean {
    if (!this.admit(seq, key, now, order)) return false;
    const seg = this.segmentOf(csv);
    const at = this.prefix(seg, end - start, seq, csv);
    const n = src.copy(seg.current!, seg.pos, start, end);
    this.record(seg, at, seg.pos + n, seq, line);
    return true;
  }

  /**
   * Adds rows from..to-1 of an encode worker's block (row i ends at ends[i], the first starts at
   * `start`; no keys, no bookmarks; sequences and lines from `seq` and `line`) as addBytes would,
   * but the rows that fit the chunk are copied at once, then each moved behind what leads it:
   * Buffer.copy per row made a view of the source each time (95 MB of garbage per 1M wide rows).
   * Stops at `maxRows` rows or `maxBytes` bytes; returns how many rows it added (at least one).
   */
  addSpan(src: Buffer, start: number, ends: Int32Array, from: number, to: number, seq: number, line: number, now: number, maxRows: number, maxBytes: number): number {
    this.admit(seq, undefined, now, undefined);
    const binary = this.options.binary !== undefined;
    const stamp = this.options.stamp;
    const lead = binary ? 2 + (stamp ? 12 + this.binaryTail.length : 0) : 0;
    const seg = this.main;
    const out = seg.room(lead + ends[from] - start);
    // the rows that fit what is left of the chunk
    const room = out.length - seg.pos;
    let n = 1;
    const most = Math.min(to - from, Math.max(1, maxRows - this.live));
    while (n < most && (n + 1) * lead + ends[from + n] - start <= room) n++;
    const raw = ends[from + n - 1] - start;
    // the rows' bytes go in at the end of the space they take, then each moves to its place
    let s = seg.pos + n * lead;
    out.set(src.subarray(start, start + raw), s);
    let at = seg.pos;
    for (let k = 0; k < n; k++) {
      const len = ends[from + k] - (k === 0 ? start : ends[from + k - 1]);
      if (binary) {
        const fields = this.options.binary!.fields;
        out[at] = fields >> 8;
        out[at + 1] = fields & 0xff;
        if (stamp) writeBinaryStamp(out, at + 2, stamp.sequenceBase + seq + k, this.binaryTail);
        out.copyWithin(at + lead, s, s + len);
      }
      this.record(seg, at, at + lead + len, seq + k, line + k);
      at += lead + len;
      s += len;
      if (this.bytes >= maxBytes) return k + 1;
    }
    return n;
  }

  /** Whether addSpan takes this buffer's rows: the same number of bytes leads each (not so for CSV rows with stamps). */
  get spans(): boolean {
    return this.options.binary !== undefined || this.options.stamp === undefined;
  }

  private segmentOf(csv: boolean): Segment {
    return csv && this.options.binary ? this.csv : this.main;
  }

  /** Makes room for a row of at most `most` bytes and writes what leads it (tuple field count, stamps); the row's start. */
  private prefix(seg: Segment, most: number, seq: number, csv: boolean): number {
    const stamp = this.options.stamp;
    const binary = this.options.binary !== undefined && !csv;
    // a binary row leads with its field count and stamp fields; a CSV row's sequence has at most 16 digits
    const out = seg.room(most + (binary ? 2 + (stamp ? 12 + this.binaryTail.length : 0) : stamp ? 16 + this.tail.length : 0));
    const at = seg.pos;
    if (binary) {
      const fields = this.options.binary!.fields;
      out[at] = fields >> 8;
      out[at + 1] = fields & 0xff;
      seg.pos = at + 2 + (stamp ? writeBinaryStamp(out, at + 2, stamp.sequenceBase + seq, this.binaryTail) : 0);
    } else if (stamp) seg.pos = at + writeStamp(out, at, stamp.sequenceBase + seq, this.tail);
    return at;
  }

  private grow(rows: number): void {
    this.rowSeg = resized(this.rowSeg, rows);
    this.rowChunk = resized(this.rowChunk, rows);
    this.rowStart = resized(this.rowStart, rows);
    this.rowBytes = resized(this.rowBytes, rows);
    this.seqs = resized(this.seqs, rows);
    this.lines = resized(this.lines, rows);
  }

  /** Books the row written at [at, end) of its segment. */
  private record(seg: Segment, at: number, end: number, seq: number, line: number): void {
    const n = end - at;
    const csv = seg === this.csv;
    const i = this.rows;
    if (i === this.seqs.length) this.grow(i * 2);
    this.rowSeg[i] = csv ? 1 : 0;
    if (csv) this.csvRows++;
    this.rowChunk[i] = seg.chunks.length;
    this.rowStart[i] = at;
    this.rowBytes[i] = n;
    this.seqs[i] = seq;
    this.lines[i] = line;
    this.rows = i + 1;
    seg.pos = end;
    this.bytes += n;
    this.live++;
  }

  /** Key bookkeeping before a row is written: false when an older record of its key is dropped. */
  private admit(seq: number, key: string | undefined, now: number, order: unknown): boolean {
    if (key !== undefined && order != null) {
      const held = this.orders.get(key);
      if (held != null && compareOrder(order, held) < 0) return false;
      this.orders.set(key, order);
    }
    if (this.rows === 0) {
      this.firstSeq = seq;
      this.openedAt = now;
      if (this.options.stamp) {
        this.tail = stampTail(new Date(now).toISOString());
        if (this.options.binary) this.binaryTail = binaryStampTail(now);
      }
    }
    if (key !== undefined) {
      const previous = this.keys.get(key);
      if (previous !== undefined) {
        this.bytes -= this.rowBytes[previous];
        this.rowBytes[previous] = -1;
        if (this.rowSeg[previous] === 1) this.csvRows--;
        this.replaced++;
        this.live--;
      }
      this.keys.set(key, this.rows);
    }
    return true;
  }

  /**
   * Drops the rows from sequence `seq` on (after a bad record, nothing past it may be
   * committed). Only for buffers without keys: a keyed buffer may have replaced earlier rows.
   */
  dropFrom(seq: number): void {
    if (this.keys.size) return;
    let i = this.rows;
    while (i > 0 && this.seqs[i - 1] >= seq) i--;
    if (i === this.rows) return;
    for (let j = i; j < this.rows; j++) {
      this.bytes -= this.rowBytes[j];
      if (this.rowSeg[j] === 1) this.csvRows--;
    }
    this.live -= this.rows - i;
    if (i === 0) {
      this.reset();
      return;
    }
    // cut each segment at its first row from i on
    for (const [segment, id] of [
      [this.main, 0],
      [this.csv, 1],
    ] as const) {
      let j = i;
      while (j < this.rows && this.rowSeg[j] !== id) j++;
      if (j < this.rows) segment.cut(this.rowChunk[j], this.rowStart[j]);
    }
    this.rows = i;
  }

  /** Hands over the rows as buffers (with the sequence and input line of each row) and empties the buffer. */
  take(): TakenRows {
    const main = this.main.all();
    let chunks: Buffer[];
    let lines: number[];
    let seqs: number[];
    let fallback: TakenRows['fallback'];
    if (this.replaced === 0 && this.csvRows === 0) {
      chunks = main;
      lines = numbers(this.lines, this.rows);
      seqs = numbers(this.seqs, this.rows);
    } else {
      const csv = this.csv.all();
      const mainRows = this.collect(0, main);
      const csvRows = this.collect(1, csv);
      chunks = mainRows.chunks;
      lines = [...mainRows.lines, ...csvRows.lines];
      seqs = [...mainRows.seqs, ...csvRows.seqs];
      if (csvRows.seqs.length) fallback = { chunks: csvRows.chunks, rows: csvRows.seqs.length };
    }
    const out: TakenRows = { chunks, lines, seqs, rowCount: this.live, bytes: this.bytes, held: this.capacity, firstSeq: this.firstSeq, ...(fallback ? { fallback } : {}) };
    this.reset();
    return out;
  }

  /** The live rows of one segment: consecutive rows of one chunk become one slice. */
  private collect(id: number, all: Buffer[]): { chunks: Buffer[]; lines: number[]; seqs: number[] } {
    const chunks: Buffer[] = [];
    const lines: number[] = [];
    const seqs: number[] = [];
    let runChunk = -1;
    let runStart = 0;
    let runEnd = 0;
    for (let i = 0; i < this.rows; i++) {
      if (this.rowBytes[i] < 0 || this.rowSeg[i] !== id) continue;
      const c = this.rowChunk[i];
      const start = this.rowStart[i];
      if (c === runChunk && start === runEnd) runEnd += this.rowBytes[i];
      else {
        if (runChunk >= 0) chunks.push(all[runChunk].subarray(runStart, runEnd));
        runChunk = c;
        runStart = start;
        runEnd = start + this.rowBytes[i];
      }
      lines.push(this.lines[i]);
      seqs.push(this.seqs[i]);
    }
    if (runChunk >= 0) chunks.push(all[runChunk].subarray(runStart, runEnd));
    return { chunks, lines, seqs };
  }

  private reset(): void {
    this.main.reset();
    this.csv.reset();
    this.rows = 0;
    // the row arrays are kept for the next batch, unless an unusually large one grew them
    if (this.seqs.length > MAX_KEPT_ROWS) this.grow(INITIAL_ROWS);
    this.keys.clear();
    this.orders.clear();
    this.live = 0;
    this.replaced = 0;
    this.csvRows = 0;
    this.bytes = 0;
    this.firstSeq = Infinity;
  }
}
