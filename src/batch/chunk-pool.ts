/**
 * The chunks stream buffers write rows into, reused once their batch is done instead of left to
 * the garbage collector. A chunk lives as long as its batch (seconds with many streams), so V8
 * finds it dead only in a full collection, which the main thread of a run with encode workers
 * runs rarely: mostly when memory outside its heap grew by 64 MB. Left to it, 20 interleaved
 * streams kept about that much of dead chunks beside the live ones.
 *
 * Chunks come in a few sizes (a buffer's first chunk is small, each next one doubles up to the
 * largest); a chunk of another size (one row larger than the largest) is never kept. At most
 * `keepBytes` of free chunks are kept.
 */
export class ChunkPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private freeBytes = 0;

  constructor(
    readonly sizes: readonly number[],
    public keepBytes: number,
  ) {}

  /** Bytes of free chunks kept now. */
  get kept(): number {
    return this.freeBytes;
  }

  /** A chunk of `size` bytes, a kept one when there is one (its bytes are whatever was written last). */
  take(size: number): Buffer {
    const kept = this.free.get(size)?.pop();
    if (kept === undefined) return Buffer.allocUnsafeSlow(size);
    this.freeBytes -= size;
    return Buffer.from(kept);
  }

  /**
   * Keeps the chunks behind a done batch's buffers (each once, however many of them view it).
   * Nothing may read those buffers afterwards.
   */
  give(buffers: readonly Buffer[]): void {
    let previous: ArrayBufferLike | undefined;
    for (const b of buffers) {
      const ab = b.buffer;
      if (ab === previous) continue;
      previous = ab;
      const size = ab.byteLength;
      if (!this.sizes.includes(size) || this.freeBytes + size > this.keepBytes) continue;
      let list = this.free.get(size);
      if (list === undefined) this.free.set(size, (list = []));
      if (list.includes(ab as ArrayBuffer)) continue;
      list.push(ab as ArrayBuffer);
      this.freeBytes += size;
    }
  }
}
