import { Batcher } from '../batch/batcher.js';
import type { ResolvedConfig } from '../config/settings.js';
import { InputError } from '../errors.js';
import type { LineItem } from '../input/line-stage.js';
import type { PipelineSource } from '../input/reader.js';
import type { LoadTarget, SyncRequest, SyncResult } from '../load/batch.js';
import type { Logger } from '../log.js';
import type { Message } from '../protocol/messages.js';
import { RunMetrics } from '../metrics.js';
import type { Enricher } from '../enrich/enricher.js';
import { StateWatermark } from '../state/watermark.js';
import { isoClock, sequenceBase } from '../stream/record-metadata.js';
import type { PipelineSpec, RecordPipeline } from '../stream/record-pipeline.js';
import { onActivateVersion } from './activate-version.js';
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
  onPipeline: ((spec: PipelineSpec) => void) | undefined;
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
  }

  /** The stream's current record pipeline (readers run lines through it). */
  get(stream: string): RecordPipeline | undefined {
    return this.streams.get(stream)?.pipeline;
  }

  /** Takes the next input item; returns a promise when reading must wait (schema change, memory bound). */
  readonly accept = (item: LineItem): void | Promise<void> => {
    if (this.batcher.lanes.fatal) throw this.batcher.lanes.fatal;
    if (item.kind === 'skip') {
      if (item.ignoredType !== undefined) this.log.debug({ line: item.line, type: item.ignoredType }, 'ignored message of unknown type');
      return;
    }
    return this.route(item, ++this.seq);
  };

  private route(item: Exclude<LineItem, { kind: 'skip' }>, seq: number): void | Promise<void> {
    switch (item.kind) {
      case 'row':
        return this.onRow(item, seq);
      case 'invalid':
        return reject(this, this.streams.get(item.message.stream)!, item, seq);
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
    sink.stats.records++;
    if (sink.overwrite) sink.overwrite.records++;
    if (!this.batcher.add(sink, item.row, seq, item.line, item.key, item.order)) this.counts.stale++;
    if (this.batcher.overMemory) return this.batcher.waitForSpace();
  }

  private again(item: Extract<LineItem, { kind: 'row' }>, seq: number): void | Promise<void> {
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
        throw new InputError('BATCH messages are not supported yet; configure the tap to send RECORD messages', { line, stream: message.stream });
    }
  }

  nextVersion(): number {
    return ++this.versions;
  }

  announce(sink: StreamSink): void {
    this.onPipeline?.(sink.pipeline.spec);
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
