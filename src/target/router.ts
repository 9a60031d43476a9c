import type { ResolvedConfig } from '../config/settings.js';
import { InputError, TargetError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Batch } from '../load/loader.js';
import { batchPrefix } from '../load/batch-prefix.js';
import type { SyncResult } from '../load/table-sync.js';
import { toTargetError } from '../load/db-errors.js';
import { parseJsonLine } from '../protocol/exact-json.js';
import { streamNamedInText, toMessage, type RecordMessage, type SchemaMessage } from '../protocol/messages.js';
import { buildColumnPlan, type ColumnSpec } from '../schema/columns.js';
import { tableNameFor, type TableName } from '../schema/names.js';
import { StreamEncoder } from '../stream/stream-encoder.js';
import type { RecordMeta, RowEncoder } from '../stream/row-encoder.js';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, deadLetterEncoder, deadLetterRow, deadLetterTable } from './dead-letter.js';
import { StreamBuffer } from './stream-buffer.js';
import { StateWatermark } from './watermark.js';

/** What the router needs from the database side (the Loader, or a test double in unit tests). */
export interface LoadTarget {
  syncTable(stream: string, table: TableName, columns: ColumnSpec[], keyProperties: string[]): Promise<SyncResult>;
  load(batch: Batch): Promise<void>;
  activateVersion(stream: string, table: TableName, version: number, hard: boolean): Promise<number>;
}

interface StreamContext {
  name: string;
  schemaKey: string;
  table: TableName;
  /** The table has _sdc_table_version and _sdc_deleted_at (metadata on). */
  hasMetadata: boolean;
  /** Undefined for dead-letter sinks, which take rows from reject(). */
  encoder?: StreamEncoder;
  copyColumns: string[];
  keyColumns: string[];
  buffer: StreamBuffer;
  batchedAt: string;
  chain: Promise<void>;
  /** Batches handed to the loader and not yet committed, oldest first. */
  inflight: Array<{ firstLine: number; bytes: number }>;
  failed: boolean;
}

export interface RunCounts {
  records: number;
  batches: number;
  states: number;
  /** Rejected records skipped (on_invalid_record: skip). */
  skipped: number;
  /** Rejected records stored in _sdc_rejected_records (on_invalid_record: dead_letter). */
  deadLettered: number;
}

/**
 * Routes Singer messages to per-stream buffers, decides when to flush (rows, bytes, age,
 * schema change, end of input, memory bound) and writes each state once the records before it
 * are committed.
 */
export class Router {
  private streams = new Map<string, StreamContext>();
  private watermark = new StateWatermark();
  private bufferedBytes = 0;
  private inflightBytes = 0;
  private fatal: TargetError | undefined;
  private waiters: Array<() => void> = [];
  private readonly syncStartedAt = Date.now();
  private readonly sequenceBase = Date.now() * 1000;
  private nowIso = new Date().toISOString();
  private nowMs = 0;
  private ageTimer: NodeJS.Timeout | undefined;
  private deadLetters = new Map<string, { ctx: StreamContext; encode: RowEncoder }>();
  readonly counts: RunCounts = { records: 0, batches: 0, states: 0, skipped: 0, deadLettered: 0 };

  constructor(
    private readonly config: ResolvedConfig,
    private readonly target: LoadTarget,
    private readonly log: Logger,
    private readonly writeState: (text: string) => void,
  ) {
    this.ageTimer = setInterval(() => this.flushOld(), 1000);
    this.ageTimer.unref();
  }

  /** Handles one input line; returns a promise when reading must wait (schema change, memory bound). */
  handleLine(text: string, line: number): void | Promise<void> {
    if (this.fatal) throw this.fatal;
    if (text.length === 0 || (text.charCodeAt(text.length - 1) === 13 && text.trim() === '')) return;
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    let parsed;
    try {
      parsed = parseJsonLine(text);
    } catch (e) {
      if (text.trim() === '') return;
      throw new InputError(`not valid JSON (${(e as Error).message})`, { line, stream: streamNamedInText(text) });
    }
    const message = toMessage(parsed.value, line);
    if (message === null) {
      this.log.debug({ line, type: (parsed.value as { type?: unknown }).type }, 'ignored message of unknown type');
      return;
    }
    switch (message.type) {
      case 'RECORD':
        return this.onRecord(message, line, parsed.exact, text.includes('\\u0000'));
      case 'SCHEMA':
        return this.onSchema(message, line);
      case 'STATE':
        this.watermark.offer(line, message.value);
        this.releaseStates();
        return;
      case 'ACTIVATE_VERSION':
        this.onActivateVersion(message.stream, message.version, line);
        return;
      case 'BATCH':
        throw new InputError('BATCH messages are not supported yet; configure the tap to send RECORD messages', { line, stream: message.stream });
    }
  }

  private onRecord(message: RecordMessage, line: number, exact: boolean, mayHaveNul: boolean): void | Promise<void> {
    const ctx = this.streams.get(message.stream);
    if (!ctx) {
      throw new InputError(`A record for stream "${message.stream}" was encountered before a corresponding schema`, { line, stream: message.stream });
    }
    const now = Date.now();
    if (now !== this.nowMs) {
      this.nowMs = now;
      this.nowIso = new Date(now).toISOString();
    }
    const buffer = ctx.buffer;
    if (buffer.size === 0) ctx.batchedAt = this.nowIso;
    const meta: RecordMeta = {
      extractedAt: message.time_extracted,
      receivedAt: this.nowIso,
      batchedAt: ctx.batchedAt,
      sequence: this.sequenceBase + line,
      tableVersion: message.version,
      syncStartedAt: this.syncStartedAt,
    };
    let encoded;
    try {
      encoded = ctx.encoder!.encode(message, line, meta, exact, mayHaveNul);
    } catch (e) {
      if (this.config.on_invalid_record === 'fail' || !(e instanceof InputError)) throw e;
      return this.reject(ctx, message, line, e, meta, exact);
    }
    const { row, key } = encoded;
    const before = buffer.bytes;
    buffer.add(row, line, key, now);
    this.bufferedBytes += buffer.bytes - before;
    this.counts.records++;
    if (buffer.size >= this.config.batch_size_rows || buffer.bytes >= this.config.batch_size_bytes) this.flush(ctx);
    if (this.bufferedBytes + this.inflightBytes > this.config.max_buffered_bytes) return this.waitForSpace();
  }

  /** A record the target rejected, with on_invalid_record skip or dead_letter. */
  private reject(ctx: StreamContext, message: RecordMessage, line: number, error: InputError, meta: RecordMeta, exact: boolean): void | Promise<void> {
    if (this.config.on_invalid_record === 'skip') {
      this.counts.skipped++;
      if (this.counts.skipped <= 100) this.log.warn({ stream: ctx.name, line }, `skipped invalid record: ${error.message}`);
      return;
    }
    const schema = ctx.table.schema;
    const add = (sink: { ctx: StreamContext; encode: RowEncoder }) => {
      const row = deadLetterRow(sink.encode, ctx.name, line, error.message, message.record, meta, exact);
      const before = sink.ctx.buffer.bytes;
      if (sink.ctx.buffer.size === 0) sink.ctx.batchedAt = this.nowIso;
      sink.ctx.buffer.add(row, line, undefined, Date.now());
      this.bufferedBytes += sink.ctx.buffer.bytes - before;
      this.counts.deadLettered++;
      if (sink.ctx.buffer.size >= this.config.batch_size_rows) this.flush(sink.ctx);
    };
    const existing = this.deadLetters.get(schema);
    if (existing) return add(existing);
    return (async () => {
      const table = deadLetterTable(schema);
      let sync: SyncResult;
      try {
        sync = await this.target.syncTable(DEAD_LETTER_TABLE, table, DEAD_LETTER_COLUMNS, []);
      } catch (e) {
        throw this.setFatal(toTargetError(e, { stream: ctx.name, table: `${schema}.${DEAD_LETTER_TABLE}` }));
      }
      const sink = {
        ctx: this.newContext(`${DEAD_LETTER_TABLE} (${schema})`, '', table, false, undefined, DEAD_LETTER_COLUMNS.map((c) => c.name), []),
        encode: deadLetterEncoder(sync.types),
      };
      this.deadLetters.set(schema, sink);
      add(sink);
    })();
  }

  private newContext(name: string, schemaKey: string, table: TableName, hasMetadata: boolean, encoder: StreamEncoder | undefined, copyColumns: string[], keyColumns: string[], previous?: StreamContext): StreamContext {
    return {
      name,
      schemaKey,
      table,
      hasMetadata,
      encoder,
      copyColumns,
      keyColumns,
      buffer: previous?.buffer ?? new StreamBuffer(),
      batchedAt: this.nowIso,
      chain: previous?.chain ?? Promise.resolve(),
      inflight: previous?.inflight ?? [],
      failed: false,
    };
  }

  private *contexts(): Iterable<StreamContext> {
    yield* this.streams.values();
    for (const sink of this.deadLetters.values()) yield sink.ctx;
  }

  private async onSchema(message: SchemaMessage, line: number): Promise<void> {
    const stream = message.stream;
    const schemaKey = JSON.stringify([message.schema, message.key_properties]);
    const existing = this.streams.get(stream);
    if (existing && existing.schemaKey === schemaKey) return;
    const keys = message.key_properties;
    const cfg = this.config;
    if (cfg.primary_key_required && keys.length === 0) {
      throw new InputError('the stream has no key_properties and primary_key_required is set', { line, stream });
    }
    for (const k of keys) {
      if (!message.schema.properties || !(k in message.schema.properties)) {
        throw new InputError(`key property "${k}" is not among the schema's properties`, { line, stream });
      }
    }
    if (existing) {
      this.log.info({ stream, line }, 'Schema has changed for stream; draining its buffer before evolving the table');
      this.flush(existing);
      await existing.chain;
      if (this.fatal) throw this.fatal;
    }
    const metadata = cfg.add_record_metadata || cfg.hard_delete;
    const plan = buildColumnPlan(message.schema, keys, {
      flatten: cfg.flattening_enabled,
      maxDepth: cfg.flattening_max_depth,
      metadata,
      nameStyle: cfg.name_style,
      interpretContentEncoding: cfg.interpret_content_encoding,
    });
    const upsert = keys.length > 0 && cfg.load_method !== 'append-only';
    const table = tableNameFor(stream, { defaultSchema: cfg.default_target_schema, prefix: cfg.table_prefix, style: cfg.name_style });
    let sync: SyncResult;
    try {
      sync = await this.target.syncTable(stream, table, plan.columns, upsert ? keys : []);
    } catch (e) {
      throw this.setFatal(toTargetError(e, { stream, table: `${table.schema}.${table.table}` }));
    }
    const columns = sync.columns.map((c) => ({ ...c, actualType: sync.types.get(c.name) ?? c.pgType }));
    const keyColumns = keys.map((k) => columns.find((c) => c.path.length === 1 && c.path[0] === k)!.name);
    const encoder = new StreamEncoder(stream, message.schema, keys, columns, {
      validate: cfg.validate_records,
      sanitizeNul: cfg.sanitize_null_text_characters,
    });
    this.streams.set(
      stream,
      this.newContext(stream, schemaKey, table, metadata, encoder, columns.map((c) => c.name), upsert ? keyColumns : [], existing),
    );
  }

  /** Hands a stream's buffered rows to the loader; batches of one stream load in order. */
  private flush(ctx: StreamContext): void {
    if (ctx.buffer.size === 0) return;
    const taken = ctx.buffer.take();
    this.bufferedBytes -= taken.bytes;
    const batch: Batch = {
      stream: ctx.name,
      table: ctx.table,
      columns: ctx.copyColumns,
      keyColumns: ctx.keyColumns,
      sequenceColumn: ctx.hasMetadata ? '_sdc_sequence' : undefined,
      hardDelete: this.config.hard_delete && ctx.keyColumns.length > 0,
      chunks: taken.chunks,
      rowCount: taken.rowCount,
      lines: taken.lines,
    };
    this.counts.batches++;
    this.enqueue(ctx, taken.firstLine, taken.bytes, batch.lines, (entry) => this.loadBatch(batch, entry));
  }

  /**
   * Loads a batch. When PostgreSQL rejects a value, the rows before it are loaded on their own
   * so that everything valid before the bad line is committed, then the error stands.
   */
  private async loadBatch(batch: Batch, entry: { firstLine: number }): Promise<void> {
    try {
      await this.target.load(batch);
    } catch (e) {
      const row = e instanceof InputError ? e.batchRow : undefined;
      if (row !== undefined && row > 1 && row <= batch.lines.length) {
        await this.target.load(batchPrefix(batch, row - 1));
        entry.firstLine = batch.lines[row - 1];
        this.releaseStates();
      }
      throw e;
    }
  }

  /**
   * Runs database work for a stream after its earlier work (per-stream order). Until it
   * commits, states after `firstLine` wait; a failure stops the stream and the run.
   */
  private enqueue(ctx: StreamContext, firstLine: number, bytes: number, lines: number[] | undefined, work: (entry: { firstLine: number }) => Promise<unknown>): void {
    const entry = { firstLine, bytes };
    ctx.inflight.push(entry);
    this.inflightBytes += bytes;
    ctx.chain = ctx.chain
      .then(async () => {
        if (ctx.failed) return;
        await work(entry);
        ctx.inflight.shift();
        this.inflightBytes -= bytes;
        this.releaseStates();
      })
      .catch((e: unknown) => {
        ctx.failed = true;
        this.setFatal(toTargetError(e, { stream: ctx.name, table: `${ctx.table.schema}.${ctx.table.table}`, lines }));
      })
      .finally(() => this.wake());
  }

  /** ACTIVATE_VERSION: after the stream's earlier records, retire rows of older versions. */
  private onActivateVersion(stream: string, version: number, line: number): void {
    const ctx = this.streams.get(stream);
    if (!this.config.activate_version) return;
    if (!ctx) {
      this.log.warn({ stream, line, version }, 'ACTIVATE_VERSION for a stream without a SCHEMA yet: nothing to do');
      return;
    }
    if (!ctx.hasMetadata) {
      this.log.warn({ stream, line }, 'ACTIVATE_VERSION ignored: it needs add_record_metadata (the _sdc_table_version column)');
      return;
    }
    this.flush(ctx);
    const hard = this.config.hard_delete;
    this.enqueue(ctx, line, 0, undefined, async () => {
      const n = await this.target.activateVersion(stream, ctx.table, version, hard);
      this.log.info({ stream, version, rows: n }, hard ? 'deleted rows of older table versions' : 'marked rows of older table versions deleted');
    });
  }

  private flushOld(): void {
    const limit = Date.now() - this.config.max_record_age_seconds * 1000;
    for (const ctx of this.contexts()) if (ctx.buffer.size > 0 && ctx.buffer.openedAt <= limit) this.flush(ctx);
  }

  private async waitForSpace(): Promise<void> {
    while (!this.fatal && this.bufferedBytes + this.inflightBytes > this.config.max_buffered_bytes) {
      if (this.inflightBytes === 0) {
        let largest: StreamContext | undefined;
        for (const ctx of this.contexts()) if (!largest || ctx.buffer.bytes > largest.buffer.bytes) largest = ctx;
        if (!largest || largest.buffer.size === 0) return;
        this.flush(largest);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.fatal) throw this.fatal;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  private setFatal(error: TargetError): TargetError {
    this.fatal ??= error;
    this.wake();
    return this.fatal;
  }

  private releaseStates(): void {
    let oldest = Infinity;
    for (const ctx of this.contexts()) {
      const first = ctx.inflight.length ? ctx.inflight[0].firstLine : Infinity;
      if (first < oldest) oldest = first;
      if (ctx.buffer.firstLine < oldest) oldest = ctx.buffer.firstLine;
    }
    const text = this.watermark.release(oldest);
    if (text !== undefined) {
      this.counts.states++;
      this.writeState(text);
    }
  }

  /**
   * Flushes every buffer, waits for every batch and writes the last safe state. Called at end
   * of input, on a signal, and after a bad line (everything valid before it is committed).
   * Throws the first load failure, if any.
   */
  async finish(): Promise<void> {
    if (this.ageTimer) clearInterval(this.ageTimer);
    this.ageTimer = undefined;
    const badLine = this.fatal instanceof InputError ? this.fatal.line : undefined;
    for (const ctx of this.contexts()) {
      if (badLine !== undefined) {
        const before = ctx.buffer.bytes;
        ctx.buffer.dropFrom(badLine);
        this.bufferedBytes -= before - ctx.buffer.bytes;
      }
      this.flush(ctx);
    }
    await Promise.all([...this.contexts()].map((c) => c.chain));
    this.releaseStates();
    if (this.fatal) throw this.fatal;
  }
}
