import type { Batch } from '../load/batch.js';

/**
 * The first `rows` rows of a batch. Rows are CSV lines as this target writes them: a newline
 * inside a quoted field does not end a row, and a doubled quote toggles twice.
 */
export function batchPrefix(batch: Batch, rows: number): Batch {
  const chunks: Buffer[] = [];
  let seen = 0;
  let inQuotes = false;
  outer: for (const chunk of batch.chunks) {
    if (seen >= rows) break;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) inQuotes = !inQuotes;
      else if (b === 0x0a && !inQuotes && ++seen === rows) {
        chunks.push(chunk.subarray(0, i + 1));
        break outer;
      }
    }
    chunks.push(chunk);
  }
  return { ...batch, chunks, rowCount: Math.min(rows, batch.rowCount), lines: batch.lines.slice(0, rows), seqs: batch.seqs.slice(0, rows) };
}
