import { contentHash, type EmbeddingsSettings } from './embeddings-config.js';
import { rowText, splitText } from './text-splitter.js';

/** One batch key as read back after its batch committed. */
export interface ReadRow {
  /** The row is in the stream's table (not deleted). */
  present: boolean;
  /** Its embed columns as text (null: NULL). */
  texts: ReadonlyArray<string | null>;
  /** The content hash stored with its chunks, and how many chunks it has. */
  storedHash: string | null;
  storedChunks: number;
}

/** replace: `stored` is how many chunks the row has now (whose vectors identical new chunks may reuse). */
export type RowAction = { kind: 'unchanged'; chunks: number } | { kind: 'delete' } | { kind: 'none' } | { kind: 'replace'; chunks: string[]; hash: string; stored: number };

/**
 * What a row's chunks need (pure): nothing when the text is unchanged since its chunks were
 * written (same hash: no API call), removal when the row is gone or its text empty, else the
 * new chunks to embed in place of the stored ones.
 */
export function planRow(row: ReadRow, s: Pick<EmbeddingsSettings, 'model' | 'dimensions' | 'chunkSize' | 'chunkOverlap'>): RowAction {
  if (!row.present) return row.storedChunks > 0 ? { kind: 'delete' } : { kind: 'none' };
  const text = rowText(row.texts);
  const hash = contentHash(text, s);
  if (row.storedHash === hash && row.storedChunks > 0) return { kind: 'unchanged', chunks: row.storedChunks };
  const chunks = splitText(text, { chunkSize: s.chunkSize, chunkOverlap: s.chunkOverlap });
  if (chunks.length === 0) return row.storedChunks > 0 ? { kind: 'delete' } : { kind: 'none' };
  return { kind: 'replace', chunks, hash, stored: row.storedChunks };
}

/** Groups rows to embed so each group holds about `target` chunks (a row is never split across groups). */
export function groupRows<T extends { chunks: string[] }>(rows: readonly T[], target: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let n = 0;
  for (const row of rows) {
    if (current.length && n + row.chunks.length > target) {
      groups.push(current);
      current = [];
      n = 0;
    }
    current.push(row);
    n += row.chunks.length;
  }
  if (current.length) groups.push(current);
  return groups;
}
