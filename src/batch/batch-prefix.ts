import type { Batch } from '../load/batch.js';

/** Ends of the first `rows` CSV rows as this target writes them: a newline inside a quoted field does not end a row, and a doubled quote toggles twice. */
function csvPrefix(chunks: readonly Buffer[], rows: number): Buffer[] {
  const out: Buffer[] = [];
  let seen = 0;
  let inQuotes = false;
  if (rows === 0) return out;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) inQuotes = !inQuotes;
      else if (b === 0x0a && !inQuotes && ++seen === rows) {
        out.push(chunk.subarray(0, i + 1));
        return out;
      }
    }
    out.push(chunk);
  }
  return out;
}

/** The first `rows` binary COPY tuples (a field count, then each field's length and bytes; -1 for NULL). Tuples never span chunks. */
function binaryPrefix(chunks: readonly Buffer[], rows: number): Buffer[] {
  const out: Buffer[] = [];
  let seen = 0;
  for (const chunk of chunks) {
    if (seen === rows) break;
    let pos = 0;
    while (pos < chunk.length && seen < rows) {
      const fields = chunk.readInt16BE(pos);
      pos += 2;
      for (let f = 0; f < fields; f++) {
        const len = chunk.readInt32BE(pos);
        pos += 4 + (len > 0 ? len : 0);
      }
      seen++;
    }
    out.push(pos === chunk.length ? chunk : chunk.subarray(0, pos));
  }
  return out;
}

/** How many of seqs[from, to) (ascending) are below `seq`. */
function countBelow(seqs: readonly number[], from: number, to: number, seq: number): number {
  let n = 0;
  while (from + n < to && seqs[from + n] < seq) n++;
  return n;
}

/**
 * The rows of a batch whose records came before record `seq` (each of a batch's segments is in
 * input order): what may still be committed when PostgreSQL rejects that record's value.
 */
export function batchBefore(batch: Batch, seq: number): Batch {
  const fallbackRows = batch.fallback?.rows ?? 0;
  const mainRows = batch.rowCount - fallbackRows;
  const m = countBelow(batch.seqs, 0, mainRows, seq);
  const f = countBelow(batch.seqs, mainRows, batch.rowCount, seq);
  const chunks = batch.format === 'binary' ? binaryPrefix(batch.chunks, m) : csvPrefix(batch.chunks, m);
  const lines = [...batch.lines.slice(0, m), ...batch.lines.slice(mainRows, mainRows + f)];
  const seqs = [...batch.seqs.slice(0, m), ...batch.seqs.slice(mainRows, mainRows + f)];
  const { fallback: _dropped, ...rest } = batch;
  return { ...rest, chunks, rowCount: m + f, lines, seqs, ...(f > 0 ? { fallback: { chunks: csvPrefix(batch.fallback!.chunks, f), rows: f } } : {}) };
}
