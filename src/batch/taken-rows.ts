/** What a stream buffer is told (options) and hands over (its rows, as a batch's), and helpers for its per-row arrays. */

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

/** The first n values of a typed array as an array (Array.from iterates: 8 times slower). */
export function numbers(from: Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from[i];
  return out;
}

/** A per-row array of `rows` elements holding what fits of `a`. */
export function resized<T extends Uint8Array | Int32Array | Float64Array>(a: T, rows: number): T {
  const b = new (a.constructor as new (n: number) => T)(rows);
  b.set(a.subarray(0, Math.min(a.length, rows)));
  return b;
}
