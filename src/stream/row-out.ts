/** A growable output buffer that rows are written into (`pos`: the end of what is kept). */
export class RowOut {
  buf: Buffer;
  pos = 0;
  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(room: number): void {
    if (this.buf.length - this.pos >= room) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + room));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}
