import type { Batcher } from '../batch/batcher.js';
import { newLane, type Lane } from '../batch/load-lanes.js';
import { ConfigError } from '../errors.js';
import type { Batch } from '../load/batch.js';
import type { Logger } from '../log.js';
import type { ColumnSpec } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import {
  buildDeleteChunksSql,
  buildDeleteOrphanChunksSql,
  buildInsertChunksSql,
  buildReadRowsSql,
  buildReadStoredChunksSql,
  buildUpdateMetadataSql,
  embeddingType,
  NO_JIT_SQL,
  type KeyColumn,
  type SourceTable,
} from '../sql/embeddings.js';
import { readCsvFields } from './csv-fields.js';
import { HISTORY_COLUMNS } from '../load/strategies/index.js';
import { EmbeddingClient } from './embedding-client.js';
import { embedGroup, type EmbeddedGroup, type Replace } from './group-embedder.js';
import { checkStreamEmbedding, vectorSpace, type EmbeddingsSettings, type EmbeddingsTableConfig, type StreamEmbeddingShape } from './embeddings-config.js';
import { ensureEmbeddingsTable, ensureVectorExtension, type TransactionRunner } from './embeddings-table.js';
import { groupRows, planRow } from './row-plan.js';

/** One stream's embeddings table, as set up at SCHEMA time. */
interface StreamEmbedding {
  spec: EmbeddingsTableConfig;
  target: TableName;
  keys: KeyColumn[];
  /** Key properties, for error messages. */
  keyProperties: string[];
  embedColumns: string[];
  metadataColumns: string[];
  embedding: string;
  /** history: the column that marks each key's current row, the one embedded. */
  current?: string;
  /** Enrich jobs of the stream run here, in batch order; the watermark counts them as uncommitted. */
  lane: Lane;
}

/** What the checks need to know of a stream. */
type StreamShape = { name: string; keys: string[]; merge: Batch['merge']; method: string; columns: readonly ColumnSpec[] };

/** What the run summary says about embeddings. */
export interface EnrichCounts {
  /** Chunk texts sent to the API (each distinct text of a group once). */
  chunksEmbedded: number;
  /** Chunk rows written. */
  chunksWritten: number;
  apiCalls: number;
  retries: number;
  tokens: number;
  /** Chunks not sent again: their row's text was unchanged, or the chunk's text was (its stored vector kept). */
  inputsSkipped: number;
  rowsEmbedded: number;
  rowsUnchanged: number;
  rowsRemoved: number;
}

/** The history column that marks a key's current version. */
const HISTORY_CURRENT = HISTORY_COLUMNS.find((c) => c.name === '_sdc_is_current')!.name;

/** Keys read back per query. */
const READ_SLICE = 5000;


/**
 * Embeddings after commit (DESIGN.md enrich/): each committed batch of an embedded stream is
 * queued on the stream's enrich lane, which holds the batch's records in the state watermark
 * until its chunks are committed. A job reads the batch's rows back by key, skips rows whose
 * content hash is unchanged, embeds the new chunks and replaces each changed row's chunks in
 * one transaction; rows gone from the table lose theirs.
 */
export class Enricher {
  private readonly streams = new Map<string, StreamEmbedding>();
  private readonly client: EmbeddingClient;
  private batcher: Batcher | undefined;
  private vectorSchema: string | undefined;
  private readonly counts = { chunksEmbedded: 0, chunksWritten: 0, inputsSkipped: 0, rowsEmbedded: 0, rowsUnchanged: 0, rowsRemoved: 0 };

  constructor(
    private readonly s: EmbeddingsSettings,
    private readonly tx: TransactionRunner,
    private readonly log: Logger,
  ) {
    this.client = new EmbeddingClient(s, log);
  }

  attach(batcher: Batcher): void {
    this.batcher = batcher;
  }

  /** Configured streams, to warn about those that sent no SCHEMA. */
  get configuredStreams(): string[] {
    return [...this.s.tables.keys()];
  }

  get preparedStreams(): string[] {
    return [...this.streams.keys()];
  }

  /** SCHEMA time, before any table is touched: the stream's embeddings config against its schema, every problem in one config error (exit 64). */
  check(stream: StreamShape): void {
    this.shapeOf(stream);
  }

  private shapeOf(stream: StreamShape): { spec: EmbeddingsTableConfig; shape: StreamEmbeddingShape } | undefined {
    const spec = this.s.tables.get(stream.name);
    if (!spec) return undefined;
    const checked = checkStreamEmbedding(spec, stream);
    if (!checked.shape) throw new ConfigError(`invalid config: ${checked.problems.join('; ')}`);
    return { spec, shape: checked.shape };
  }

  /** SCHEMA time, once the stream's table is synced: creates the extension, table and index as needed. */
  async prepare(stream: Omit<StreamShape, 'columns'> & { table: TableName; columns: ReadonlyArray<ColumnSpec & { actualType: string }> }): Promise<void> {
    const found = this.shapeOf(stream);
    if (!found) return;
    const { spec } = found;
    const { keyColumns, embedColumns, metadataColumns } = found.shape;
    const typeOf = (name: string) => stream.columns.find((c) => c.name === name)!.actualType;
    if (this.s.columnType === 'vector') this.vectorSchema ??= await ensureVectorExtension(this.tx, stream.name);
    const target = { schema: stream.table.schema, table: spec.target_table };
    if (target.table === stream.table.table) throw new ConfigError(`invalid config: embeddings for stream "${stream.name}": target_table "${spec.target_table}" is the stream's own table; name another table`);
    const keys = keyColumns.map((name) => ({ name, pgType: typeOf(name) }));
    const metadata = metadataColumns.map((name) => ({ name, pgType: typeOf(name) }));
    await ensureEmbeddingsTable(this.tx, this.log, this.s, stream.name, target, keys, metadata, this.vectorSchema);
    const previous = this.streams.get(stream.name);
    const lane = previous?.lane ?? newLane(`${stream.name} embeddings`, target);
    if (!previous) this.batcher!.track(lane);
    this.streams.set(stream.name, {
      spec,
      target,
      keys,
      keyProperties: stream.keys,
      embedColumns,
      metadataColumns,
      embedding: embeddingType(this.s.columnType, this.s.dimensions, this.vectorSchema),
      current: stream.merge === 'history' ? HISTORY_CURRENT : undefined,
      lane,
    });
  }

  /** A batch of the stream committed: queue its embeddings; states after `firstSeq` wait for them. */
  afterBatch(batch: Batch, firstSeq: number): void {
    const se = this.streams.get(batch.stream);
    if (!se || batch.rowCount === 0) return;
    const bytes = batch.chunks.reduce((n, c) => n + c.length, 0);
    this.batcher!.lanes.enqueue(se.lane, firstSeq, bytes, () => this.embedBatch(se, batch));
  }

  /** Rows left the stream's table (ACTIVATE_VERSION, an overwrite swap): their chunks go, after the stream's earlier embeddings. */
  afterRowsRemoved(stream: string, source: TableName, seq: number): void {
    const se = this.streams.get(stream);
    if (!se) return;
    this.batcher!.lanes.enqueue(se.lane, seq, 0, async () => {
      const n = await this.tx('delete orphan chunks', { stream, table: label(se.target) }, async (c) => (await c.query(buildDeleteOrphanChunksSql({ ...source, current: se.current }, se.target, se.keys))).rowCount ?? 0);
      if (n) this.log.info({ stream, table: label(se.target), chunks: n }, 'deleted the chunks of rows no longer in the stream\'s table');
    });
  }

  /** Resolves when the stream's queued embeddings are done (before an overwrite renames the table they read). */
  idle(stream: string): Promise<void> {
    return this.streams.get(stream)?.lane.chain ?? Promise.resolve();
  }

  summary(): EnrichCounts {
    const api = this.client.counts;
    return { ...this.counts, apiCalls: api.apiCalls, retries: api.retries, tokens: api.tokens };
  }

  private async embedBatch(se: StreamEmbedding, batch: Batch): Promise<void> {
    const positions = se.keys.map((k) => batch.columns.indexOf(k.name));
    if (positions.some((p) => p < 0)) throw new Error(`internal: a key column of stream "${batch.stream}" is not among the batch's columns`);
    // a batch holds each key once, but for history, which keeps every version of a key
    const seen = new Set<string>();
    const keys = readCsvFields(batch.chunks, positions).filter((k) => {
      const id = k.length === 1 ? String(k[0]) : JSON.stringify(k);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const source = { ...batch.table, current: se.current };
    for (let at = 0; at < keys.length; at += READ_SLICE) await this.embedRows(se, source, keys.slice(at, at + READ_SLICE));
  }

  private async embedRows(se: StreamEmbedding, source: SourceTable, keys: Array<Array<string | null>>): Promise<void> {
    const ctx = { stream: se.spec.stream, table: label(se.target) };
    const keyArrays = se.keys.map((_, i) => keys.map((k) => k[i]));
    const read = await this.tx('read rows to embed', ctx, async (c) => {
      await c.query(NO_JIT_SQL);
      return c.query(buildReadRowsSql(source, se.target, se.keys, se.embedColumns), keyArrays);
    });
    const replace: Replace[] = [];
    const remove: Array<Array<string | null>> = [];
    for (const r of read.rows as Array<Record<string, unknown>>) {
      const key = keys[Number(r.ord) - 1];
      const action = planRow(
        { present: r.present === true, texts: se.embedColumns.map((_, i) => r[`e${i}`] as string | null), storedHash: (r.hash as string | null) ?? null, storedChunks: Number(r.chunks) },
        this.s,
      );
      if (action.kind === 'replace') replace.push({ ...action, key });
      else if (action.kind === 'delete') remove.push(key);
      else if (action.kind === 'unchanged') {
        this.counts.rowsUnchanged++;
        this.counts.inputsSkipped += action.chunks;
      }
    }
    const metadataSql = buildUpdateMetadataSql(source, se.target, se.keys, se.metadataColumns);
    if (remove.length || metadataSql) {
      await this.tx('update chunks', ctx, async (c) => {
        await c.query(NO_JIT_SQL);
        if (remove.length) await c.query(buildDeleteChunksSql(se.target, se.keys), se.keys.map((_, i) => remove.map((k) => k[i])));
        if (metadataSql) await c.query(metadataSql, keyArrays);
      });
      this.counts.rowsRemoved += remove.length;
    }
    // a group's chunks are written while the next group is embedded
    let writing: Promise<void> | undefined;
    for (const group of groupRows(replace, Math.max(this.s.maxInputs * this.s.maxConcurrent, 64))) {
      const embedded = await embedGroup(this.client, this.s, { stream: se.spec.stream, keyProperties: se.keyProperties }, group, await this.storedVectors(se, group));
      this.counts.inputsSkipped += embedded.reused;
      await writing;
      writing = this.writeGroup(se, source, group, embedded);
      writing.catch(() => undefined); // awaited below or at the next group; a failure before then is the run's first
    }
    await writing;
  }

  /** Replaces the group's rows' chunks in one transaction. */
  private async writeGroup(se: StreamEmbedding, source: SourceTable, rows: Replace[], embedded: EmbeddedGroup): Promise<void> {
    const cols: unknown[][] = [...se.keys.map(() => [] as unknown[]), [], [], [], []];
    const k = se.keys.length;
    for (const row of rows) {
      row.chunks.forEach((text, chunk) => {
        for (let i = 0; i < k; i++) cols[i].push(row.key[i]);
        cols[k].push(chunk);
        cols[k + 1].push(text);
        cols[k + 2].push(embedded.vectors.get(text)!);
        cols[k + 3].push(row.hash);
      });
    }
    await this.tx('write embeddings', { stream: se.spec.stream, table: label(se.target) }, async (c) => {
      await c.query(NO_JIT_SQL);
      await c.query(buildDeleteChunksSql(se.target, se.keys), se.keys.map((_, i) => rows.map((r) => r.key[i])));
      await c.query(buildInsertChunksSql(source, se.target, se.keys, se.metadataColumns, se.embedding), cols);
    });
    this.counts.rowsEmbedded += rows.length;
    this.counts.chunksEmbedded += embedded.sent;
    this.counts.chunksWritten += cols[k].length;
  }

  /** Vectors stored for the rows' current chunks, by chunk text, from this vector space. */
  private async storedVectors(se: StreamEmbedding, rows: Replace[]): Promise<Map<string, string>> {
    const known = new Map<string, string>();
    const changed = rows.filter((r) => r.stored > 0);
    if (changed.length === 0) return known;
    const params: unknown[] = [...se.keys.map((_, i) => changed.map((r) => r.key[i])), vectorSpace(this.s)];
    const stored = await this.tx('read stored chunks', { stream: se.spec.stream, table: label(se.target) }, async (c) => {
      await c.query(NO_JIT_SQL);
      return c.query<{ chunk: string; embedding: string }>(buildReadStoredChunksSql(se.target, se.keys), params);
    });
    for (const r of stored.rows) known.set(r.chunk, r.embedding);
    return known;
  }
}

function label(t: TableName): string {
  return `${t.schema}.${t.table}`;
}
