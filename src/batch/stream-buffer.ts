import { stampTail, writeStamp } from '../stream/record-metadata.js';

/** Orders two bookmark values: numbers numerically, date-times as instants, else as text. */
export function compareOrder(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  const ta = Date.parse(sa);
  const tb = Date.parse(sb);
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
  const na = Number(sa);
  const nb = Number(sb);
  if (sa !== '' && sb !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * The rows of one stream waiting for their flush, already encoded as CSV lines. With keys,
 * a later record with the same key replaces the earlier one (last record wins), so the batch
 * reaching PostgreSQL holds each key once; with an order value (the stream's bookmark), a
 * record older than the one held is dropped instead.
 *
 * Rows are placed by their record sequence number (the order of the input); each also keeps
 * its input line, for error messages. A stamped buffer (a stream with metadata columns) leads
 * every row with its _sdc_sequence and _sdc_batched_at (see stream/record-metadata.ts).
 */
const CHUNK_BYTES = 1 << 20;

export interface BufferOptions {
  /** Stamp rows with _sdc_sequence (this base + the record's sequence) and _sdc_batched_at. */
  stamp?: { sequenceBase: number };
}

export interface TakenRows {
  chunks: Buffer[];
  /** Input line of each row, in COPY order. */
  lines: number[];
  /** Record sequence of each row, in COPY order. */
  seqs: number[];
  rowCount: number;
  bytes: number;
  firstSeq: number;
}

export class StreamBuffer {
  /** Filled chunks, and the one being written. */
  private chunks: Buffer[] = [];
  private current: Buffer | null = null;
  private pos = 0;
  /** Per row: chunk index, start offset, byte length (-1 when replaced), sequence and input line. */
  private rowChunk: number[] = [];
  private rowStart: number[] = [];
  private rowBytes: number[] = [];
  private seqs: number[] = [];
  private lines: number[] = [];
  private keys = new Map<string, number>();
  private orders = new Map<string, unknown>();
  private live = 0;
  private replaced = 0;
  /** `,_sdc_batched_at,` of the open batch (stamped buffers). */
  private tail: Buffer = Buffer.alloc(0);
  bytes = 0;
  firstSeq = Infinity;
  openedAt = 0;

  constructor(private readonly options: BufferOptions = {}) {}

  get size(): number {
    return this.live;
  }

  /**
   * Adds a row (text, or UTF-8 bytes from an encode worker), written straight into the chunk
   * buffers; returns false when it was dropped as older than the row held for its key.
   */
  add(row: string | Buffer, seq: number, key: string | undefined, now: number, order?: unknown, line: number = seq): boolean {
    if (!this.admit(seq, key, now, order)) return false;
    const stamp = this.options.stamp;
    // a UTF-16 code unit takes at most 3 UTF-8 bytes; a sequence has at most 16 digits
    const most = (stamp ? 16 + this.tail.length : 0) + (typeof row === 'string' ? row.length * 3 : row.length);
    if (this.current === null || this.current.length - this.pos < most) this.newChunk(most);
    const out = this.current!;
    let n = stamp ? writeStamp(out, this.pos, stamp.sequenceBase + seq, this.tail) : 0;
    if (typeof row === 'string') n += out.write(row, this.pos + n, 'utf8');
    else n += (row as Buffer).copy(out, this.pos + n);
    this.record(seq, line, n);
    return true;
  }

  /** Key bookkeeping before a row is written: false when an older record of its key is dropped. */
  private admit(seq: number, key: string | undefined, now: number, order: unknown): boolean {
    if (key !== undefined && order != null) {
      const held = this.orders.get(key);
      if (held != null && compareOrder(order, held) < 0) return false;
      this.orders.set(key, order);
    }
    if (this.seqs.length === 0) {
      this.firstSeq = seq;
      this.openedAt = now;
      if (this.options.stamp) this.tail = stampTail(new Date(now).toISOString());
    }
    if (key !== undefined) {
      const previous = this.keys.get(key);
      if (previous !== undefined) {
        this.bytes -= this.rowBytes[previous];
        this.rowBytes[previous] = -1;
        this.replaced++;
        this.live--;
      }
      this.keys.set(key, this.seqs.length);
    }
    return true;
  }

  /** Books the row just written at `pos` (n bytes). */
  private record(seq: number, line: number, n: number): void {
    this.rowChunk.push(this.chunks.length);
    this.rowStart.push(this.pos);
    this.rowBytes.push(n);
    this.seqs.push(seq);
    this.lines.push(line);
    this.pos += n;
    this.bytes += n;
    this.live++;
  }

  private newChunk(atLeast: number): void {
    if (this.current !== null && this.pos > 0) this.chunks.push(this.current.subarray(0, this.pos));
    this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, atLeast));
    this.pos = 0;
  }

  /**
   * Drops the rows from sequence `seq` on (after a bad record, nothing past it may be
   * committed). Only for buffers without keys: a keyed buffer may have replaced earlier rows.
   */
  dropFrom(seq: number): void {
    if (this.keys.size) return;
    let i = this.seqs.length;
    while (i > 0 && this.seqs[i - 1] >= seq) i--;
    if (i === this.seqs.length) return;
    for (let j = i; j < this.seqs.length; j++) this.bytes -= this.rowBytes[j];
    this.live -= this.seqs.length - i;
    if (i === 0) {
      this.reset();
      return;
    }
    // cut the buffers at the start of row i
    const chunk = this.rowChunk[i];
    const start = this.rowStart[i];
    const all = this.current ? [...this.chunks, this.current.subarray(0, this.pos)] : this.chunks;
    this.chunks = all.slice(0, chunk);
    if (start > 0) this.chunks.push(all[chunk].subarray(0, start));
    this.current = null;
    this.pos = 0;
    this.rowChunk.length = this.rowStart.length = this.rowBytes.length = this.seqs.length = this.lines.length = i;
  }

  /** Hands over the rows as buffers (with the sequence and input line of each row) and empties the buffer. */
  take(): TakenRows {
    const all = this.current && this.pos > 0 ? [...this.chunks, this.current.subarray(0, this.pos)] : this.chunks;
    let chunks: Buffer[];
    let lines: number[];
    let seqs: number[];
    if (this.replaced === 0) {
      chunks = all;
      lines = this.lines;
      seqs = this.seqs;
    } else {
      // skip replaced rows: consecutive live rows of one chunk become one slice
      chunks = [];
      lines = [];
      seqs = [];
      let runChunk = -1;
      let runStart = 0;
      let runEnd = 0;
      for (let i = 0; i < this.seqs.length; i++) {
        if (this.rowBytes[i] < 0) continue;
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
    }
    const out = { chunks, lines, seqs, rowCount: this.live, bytes: this.bytes, firstSeq: this.firstSeq };
    this.reset();
    return out;
  }

  private reset(): void {
    // the current chunk's unused tail is kept for the next rows; handed-over bytes are not reused
    if (this.current !== null && this.pos > 0) {
      this.current = this.current.length - this.pos >= 64 * 1024 ? this.current.subarray(this.pos) : null;
    }
    this.pos = 0;
    this.chunks = [];
    this.rowChunk = [];
    this.rowStart = [];
    this.rowBytes = [];
    this.seqs = [];
    this.lines = [];
    this.keys.clear();
    this.orders.clear();
    this.live = 0;
    this.replaced = 0;
    this.bytes = 0;
    this.firstSeq = Infinity;
  }
}
