/**
 * The recursive character text splitter that LangChain and CloudQuery users know: the text is
 * cut on the first separator it holds (paragraph, line, word, then character), pieces longer
 * than a chunk are cut again on the next separator, and neighbouring pieces are merged into
 * chunks of at most `chunkSize` characters (UTF-16 code units, as JavaScript and LangChain
 * count them) where each chunk starts with up to `chunkOverlap` characters of the one before.
 * Separators stay with the piece they start (keep_separator); chunks are trimmed of
 * surrounding whitespace and whitespace-only chunks are dropped (strip_whitespace).
 */
export interface SplitterOptions {
  chunkSize: number;
  chunkOverlap: number;
  separators?: readonly string[];
}

export const DEFAULT_SEPARATORS: readonly string[] = ['\n\n', '\n', ' ', ''];

export function splitText(text: string, options: SplitterOptions): string[] {
  const { chunkSize, chunkOverlap } = options;
  if (!(chunkSize >= 1)) throw new Error('chunk_size must be at least 1');
  if (chunkOverlap < 0 || chunkOverlap >= chunkSize) throw new Error('chunk_overlap must be at least 0 and below chunk_size');
  if (text.trim() === '') return [];
  return split(text, options.separators ?? DEFAULT_SEPARATORS, chunkSize, chunkOverlap);
}

function split(text: string, separators: readonly string[], size: number, overlap: number): string[] {
  let at = separators.length - 1;
  for (let i = 0; i < separators.length; i++) {
    if (separators[i] === '' || text.includes(separators[i])) {
      at = i;
      break;
    }
  }
  const separator = separators[at];
  const rest = separators.slice(at + 1);
  const out: string[] = [];
  let good: string[] = [];
  for (const piece of piecesOf(text, separator)) {
    if (piece.length <= size) {
      good.push(piece);
      continue;
    }
    if (good.length) {
      out.push(...merge(good, size, overlap));
      good = [];
    }
    if (rest.length === 0) out.push(...hardCut(piece, size, overlap));
    else out.push(...split(piece, rest, size, overlap));
  }
  if (good.length) out.push(...merge(good, size, overlap));
  return out;
}

/** Cuts on a separator, which stays at the start of the piece after it; '' cuts between characters (never inside a surrogate pair). */
function piecesOf(text: string, separator: string): string[] {
  if (separator === '') return Array.from(text);
  const parts = text.split(separator);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const piece = i === 0 ? parts[i] : separator + parts[i];
    if (piece !== '') out.push(piece);
  }
  return out;
}

/** The last resort for a piece no separator cuts small enough (only with custom separators). */
function hardCut(piece: string, size: number, overlap: number): string[] {
  const out: string[] = [];
  for (let start = 0; start < piece.length; start += size - overlap) {
    out.push(piece.slice(start, start + size));
    if (start + size >= piece.length) break;
  }
  return out.map((c) => c.trim()).filter((c) => c !== '');
}

/** Merges small pieces into chunks of at most `size`, each starting with up to `overlap` characters of the previous one. */
function merge(pieces: string[], size: number, overlap: number): string[] {
  const chunks: string[] = [];
  const current: string[] = [];
  let total = 0;
  for (const piece of pieces) {
    if (total + piece.length > size && current.length) {
      emit(chunks, current.join(''));
      // keep the tail for the overlap, as long as the next piece still fits beside it
      while (total > overlap || (total + piece.length > size && total > 0)) {
        total -= current.shift()!.length;
      }
    }
    current.push(piece);
    total += piece.length;
  }
  if (current.length) emit(chunks, current.join(''));
  return chunks;
}

function emit(chunks: string[], chunk: string): void {
  const trimmed = chunk.trim();
  if (trimmed !== '') chunks.push(trimmed);
}

/** The text of a row: its embed columns that are not null, joined with a newline. */
export function rowText(values: ReadonlyArray<string | null>): string {
  let text = '';
  let first = true;
  for (const v of values) {
    if (v === null) continue;
    text += first ? v : '\n' + v;
    first = false;
  }
  return text;
}
