import { Batcher } from '../batch/batcher.js';
import type { ResolvedConfig } from '../config/settings.js';
import { InputError } from '../errors.js';
import type { LineItem, RowOf } from '../input/line-stage.js';
import type { PipelineSource } from '../input/reader.js';
import type { LoadTarget, SyncRequest, SyncResult } from '../load/batch.js';
import type { Logger } from '../log.js';
import type { Message } from '../protocol/messages.js';
import { RunMetrics } from '../metrics.js';
import type { Enricher } from '../enrich/enricher.js';
import { StateWatermark } from '../state/watermark.js';
import { isoClock, sequenceBase } from '../stream/record-metadata.js';
import type { PipelineSpec, RecordPipeline } from '../stream/record-pipeline.js';
import type { InputReader } from '../input/reader.js';
import { onActivateVersion } from './activate-version.js';
import { BatchFileRanges, onBatch, type RecordsReader } from './batch-files.js';
import type { RouteContext, RunCounts } from './context.js';
import { reject, type DeadLetters } from './dead-letter.js';
import { completeOverwrite, startOverwrite } from './overwrite-cycle.js';
import { onSchema } from './schema-change.js';
import type { RunInfo, StreamSink } from './sinks.js';

export type { RunCounts } from './context.js';

/**
 * The one entry for every input item, from either reader: numbers it (the record sequence),
 * dispatches it to its handler, and writes each state once the records before it are committed.
 * Rows go to their stream's sink; SCHEMA, ACTIVATE_VERSION, overwrite cycles and rejected
 * records have their own modules beside this one.
 */
export class Router implements RouteContext, PipelineSource {
  readonly streams = new Map<string, StreamSink>();
  readonly deadLetters = new Map<string, DeadLetters>();
  readonly batcher: Batcher;
  readonly counts: RunCounts = { records: 0, batches: 0, states: 0, stale: 0, skipped: 0, deadLettered: 0 };
  readonly run: RunInfo;
  readonly now = isoClock();
  onPipelines: ((source: string, specs: PipelineSpec[]) => void) | undefined;
  /** The (mapped) streams each input stream loads into, by input stream; empty when maps drop it. */
  readonly outputs = new Map<string, string[]>();
  private readonly pipelines = new Map<string, RecordPipeline[]>();
  /** Reads the files of BATCH messages (set by the run: the same reader kind as the input's). */
  openRecords: RecordsReader | undefined;
  batchReader: InputReader | undefined;
  readonly batchFiles = new BatchFileRanges();
  stopped = false;
  private readonly watermark = new StateWatermark();
  /** The sequence number of the last item taken. */
  private seq = 0;
  private versions = 0;

  constructor(
    readonly config: ResolvedConfig,
    readonly target: LoadTarget,
    readonly log: Logger,
    private readonly writeState: (text: string) => void,
    readonly metrics: RunMetrics = new RunMetrics(log),
    /** Embeddings of the streams the config names, after their batches commit. */
    readonly enricher?: Enricher,
  ) {
    const started = Date.now();
    this.run = { sequenceBase: sequenceBase(started), syncStartedAt: String(started) };
    const limits = {
      batchRows: config.batch_size_rows,
      batchBytes: config.batch_size_bytes,
      maxAgeMs: config.max_record_age_seconds * 1000,
      maxBufferedBytes: config.max_buffered_bytes,
      flushAll: config.flush_all_streams,
    };
    this.batcher = new Batcher(limits, target, () => this.releaseStates(), (batch, seconds, counts, firstSeq) => {
      metrics.batch(batch.stream, seconds, counts);
      if (counts) enricher?.afterBatch(batch, firstSeq);
    });
    enricher?.attach(this.batcher);
    this.batcher.fileOfRow = (seq) => this.batchFiles.fileOf(seq);
  }

  /** An input stream's current record pipelines (readers run lines through them). */
  get(stream: string): readonly RecordPipeline[] | undefined {
    return this.pipelines.get(stream);
  }

  /** Takes the next input item; returns a promise when reading must wait (schema change, memory bound). */
  readonly accept = (item: LineItem): void | Promise<void> => {
    if (this.batcher.lanes.fatal) throw this.batcher.lanes.fatal;
    if (item.kind === 'skip') {
      if (item.ignoredType !== undefined) this.log.debug({ line: item.line, type: item.ignoredType }, 'ignored message of unknown type');
      return;
    }
    if (item.kind === 'rowRun') {
      const first = this.seq + 1;
      this.seq += item.count;
      return this.onRowRun(item, first);
    }
    return this.route(item, ++this.seq);
  };

  /** A worker's run of rows of one stream: added at once, or row by row when the stream changed or starts an overwrite cycle. */
  private onRowRun(item: Extract<LineItem, { kind: 'rowRun' }>, first: number): void | Promise<void> {
    const sink = this.streams.get(item.stream);
    if (!sink || sink.pipeline.version !== item.version || (sink.plan.overwrite && !sink.overwrite)) return this.eachRow(item, first);
    this.counts.records += item.count;
    sink.stats.records += item.count;
    if (sink.overwrite) sink.overwrite.records += item.count;
    this.counts.stale += this.batcher.addRun(sink, item, first);
    if (this.batcher.overMemory) return this.batcher.waitForSpace();
  }

  private async eachRow(item: Extract<LineItem, { kind: 'rowRun' }>, first: number): Promise<void> {
    for (let k = 0; k < item.count; k++) {
      const i = item.index + k;
      const row = item.data.subarray(k === 0 ? item.start : item.ends[i - 1], item.ends[i]);
      const pending = this.route({ kind: 'row', line: item.firstLine + k, stream: item.stream, version: item.version, row, csv: item.csv[i] === 1, key: item.keys[i], order: item.orders[i], source: item.source, index: i }, first + k);
      if (pending) await pending;
    }
  }

  private route(item: Exclude<LineItem, { kind: 'skip' }>, seq: number): void | Promise<void> {
    switch (item.kind) {
      case 'row':
        return this.onRow(item, seq);
      case 'rows':
        return this.onRows(item, seq);
      case 'invalid':
        return reject(this, this.streams.get(item.stream)!, item, seq);
      case 'message':
        return this.onMessage(item.message, item.line, seq);
    }
  }

  private onRow(item: Extract<LineItem, { kind: 'row' }>, seq: number): void | Promise<void> {
    const sink = this.streams.get(item.stream);
    if (sink?.plan.overwrite && !sink.overwrite) return startOverwrite(this, sink, seq).then(() => this.again(item, seq));
    // encoded by a worker before the stream changed: run the line again with its current pipeline
    if (!sink || sink.pipeline.version !== item.version) return this.again(item, seq);
    this.counts.records++;
    this.addRow(sink, item, seq, item.line);
    if (this.batcher.overMemory) return this.batcher.waitForSpace();
  }

  /** One record mapped into several streams: one sequence number, a row in each stream. */
  private onRows(item: Extract<LineItem, { kind: 'rows' }>, seq: number): void | Promise<void> {
    for (const row of item.rows) {
      const sink = this.streams.get(row.stream);
      if (sink?.plan.overwrite && !sink.overwrite) return startOverwrite(this, sink, seq).then(() => this.again(item, seq));
      if (!sink || sink.pipeline.version !== row.version) return this.again(item, seq);
    }
    if (item.rows.length) this.counts.records++;
    for (const row of item.rows) this.addRow(this.streams.get(row.stream)!, row, seq, item.line);
    if (item.invalid) return this.rejectEach(item, item.invalid, seq);
    if (this.batcher.overMemory) return this.batcher.waitForSpace();
  }

  /** The streams of a split record whose maps rejected it: each is failed, skipped or dead-lettered. */
  private async rejectEach(item: Extract<LineItem, { kind: 'rows' }>, invalid: NonNullable<Extract<LineItem, { kind: 'rows' }>['invalid']>, seq: number): Promise<void> {
    for (const { stream, error } of invalid) {
      await reject(this, this.streams.get(stream)!, { kind: 'invalid', line: item.line, stream, message: item.message, exact: item.exact, error }, seq);
    }
    if (this.batcher.overMemory) await this.batcher.waitForSpace();
  }

  private addRow(sink: StreamSink, row: RowOf, seq: number, line: number): void {
    sink.stats.records++;
    if (sink.overwrite) sink.overwrite.records++;
    if (!this.batcher.add(sink, row.row, seq, line, row.key, row.order, row.csv === true)) this.counts.stale++;
  }

  private again(item: Extract<LineItem, { kind: 'row' | 'rows' }>, seq: number): void | Promise<void> {
    const next = item.source.again(item.index, item.line);
    return next.kind === 'skip' ? undefined : this.route(next, seq);
  }

  private onMessage(message: Message, line: number, seq: number): void | Promise<void> {
    switch (message.type) {
      case 'RECORD':
        throw new InputError(`A record for stream "${message.stream}" was encountered before a corresponding schema`, { line, stream: message.stream });
      case 'SCHEMA':
        return onSchema(this, message, line);
      case 'STATE':
        this.watermark.offer(seq, message.value);
        this.releaseStates();
        return;
      case 'ACTIVATE_VERSION':
        onActivateVersion(this, message.stream, message.version, line, seq);
        return;
      case 'BATCH':
        return onBatch(this, message, line);
    }
  }

  /** The sequence number the next item gets. */
  nextSeq(): number {
    return this.seq + 1;
  }

  oldestUncommitted(): number {
    return this.batcher.oldestUncommitted();
  }

  /** Stops reading (a signal): the BATCH file being read, and any further one. */
  stopReading(): void {
    this.stopped = true;
    this.batchReader?.stop();
  }

  nextVersion(): number {
    return ++this.versions;
  }

  announce(source: string): void {
    const list = (this.outputs.get(source) ?? []).map((name) => this.streams.get(name)!.pipeline);
    this.pipelines.set(source, list);
    this.onPipelines?.(source, list.map((p) => p.spec));
  }

  async sync(request: SyncRequest): Promise<SyncResult> {
    try {
      return await this.target.syncTable(request);
    } catch (e) {
      throw this.batcher.lanes.fail(e as Error);
    }
  }

  releaseStates(): void {
    const text = this.watermark.release(this.batcher.oldestUncommitted());
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
    await this.batcher.drain(() => {
      if (options.complete && !this.batcher.lanes.fatal) for (const sink of this.streams.values()) completeOverwrite(this, sink);
    });
    this.counts.batches = this.batcher.batches;
    this.releaseStates();
    if (this.batcher.lanes.fatal) throw this.batcher.lanes.fatal;
  }
}
