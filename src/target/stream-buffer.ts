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
 */
export class StreamBuffer {
  private rows: string[] = [];
  private sizes: number[] = [];
  private lines: number[] = [];
  private keys = new Map<string, number>();
  private orders = new Map<string, unknown>();
  private live = 0;
  bytes = 0;
  firstLine = Infinity;
  openedAt = 0;

  get size(): number {
    return this.live;
  }

  /** Adds a row; returns false when it was dropped as older than the row held for its key. */
  add(row: string, line: number, key: string | undefined, now: number, order?: unknown): boolean {
    if (key !== undefined && order != null) {
      const held = this.orders.get(key);
      if (held != null && compareOrder(order, held) < 0) return false;
      this.orders.set(key, order);
    }
    if (this.rows.length === 0) {
      this.firstLine = line;
      this.openedAt = now;
    }
    if (key !== undefined) {
      const previous = this.keys.get(key);
      if (previous !== undefined) {
        this.bytes -= this.sizes[previous];
        this.rows[previous] = '';
        this.live--;
      }
      this.keys.set(key, this.rows.length);
    }
    const size = Buffer.byteLength(row);
    this.rows.push(row);
    this.sizes.push(size);
    this.lines.push(line);
    this.bytes += size;
    this.live++;
    return true;
  }

  /**
   * Drops the rows that came at or after `line` (after a bad line, nothing past it may be
   * committed). Only for buffers without keys: a keyed buffer may have replaced earlier rows.
   */
  dropFrom(line: number): void {
    if (this.keys.size) return;
    let i = this.lines.length;
    while (i > 0 && this.lines[i - 1] >= line) i--;
    for (let j = i; j < this.rows.length; j++) this.bytes -= this.sizes[j];
    this.live -= this.rows.length - i;
    this.rows.length = i;
    this.sizes.length = i;
    this.lines.length = i;
    if (i === 0) this.firstLine = Infinity;
  }

  /** Hands over the rows as ~1 MB buffers (with the input line of each row) and empties the buffer. */
  take(): { chunks: Buffer[]; lines: number[]; rowCount: number; bytes: number; firstLine: number } {
    const chunks: Buffer[] = [];
    const lines: number[] = [];
    let part = '';
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (row === '') continue;
      part += row;
      lines.push(this.lines[i]);
      if (part.length >= 1 << 20) {
        chunks.push(Buffer.from(part));
        part = '';
      }
    }
    if (part) chunks.push(Buffer.from(part));
    const out = { chunks, lines, rowCount: this.live, bytes: this.bytes, firstLine: this.firstLine };
    this.rows = [];
    this.sizes = [];
    this.lines = [];
    this.keys.clear();
    this.orders.clear();
    this.live = 0;
    this.bytes = 0;
    this.firstLine = Infinity;
    return out;
  }
}
