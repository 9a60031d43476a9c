import { Segment } from './buffer-segment.js';
import { binaryStampTail, stampTail, writeBinaryStamp, writeStamp } from '../stream/record-metadata.js';
import { compareOrder } from './bookmark-order.js';
import { RowBook, type BufferOptions, type TakenRows } from './row-book.js';

export type { BufferOptions, TakenRows } from './row-book.js';

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
  /** Per row: where it is, its size, sequence and input line (row-book.ts). */
  private readonly book = new RowBook();
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
    const lead = binary ? this.binaryLead() : 0;
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
        this.writeBinaryLead(out, at, seq + k);
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
    // a CSV row's sequence has at most 16 digits
    const out = seg.room(most + (binary ? this.binaryLead() : stamp ? 16 + this.tail.length : 0));
    const at = seg.pos;
    if (binary) {
      this.writeBinaryLead(out, at, seq);
      seg.pos = at + this.binaryLead();
    } else if (stamp) seg.pos = at + writeStamp(out, at, stamp.sequenceBase + seq, this.tail);
    return at;
  }

  /** Bytes that lead a binary row: its field count, then (stamped buffers) its _sdc_sequence and _sdc_batched_at fields. */
  private binaryLead(): number {
    return 2 + (this.options.stamp ? 12 + this.binaryTail.length : 0);
  }

  /** Writes a binary row's lead (binaryLead) at out[at]. */
  private writeBinaryLead(out: Buffer, at: number, seq: number): void {
    const fields = this.options.binary!.fields;
    out[at] = fields >> 8;
    out[at + 1] = fields & 0xff;
    const stamp = this.options.stamp;
    if (stamp) writeBinaryStamp(out, at + 2, stamp.sequenceBase + seq, this.binaryTail);
  }

  /** Books the row written at [at, end) of its segment. */
  private record(seg: Segment, at: number, end: number, seq: number, line: number): void {
    const n = end - at;
    const csv = seg === this.csv;
    if (csv) this.csvRows++;
    this.book.push(csv ? 1 : 0, seg.chunks.length, at, n, seq, line);
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
    if (this.book.count === 0) {
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
        this.bytes -= this.book.bytes[previous];
        this.book.bytes[previous] = -1;
        if (this.book.segment[previous] === 1) this.csvRows--;
        this.replaced++;
        this.live--;
      }
      this.keys.set(key, this.book.count);
    }
    return true;
  }

  /**
   * Drops the rows from sequence `seq` on (after a bad record, nothing past it may be
   * committed). Only for buffers without keys: a keyed buffer may have replaced earlier rows.
   */
  dropFrom(seq: number): void {
    if (this.keys.size) return;
    let i = this.book.count;
    while (i > 0 && this.book.seqs[i - 1] >= seq) i--;
    if (i === this.book.count) return;
    for (let j = i; j < this.book.count; j++) {
      this.bytes -= this.book.bytes[j];
      if (this.book.segment[j] === 1) this.csvRows--;
    }
    this.live -= this.book.count - i;
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
      while (j < this.book.count && this.book.segment[j] !== id) j++;
      if (j < this.book.count) segment.cut(this.book.chunk[j], this.book.start[j]);
    }
    this.book.count = i;
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
      ({ lines, seqs } = this.book.linesAndSeqs());
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
    for (let i = 0; i < this.book.count; i++) {
      if (this.book.bytes[i] < 0 || this.book.segment[i] !== id) continue;
      const c = this.book.chunk[i];
      const start = this.book.start[i];
      if (c === runChunk && start === runEnd) runEnd += this.book.bytes[i];
      else {
        if (runChunk >= 0) chunks.push(all[runChunk].subarray(runStart, runEnd));
        runChunk = c;
        runStart = start;
        runEnd = start + this.book.bytes[i];
      }
      lines.push(this.book.lines[i]);
      seqs.push(this.book.seqs[i]);
    }
    if (runChunk >= 0) chunks.push(all[runChunk].subarray(runStart, runEnd));
    return { chunks, lines, seqs };
  }

  private reset(): void {
    this.main.reset();
    this.csv.reset();
    this.book.clear();
    this.keys.clear();
    this.orders.clear();
    this.live = 0;
    this.replaced = 0;
    this.csvRows = 0;
    this.bytes = 0;
    this.firstSeq = Infinity;
  }
}
