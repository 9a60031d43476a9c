/**
 * Memory that goes back and forth between the main thread and the encode workers (a block's
 * lines, its rows), kept for reuse instead of left to the garbage collector. The main thread of
 * a run with workers allocates few objects of its own, so it collects its young generation
 * rarely (a few times a second): every block's buffers, dead once their rows are in a stream's
 * buffer, used to wait there for it (1M wide rows over 20 streams: 30-35 MB of rows buffers
 * alone, beside the blocks). With reuse the blocks in flight hold the same few buffers.
 *
 * Only buffers of exactly `capacity` bytes are kept (a block of one long line gets its own,
 * which the collector takes), at most `max` of them.
 */
export class Spares {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    readonly capacity: number,
    private readonly max: number,
  ) {}

  /** Buffers kept for reuse now. */
  get kept(): number {
    return this.free.length;
  }

  /** A buffer of at least `bytes` bytes: a kept one when it fits, else a new one (of `capacity` bytes when that is enough). */
  take(bytes = 0): ArrayBuffer {
    if (bytes > this.capacity) return new ArrayBuffer(bytes);
    return this.free.pop() ?? new ArrayBuffer(this.capacity);
  }

  /** Keeps a buffer nothing reads any more, if it is of the kept size and there is room. */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.capacity && this.free.length < this.max && !this.free.includes(buffer)) this.free.push(buffer);
  }
}
