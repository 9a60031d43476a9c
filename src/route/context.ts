import type { Batcher } from '../batch/batcher.js';
import type { ResolvedConfig } from '../config/settings.js';
import type { LoadTarget, SyncRequest, SyncResult } from '../load/batch.js';
import type { Logger } from '../log.js';
import type { RunMetrics } from '../metrics.js';
import type { DeadLetters } from './dead-letter.js';
import type { Enricher } from '../enrich/enricher.js';
import type { RunInfo, StreamSink } from './sinks.js';

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

/** What the message handlers of route/ share: the router hands itself to them as this. */
export interface RouteContext {
  readonly config: ResolvedConfig;
  readonly target: LoadTarget;
  readonly log: Logger;
  readonly streams: Map<string, StreamSink>;
  /** Dead-letter sinks by target schema. */
  readonly deadLetters: Map<string, DeadLetters>;
  readonly batcher: Batcher;
  readonly counts: RunCounts;
  readonly run: RunInfo;
  readonly metrics: RunMetrics;
  /** Embeddings, when the config asks for them. */
  readonly enricher?: Enricher;
  /** The next pipeline version (every build of a stream's pipeline gets a new one). */
  nextVersion(): number;
  /** The (mapped) streams each input stream loads into; empty when stream maps drop it. */
  readonly outputs: Map<string, string[]>;
  /** An input stream's sinks were built or rebuilt: readers (and their workers) learn its pipelines. */
  announce(source: string): void;
  /** Table sync, its failure ending the run. */
  sync(request: SyncRequest): Promise<SyncResult>;
  /** Writes the states the committed records now allow. */
  releaseStates(): void;
  /** The current time as ISO text. */
  now(): string;
}
