import { ChunkPool } from './chunk-pool.js';

/**
 * Where a stream buffer writes its rows: chunks that grow per batch and come from one pool, so
 * that many streams with few rows hold little and done batches' chunks are reused.
 */

/** A batch's first chunk; each next one doubles up to CHUNK_BYTES, so a stream with few rows holds little. */
export const FIRST_CHUNK_BYTES = 16 * 1024;
export const CHUNK_BYTES = 256 * 1024;

/** Size of the chunk after one of `previous` bytes (0: none yet). */
export function nextChunkBytes(previous: number): number {
  return Math.min(CHUNK_BYTES, Math.max(FIRST_CHUNK_BYTES, previous * 2));
}

/** The chunk sizes nextChunkBytes gives. */
export const CHUNK_SIZES: readonly number[] = Array.from({ length: Math.log2(CHUNK_BYTES / FIRST_CHUNK_BYTES) + 1 }, (_, i) => FIRST_CHUNK_BYTES << i);

/** The chunks of a run's buffers (the batcher gives them back when their batch is done; it sets how much it keeps). */
export const chunkPool = new ChunkPool(CHUNK_SIZES, 64 << 20);

/** Chunks of encoded rows, written in place. */
export class Segment {
  chunks: Buffer[] = [];
  current: Buffer | null = null;
  pos = 0;
  /** Bytes of chunk memory allocated since the last reset (written or not). */
  capacity = 0;
  private chunkBytes = 0;

  room(atLeast: number): Buffer {
    if (this.current === null || this.current.length - this.pos < atLeast) {
      if (this.current !== null && this.pos > 0) this.chunks.push(this.current.subarray(0, this.pos));
      this.chunkBytes = nextChunkBytes(this.chunkBytes);
      const size = Math.max(this.chunkBytes, atLeast);
      this.current = chunkPool.take(size);
      this.capacity += size;
      this.pos = 0;
    }
    return this.current;
  }

  all(): Buffer[] {
    return this.current && this.pos > 0 ? [...this.chunks, this.current.subarray(0, this.pos)] : this.chunks;
  }

  /** Cuts the segment at row start (chunk, offset). */
  cut(chunk: number, start: number): void {
    const all = this.all();
    this.chunks = all.slice(0, chunk);
    if (start > 0) this.chunks.push(all[chunk].subarray(0, start));
    this.current = null;
    this.pos = 0;
  }

  reset(): void {
    // every chunk goes with the rows (an unused tail is at most one chunk): what a batch holds is
    // exactly what was allocated for it, and the next batch starts small again
    this.current = null;
    this.pos = 0;
    this.capacity = 0;
    this.chunkBytes = 0;
    this.chunks = [];
  }
}
