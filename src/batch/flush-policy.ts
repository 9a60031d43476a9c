/** When buffered rows go to the database: the config's limits, as pure decisions. */
export interface FlushLimits {
  /** A stream's buffer is flushed at this many rows (batch_size_rows)… */
  batchRows: number;
  /** …or bytes (batch_size_bytes). */
  batchBytes: number;
  /** A buffer older than this is flushed even when not full (max_record_age_seconds). */
  maxAgeMs: number;
  /** Reading waits while buffered plus in-flight bytes pass this (max_buffered_bytes). */
  maxBufferedBytes: number;
  /** A full buffer flushes every stream's buffer (flush_all_streams). */
  flushAll: boolean;
}

/**
 * A stream's buffer is full at batch_size_rows rows or batch_size_bytes bytes. By default each
 * stream flushes on its own: flushing every stream whenever all of them together reached the
 * limit made 20 interleaved streams commit 20 times as often, and commits cost an fsync
 * (flush_all_streams asks for exactly that).
 */
export function isFull(buffer: { size: number; bytes: number }, limits: FlushLimits): boolean {
  return buffer.size >= limits.batchRows || buffer.bytes >= limits.batchBytes;
}

/** A non-empty buffer opened at or before now - max_record_age_seconds is due. */
export function isStale(buffer: { size: number; openedAt: number }, now: number, limits: FlushLimits): boolean {
  return buffer.size > 0 && buffer.openedAt <= now - limits.maxAgeMs;
}

/** Memory bound: buffered plus in-flight bytes past max_buffered_bytes make reading wait. */
export function overMemory(bufferedBytes: number, inflightBytes: number, limits: FlushLimits): boolean {
  return bufferedBytes + inflightBytes > limits.maxBufferedBytes;
}
