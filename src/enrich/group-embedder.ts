import { ExitCode, TargetError } from '../errors.js';
import { vectorLiteral } from '../sql/embeddings.js';
import { RejectedInputError, type EmbeddingClient } from './embedding-client.js';
import type { EmbeddingsSettings } from './embeddings-config.js';
import { planRequests } from './request-plan.js';
import type { RowAction } from './row-plan.js';

/** A row whose chunks are replaced, with its key values as text. */
export type Replace = Extract<RowAction, { kind: 'replace' }> & { key: Array<string | null> };

/** A group's vectors as SQL literals by chunk text; how many texts were sent, how many kept their stored vector. */
export interface EmbeddedGroup {
  vectors: Map<string, string>;
  sent: number;
  reused: number;
}

/**
 * The vectors of a group of rows' chunks. A chunk whose text is already stored for one of the
 * rows (`known`: an edited document keeps most of its paragraphs) keeps its vector, identical
 * texts are sent once, and requests follow the planner (inputs and tokens per request).
 */
export async function embedGroup(
  client: EmbeddingClient,
  s: EmbeddingsSettings,
  stream: { stream: string; keyProperties: string[] },
  rows: Replace[],
  known: Map<string, string>,
): Promise<EmbeddedGroup> {
  const unique = new Set<string>();
  const owners: Array<{ row: Replace; chunk: number }> = [];
  const texts: string[] = [];
  const literals: string[] = [];
  let reused = 0;
  for (const row of rows) {
    row.chunks.forEach((text, chunk) => {
      if (unique.has(text)) return;
      unique.add(text);
      texts.push(text);
      owners.push({ row, chunk });
      const stored = known.get(text);
      if (stored !== undefined) reused++;
      literals.push(stored ?? '');
    });
  }
  const missing = texts.map((_, i) => i).filter((i) => literals[i] === '');
  const requests = planRequests(
    missing.map((i) => texts[i]),
    { maxInputs: s.maxInputs, maxTokens: s.maxTokens },
  ).map((r) => r.map((j) => missing[j]));
  const locate = { client, s, stream, texts, owners, out: literals };
  await Promise.all(requests.map((idx) => embedLocating(locate, idx)));
  return { vectors: new Map(texts.map((t, i) => [t, literals[i]])), sent: missing.length, reused };
}

interface Locate {
  client: EmbeddingClient;
  s: EmbeddingsSettings;
  stream: { stream: string; keyProperties: string[] };
  texts: string[];
  owners: Array<{ row: Replace; chunk: number }>;
  out: string[];
}

/** Embeds the inputs at `idx`; a 400 for a request is narrowed down by halves to the chunk at fault, which the error names (exit 65). */
async function embedLocating(l: Locate, idx: number[]): Promise<void> {
  try {
    const vectors = await l.client.embed(
      idx.map((i) => l.texts[i]),
      l.stream.stream,
    );
    idx.forEach((i, j) => (l.out[i] = vectorLiteral(vectors[j], l.s.columnType)));
  } catch (e) {
    if (!(e instanceof RejectedInputError)) throw e;
    if (idx.length > 1) {
      const half = Math.ceil(idx.length / 2);
      await embedLocating(l, idx.slice(0, half));
      await embedLocating(l, idx.slice(half));
      return;
    }
    const { row, chunk } = l.owners[idx[0]];
    const key = JSON.stringify(Object.fromEntries(l.stream.keyProperties.map((p, i) => [p, row.key[i]])));
    throw new TargetError(
      `stream "${l.stream.stream}", key ${key}, chunk ${chunk} (${l.texts[idx[0]].length} characters): the embeddings API at ${l.s.baseUrl} rejected the input (${e.message}); fix the row's text or lower embeddings.text_splitter.chunk_size`,
      ExitCode.dataError,
      { stream: l.stream.stream },
    );
  }
}
