import type { ResolvedConfig } from '../config/settings.js';
import { InputError, type TargetError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Batch } from '../load/loader.js';
import { batchPrefix } from '../load/batch-prefix.js';
import type { SyncRequest, SyncResult } from '../load/table-sync.js';
import { toTargetError } from '../load/db-errors.js';
import { parseJsonLine } from '../protocol/exact-json.js';
import { streamNamedInText, toMessage, type RecordMessage, type SchemaMessage } from '../protocol/messages.js';
import type { TableName } from '../schema/names.js';
import type { RecordMeta, RowEncoder } from '../stream/row-encoder.js';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, deadLetterEncoder, deadLetterRow, deadLetterTable } from './dead-letter.js';
import { LoadQueue } from './load-queue.js';
import { buildDeadLetterSink, buildStreamSink, encoderSpecOf, type Sink, type StreamSink } from './sinks.js';
import { planStream, type StreamPlan } from './stream-plan.js';
import { StateWatermark } from './watermark.js';
import type { EncoderSpec } from './worker-protocol.js';

/** What the router needs from the database side (the Loader, or a test double). */
export interface LoadTarget {
  syncTable(request: SyncRequest): Promise<SyncResult>;
  load(batch: Batch): Promise<void>;
  activateVersion(stream: string, table: TableName, version: number, hard: boolean): Promise<number>;
  prepareOverwrite(stream: string, live: TableName): Promise<TableName>;
  completeOverwrite(stream: string, live: TableName, fresh: TableName): Promise<void>;
}

export interface RunCounts {
  records: number;
  batches: number;
  states: number;
  /** Records dropped because a newer record of the same key was already buffered. */
  stale: number;
  /** Rejected records skipped (on_invalid_record: skip). */
  skipped: number;
  /** Rejected records stored in _sdc_rejected_records (on_invalid_record: dead_letter). */
  deadLettered: number;
}

/**
 * Routes Singer messages to per-stream sinks, decides when to flush (rows, bytes, age, schema
 * change, end of input, memory bound) and writes each state once the records before it are
 * committed.
 */
export class Router {
  private streams = new Map<string, StreamSink>();
  private deadLetters = new Map<string, { sink: Sink; encode: RowEncoder }>();
  private watermark = new StateWatermark();
  private queue = new LoadQueue(() => this.releaseStates());
  private bufferedBytes = 0;
  private bufferedRows = 0;
  private readonly syncStartedAt = String(Date.now());
  private readonly sequenceBase = Date.now() * 1000;
  private nowIso = new Date().toISOString();
  private nowMs = 0;
  private ageTimer: NodeJS.Timeout | undefined;
  private versions = 0;
  /** Set by the worker pool: called with each stream's encoder spec when its sink is (re)built. */
  onEncoderSpec: ((spec: EncoderSpec | { stream: string; forget: true }) => void) | undefined;
  readonly counts: RunCounts = { records: 0, batches: 0, states: 0, stale: 0, skipped: 0, deadLettered: 0 };

  constructor(
    private readonly config: ResolvedConfig,
    private readonly target: LoadTarget,
    private readonly log: Logger,
    private readonly writeState: (text: string) => void,
  ) {
    this.ageTimer = setInterval(() => this.flushOld(), 1000);
    this.ageTimer.unref();
  }

  /** What encode workers need to fill the _sdc_sequence and _sdc_sync_started_at columns. */
  sequenceInfo(): { sequenceBase: number; syncStartedAt: string } {
    return { sequenceBase: this.sequenceBase, syncStartedAt: this.syncStartedAt };
  }

  /**
   * A record an encode worker turned into a row. It is taken as is when the worker used the
   * stream's current encoder and nothing else is due for the stream; otherwise the line is
   * handled from its text like any other.
   */
  handleEncoded(stream: string, version: number, line: number, row: Buffer, key: string | undefined, order: unknown, text: () => string): void | Promise<void> {
    if (this.queue.fatal) throw this.queue.fatal;
    const sink = this.streams.get(stream);
    if (!sink || sink.version !== version || (sink.plan.overwrite && !sink.overwrite)) return this.handleLine(text(), line);
    const now = Date.now();
    if (sink.buffer.size === 0) sink.batchedAt = this.nowIso;
    this.counts.records++;
    if (sink.overwrite) sink.overwrite.records++;
    if (!this.append(sink, row, line, key, now, order)) this.counts.stale++;
    if (this.bufferedBytes + this.queue.inflightBytes > this.config.max_buffered_bytes) return this.waitForSpace();
  }

  /** Handles one input line; returns a promise when reading must wait (schema change, memory bound). */
  handleLine(text: string, line: number): void | Promise<void> {
    if (this.queue.fatal) throw this.queue.fatal;
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (text.length === 0) return;
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
    const sink = this.streams.get(message.stream);
    if (!sink) {
      throw new InputError(`A record for stream "${message.stream}" was encountered before a corresponding schema`, { line, stream: message.stream });
    }
    if (sink.plan.overwrite && !sink.overwrite) {
      return this.startOverwrite(sink, line).then(() => this.onRecord(message, line, exact, mayHaveNul));
    }
    const now = Date.now();
    if (now !== this.nowMs) {
      this.nowMs = now;
      this.nowIso = new Date(now).toISOString();
    }
    const buffer = sink.buffer;
    if (buffer.size === 0) sink.batchedAt = this.nowIso;
    const meta: RecordMeta = {
      extractedAt: message.time_extracted,
      receivedAt: this.nowIso,
      batchedAt: sink.batchedAt,
      sequence: this.sequenceBase + line,
      tableVersion: message.version,
      syncStartedAt: this.syncStartedAt,
    };
    let encoded;
    try {
      encoded = sink.encoder.encode(message, line, meta, exact, mayHaveNul);
    } catch (e) {
      if (this.config.on_invalid_record === 'fail' || !(e instanceof InputError)) throw e;
      return this.reject(sink, message, line, e, meta, exact);
    }
    this.counts.records++;
    if (sink.overwrite) sink.overwrite.records++;
    if (!this.append(sink, encoded.row, line, encoded.key, now, sink.readOrder?.(message.record))) this.counts.stale++;
    if (this.bufferedBytes + this.queue.inflightBytes > this.config.max_buffered_bytes) return this.waitForSpace();
  }

  /**
   * Adds an encoded row (text, or UTF-8 bytes from an encode worker) to a sink and flushes the sink when it holds batch_size_rows rows or
   * batch_size_bytes bytes. (Flushing every stream whenever all of them together reached the
   * limit made 20 interleaved streams commit 20 times as often, and commits cost an fsync.)
   */
  private append(sink: Sink, row: string | Buffer, line: number, key: string | undefined, now: number, order?: unknown): boolean {
    const bytes = sink.buffer.bytes;
    const size = sink.buffer.size;
    const added = typeof row === 'string' ? sink.buffer.add(row, line, key, now, order) : sink.buffer.addBytes(row, line, key, now, order);
    this.bufferedBytes += sink.buffer.bytes - bytes;
    this.bufferedRows += sink.buffer.size - size;
    if (sink.buffer.size >= this.config.batch_size_rows || sink.buffer.bytes >= this.config.batch_size_bytes) this.flush(sink);
    return added;
  }

  private flushAll(): void {
    for (const sink of this.sinks()) this.flush(sink);
  }

  /** A record the target rejected, with on_invalid_record skip or dead_letter. */
  private reject(sink: StreamSink, message: RecordMessage, line: number, error: InputError, meta: RecordMeta, exact: boolean): void | Promise<void> {
    if (this.config.on_invalid_record === 'skip') {
      this.counts.skipped++;
      if (this.counts.skipped <= 100) this.log.warn({ stream: sink.name, line }, `skipped invalid record: ${error.message}`);
      return;
    }
    const add = (dl: { sink: Sink; encode: RowEncoder }) => {
      this.counts.deadLettered++;
      if (dl.sink.buffer.size === 0) dl.sink.batchedAt = this.nowIso;
      this.append(dl.sink, deadLetterRow(dl.encode, sink.name, line, error.message, message.record, meta, exact), line, undefined, Date.now());
    };
    const schema = sink.plan.table.schema;
    const existing = this.deadLetters.get(schema);
    if (existing) return add(existing);
    return (async () => {
      const table = deadLetterTable(schema);
      const sync = await this.sync({ stream: DEAD_LETTER_TABLE, table, columns: DEAD_LETTER_COLUMNS, primaryKey: [] });
      const dl = { sink: buildDeadLetterSink(table, this.nowIso), encode: deadLetterEncoder(sync.types) };
      this.deadLetters.set(schema, dl);
      add(dl);
    })();
  }

  private async sync(request: SyncRequest): Promise<SyncResult> {
    try {
      return await this.target.syncTable(request);
    } catch (e) {
      throw this.queue.fail(toTargetError(e, { stream: request.stream, table: `${request.table.schema}.${request.table.table}` }));
    }
  }

  private async onSchema(message: SchemaMessage, line: number): Promise<void> {
    const stream = message.stream;
    const schemaKey = JSON.stringify([message.schema, message.key_properties, message.bookmark_properties]);
    const existing = this.streams.get(stream);
    if (existing && existing.schemaKey === schemaKey) return;
    const plan = planStream(this.config, message, line);
    if (plan.notice && !existing) this.log.warn({ stream }, plan.notice);
    if (existing) {
      this.log.info({ stream, line }, 'Schema has changed for stream; draining its buffer before evolving the table');
      this.flush(existing);
      await existing.chain;
      if (this.queue.fatal) throw this.queue.fatal;
    }
    const table = existing?.overwrite ? existing.table : plan.table;
    const sink = await this.buildSink(plan, message, schemaKey, table, existing);
    this.streams.set(stream, sink);
    this.announce(sink);
  }

  /** Tells encode workers how to encode the stream's records now. */
  private announce(sink: StreamSink): void {
    this.onEncoderSpec?.(encoderSpecOf(sink, this.config));
  }

  /** Syncs the table with the plan and (re)builds the stream's sink. */
  private async buildSink(plan: StreamPlan, message: SchemaMessage, schemaKey: string, table: TableName, previous?: StreamSink): Promise<StreamSink> {
    const sync = await this.sync({
      stream: plan.stream,
      table,
      columns: plan.columns,
      primaryKey: plan.merge === 'upsert' ? plan.keys : [],
      extraColumns: plan.extraColumns,
      currentKey: plan.merge === 'history' ? plan.keys : undefined,
    });
    return buildStreamSink(this.config, plan, message, schemaKey, table, sync, ++this.versions, this.nowIso, previous);
  }

  /** overwrite: loads of this cycle go to a fresh table; states wait until it is swapped in. */
  private async startOverwrite(sink: StreamSink, line: number): Promise<void> {
    const live = sink.plan.table;
    let fresh: TableName;
    try {
      fresh = await this.target.prepareOverwrite(sink.name, live);
    } catch (e) {
      throw this.queue.fail(toTargetError(e, { stream: sink.name, table: `${live.schema}.${live.table}` }));
    }
    const next = await this.buildSink(sink.plan, sink.schema, sink.schemaKey, fresh, sink);
    next.overwrite = { live, hold: line, records: 0 };
    next.holds.push(line);
    this.streams.set(sink.name, next);
    this.announce(next);
  }

  /** Swaps a completed overwrite cycle in (after the stream's earlier batches). */
  private completeOverwrite(sink: StreamSink): void {
    const cycle = sink.overwrite;
    if (!cycle) return;
    this.flush(sink);
    const fresh = sink.table;
    const after = () => {
      sink.holds.splice(sink.holds.indexOf(cycle.hold), 1);
      this.releaseStates();
    };
    if (cycle.records === 0) {
      this.log.warn({ stream: sink.name }, 'overwrite: the stream sent no records in this cycle, so its table is kept as it was');
      sink.chain = sink.chain.then(after);
    } else {
      this.queue.enqueue(sink, cycle.hold, 0, undefined, async () => {
        await this.target.completeOverwrite(sink.name, cycle.live, fresh);
        after();
      });
    }
    // the next records start a new cycle with a fresh table
    sink.overwrite = undefined;
    sink.table = cycle.live;
  }

  /** ACTIVATE_VERSION: after the stream's earlier records, retire rows of older versions. */
  private onActivateVersion(stream: string, version: number, line: number): void {
    const sink = this.streams.get(stream);
    if (!this.config.activate_version) return;
    if (!sink) {
      this.log.warn({ stream, line, version }, 'ACTIVATE_VERSION for a stream without a SCHEMA yet: nothing to do');
      return;
    }
    if (sink.plan.overwrite) {
      if (sink.overwrite?.records) this.completeOverwrite(sink);
      return;
    }
    if (!sink.plan.metadata) {
      this.log.warn({ stream, line }, 'ACTIVATE_VERSION ignored: it needs add_record_metadata (the _sdc_table_version column)');
      return;
    }
    this.flush(sink);
    const hard = this.config.hard_delete;
    const table = sink.table;
    this.queue.enqueue(sink, line, 0, undefined, async () => {
      const n = await this.target.activateVersion(stream, table, version, hard);
      this.log.info({ stream, version, rows: n }, hard ? 'deleted rows of older table versions' : 'marked rows of older table versions deleted');
    });
  }

  /** Hands a sink's buffered rows to the loader; batches of one sink load in order. */
  private flush(sink: Sink): void {
    if (sink.buffer.size === 0) return;
    const taken = sink.buffer.take();
    this.bufferedBytes -= taken.bytes;
    this.bufferedRows -= taken.rowCount;
    const batch: Batch = {
      stream: sink.name,
      table: sink.table,
      columns: sink.copyColumns,
      ...sink.batchShape,
      chunks: taken.chunks,
      rowCount: taken.rowCount,
      lines: taken.lines,
    };
    this.counts.batches++;
    this.queue.enqueue(sink, taken.firstLine, taken.bytes, batch.lines, (entry) => this.loadBatch(batch, entry));
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

  private *sinks(): Iterable<Sink> {
    yield* this.streams.values();
    for (const dl of this.deadLetters.values()) yield dl.sink;
  }

  private flushOld(): void {
    const limit = Date.now() - this.config.max_record_age_seconds * 1000;
    for (const sink of this.sinks()) if (sink.buffer.size > 0 && sink.buffer.openedAt <= limit) this.flush(sink);
  }

  /** Backpressure: reading waits while buffered plus in-flight bytes pass max_buffered_bytes. */
  private async waitForSpace(): Promise<void> {
    const q = this.queue;
    while (!q.fatal && this.bufferedBytes + q.inflightBytes > this.config.max_buffered_bytes) {
      if (q.inflightBytes === 0) {
        if (this.bufferedRows === 0) return;
        this.flushAll();
      }
      await q.settled();
    }
    if (q.fatal) throw q.fatal;
  }

  private releaseStates(): void {
    let oldest = Infinity;
    for (const sink of this.sinks()) {
      const first = Math.min(LoadQueue.oldest(sink), sink.buffer.firstLine);
      if (first < oldest) oldest = first;
    }
    const text = this.watermark.release(oldest);
    if (text !== undefined) {
      this.counts.states++;
      this.writeState(text);
    }
  }

  /**
   * Flushes every buffer, completes overwrites, waits for every batch and writes the last safe
   * state. Called at end of input, on a signal, and after a bad line (everything valid before
   * it is committed). Throws the first load failure, if any.
   */
  async finish(options: { complete: boolean } = { complete: true }): Promise<void> {
    if (this.ageTimer) clearInterval(this.ageTimer);
    this.ageTimer = undefined;
    const fatal: TargetError | undefined = this.queue.fatal;
    const badLine = fatal instanceof InputError ? fatal.line : undefined;
    for (const sink of this.sinks()) {
      if (badLine !== undefined) {
        const bytes = sink.buffer.bytes;
        const size = sink.buffer.size;
        sink.buffer.dropFrom(badLine);
        this.bufferedBytes -= bytes - sink.buffer.bytes;
        this.bufferedRows -= size - sink.buffer.size;
      }
      this.flush(sink);
    }
    if (options.complete && !this.queue.fatal) for (const sink of this.streams.values()) this.completeOverwrite(sink);
    await Promise.all([...this.sinks()].map((s) => s.chain));
    this.releaseStates();
    if (this.queue.fatal) throw this.queue.fatal;
  }
}
