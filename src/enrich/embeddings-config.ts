import { createHash } from 'node:crypto';
import type { TargetPostgresConfig } from '../config/settings.js';
import { columnOfProperty, type ColumnSpec } from '../schema/columns.js';
import type { MergeMode } from '../load/batch.js';

type EmbeddingsConfig = NonNullable<TargetPostgresConfig['embeddings']>;
export type EmbeddingsTableConfig = EmbeddingsConfig['tables'][number];

/** The embeddings settings with every default applied and checked: what the enricher runs with. */
export interface EmbeddingsSettings {
  apiKey: string;
  model: string;
  dimensions: number;
  sendDimensions: boolean;
  baseUrl: string;
  encodingFormat: 'base64' | 'float';
  maxInputs: number;
  maxTokens: number;
  maxConcurrent: number;
  timeoutMs: number;
  maxRetries: number;
  chunkSize: number;
  chunkOverlap: number;
  columnType: 'vector' | 'real[]';
  index: 'hnsw' | 'ivfflat' | 'none';
  /** By stream name. */
  tables: Map<string, EmbeddingsTableConfig>;
}

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Columns of every embeddings table besides the stream's keys and metadata columns. */
export const CHUNK_COLUMNS = ['chunk_index', 'chunk', 'embedding', '_sdc_content_hash'] as const;

/**
 * Applies defaults and checks what can be checked before any SCHEMA: problems are returned
 * together, for one config error.
 */
export function resolveEmbeddings(config: EmbeddingsConfig, env: NodeJS.ProcessEnv): { settings: EmbeddingsSettings; problems: string[] } {
  const problems: string[] = [];
  const o = config.openai;
  const baseUrl = (o.base_url ?? OPENAI_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) problems.push(`embeddings.openai.base_url must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  let apiKey = o.api_key ?? env.OPENAI_API_KEY ?? '';
  if (apiKey === '') {
    // a local server (Ollama, vLLM, LM Studio) needs no key, but the client must send one
    if (baseUrl === OPENAI_BASE_URL) problems.push('embeddings.openai.api_key is not set (nor OPENAI_API_KEY): the OpenAI API needs a key');
    else apiKey = 'unused';
  }
  const chunkSize = config.text_splitter?.chunk_size ?? 1000;
  const chunkOverlap = config.text_splitter?.chunk_overlap ?? 100;
  if (chunkOverlap >= chunkSize) problems.push(`embeddings.text_splitter.chunk_overlap (${chunkOverlap}) must be below chunk_size (${chunkSize})`);
  const tables = new Map<string, EmbeddingsTableConfig>();
  const targets = new Set<string>();
  for (const t of config.tables) {
    if (tables.has(t.stream)) problems.push(`embeddings.tables names stream "${t.stream}" twice`);
    if (targets.has(t.target_table)) problems.push(`embeddings.tables uses target_table "${t.target_table}" twice`);
    tables.set(t.stream, t);
    targets.add(t.target_table);
  }
  const settings: EmbeddingsSettings = {
    apiKey,
    model: o.model,
    dimensions: o.dimensions,
    sendDimensions: o.send_dimensions ?? true,
    baseUrl,
    encodingFormat: o.encoding_format ?? 'base64',
    maxInputs: o.max_inputs_per_request ?? 256,
    maxTokens: o.max_tokens_per_request ?? 300_000,
    maxConcurrent: o.max_concurrent_requests ?? 4,
    timeoutMs: o.timeout_ms ?? 60_000,
    maxRetries: o.max_retries ?? 6,
    chunkSize,
    chunkOverlap,
    columnType: config.column_type ?? 'vector',
    index: config.index ?? 'hnsw',
    tables,
  };
  return { settings, problems };
}

/** What an embeddings table is made of, for one stream, from its synced table. */
export interface StreamEmbeddingShape {
  keyColumns: string[];
  embedColumns: string[];
  metadataColumns: string[];
}

/**
 * Checks one stream's embeddings table against its SCHEMA: keys, load method, the embed and
 * metadata columns. Returns the column names, or every problem (each naming stream and column).
 */
export function checkStreamEmbedding(
  spec: EmbeddingsTableConfig,
  stream: { keys: readonly string[]; merge: MergeMode; method: string; columns: readonly ColumnSpec[] },
): { shape?: StreamEmbeddingShape; problems: string[] } {
  const problems: string[] = [];
  const where = `embeddings for stream "${spec.stream}"`;
  if (stream.keys.length === 0) problems.push(`${where}: the stream has no key_properties, which embeddings need to tie chunks to rows; set stream_overrides.${spec.stream}.key_properties`);
  else if (stream.merge === 'append') problems.push(`${where}: load_method ${stream.method} is not supported (embeddings follow one current row per key: use upsert, overwrite or history)`);
  const lookup = (prop: string, what: string): string | undefined => {
    const col = columnOfProperty(stream.columns, prop);
    if (col === undefined) problems.push(`${where}: ${what} "${prop}" is not a property of the stream's schema (nested objects that flattening splits cannot be used)`);
    return col;
  };
  const keyColumns = stream.keys.map((k) => columnOfProperty(stream.columns, k) ?? k);
  const embedColumns = spec.embed_columns.map((c) => lookup(c, 'embed column'));
  const metadataColumns = (spec.metadata_columns ?? []).map((c) => lookup(c, 'metadata column'));
  for (const m of metadataColumns) {
    if (m === undefined) continue;
    if ((CHUNK_COLUMNS as readonly string[]).includes(m)) problems.push(`${where}: metadata column "${m}" has the name of one of the table's own columns (${CHUNK_COLUMNS.join(', ')})`);
    if (keyColumns.includes(m)) problems.push(`${where}: metadata column "${m}" is a key column, which the table holds already`);
  }
  if (problems.length) return { problems };
  return { shape: { keyColumns, embedColumns: embedColumns as string[], metadataColumns: [...new Set(metadataColumns as string[])] }, problems };
}

/** Identifies the vector space (model and dimensions): a stored vector is reusable only within it. */
export function vectorSpace(s: Pick<EmbeddingsSettings, 'model' | 'dimensions'>): string {
  return createHash('sha256').update(JSON.stringify([s.model, s.dimensions])).digest('hex').slice(0, 16);
}

/**
 * The content hash kept beside a row's chunks: `<vector space>:<sha-256 of splitter and text>`.
 * Equal hash: the stored chunks are still right. Same vector space: a stored chunk's vector
 * may serve an identical chunk of the row's new text.
 */
export function contentHash(text: string, s: Pick<EmbeddingsSettings, 'model' | 'dimensions' | 'chunkSize' | 'chunkOverlap'>): string {
  const digest = createHash('sha256').update(JSON.stringify([s.chunkSize, s.chunkOverlap])).update('\n').update(text).digest('hex');
  return `${vectorSpace(s)}:${digest}`;
}
