import { Worker } from 'node:worker_threads';
import type { PipelineSource } from './reader.js';
import { Spares } from './spares.js';
import type { BlockResult, RecordsOf, ToWorker } from './worker-protocol.js';

/**
 * V8 heap limits of an encode worker. A small young generation keeps the workers' memory down
 * (and, as measured, their time too). The old generation limit is not there to be reached (a
 * worker keeps about 7 MB between blocks): V8 lets the old generation of a heap allowed 2 GB
 * or more grow to up to 4 times what survived the last full collection before it collects
 * again, and scales that factor down for smaller limits. With 1 GB a worker's heap peaked at
 * 21-22 MB instead of 33-35 MB (1M wide rows over 20 streams; 256 and 512 MB gave the same).
 */
export const WORKER_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 1024 } as const;

/**
 * Blocks at the workers at most (3 a worker up to 8): with more, more memory waits in buffers
 * and no worker gets busier (4 workers on 2 cores: 12 MB less peak RSS at the same speed).
 */
export const MAX_IN_FLIGHT = 8;

/** Size of the buffers a block travels in (its lines, its rows): a block is cut at 256 KiB plus at most one input chunk. */
export const BLOCK_BUFFER_BYTES = 512 * 1024;

/**
 * The encode workers of a run, shared by every reader of it (stdin and the files of BATCH
 * messages): each reader submits blocks and gets its results back by block number; every
 * worker learns each pipeline built from now on.
 */
export class EncodePool {
  readonly size: number;
  /** Buffers for blocks and their rows, reused (the readers of a run take turns). */
  readonly spares: Spares;
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, (r: BlockResult) => void>();
  private nextSeq = 0;
  /** Counts the pipelines sent to the workers: a block sent before the last of them may hold records its worker had no pipeline for. */
  generation = 0;
  private failed: ((e: Error) => void) | undefined;
  private crashed: Error | undefined;

  /** Starts the workers; `follow` then tells them the run's pipelines. */
  constructor(size: number) {
    this.size = size;
    this.spares = new Spares(BLOCK_BUFFER_BYTES, 2 * MAX_IN_FLIGHT);
    this.workers = Array.from({ length: size }, () => new Worker(new URL('./encode-worker.js', import.meta.url), { resourceLimits: WORKER_HEAP }));
    for (const w of this.workers) {
      w.on('message', (r: BlockResult) => {
        const done = this.waiting.get(r.seq);
        this.waiting.delete(r.seq);
        done?.(r);
      });
      w.on('error', (e) => {
        this.crashed ??= e;
        this.failed?.(e);
      });
    }
  }

  /** Every worker learns each pipeline `pipelines` builds from now on (before any block of its records is submitted). */
  follow(pipelines: PipelineSource): void {
    pipelines.onPipelines = (source, specs) => {
      this.generation++;
      const msg: ToWorker = { type: 'pipelines', source, specs };
      for (const w of this.workers) w.postMessage(msg);
    };
  }

  /** Where a worker's crash goes (the reader reading now); returns the handler before it, to restore. */
  onError(handler: ((e: Error) => void) | undefined): ((e: Error) => void) | undefined {
    const previous = this.failed;
    this.failed = handler;
    // a worker that crashed before anyone listened (the pool starts before the run reads)
    if (handler && this.crashed) handler(this.crashed);
    return previous;
  }

  /** Sends a block of whole lines (transferred, with a buffer for its rows) to a worker, round robin. */
  submit(firstLine: number, lines: number, data: Uint8Array, recordsOf: RecordsOf | undefined, done: (r: BlockResult) => void): void {
    const seq = this.nextSeq++;
    this.waiting.set(seq, done);
    const rows = this.spares.take();
    const msg: ToWorker = { type: 'block', seq, firstLine, lines, data, rows, ...(recordsOf ? { recordsOf } : {}) };
    this.workers[seq % this.size].postMessage(msg, [data.buffer as ArrayBuffer, rows]);
  }

  /** A block's result was handed on: nothing reads its lines or rows any more, their buffers are reused. */
  release(r: BlockResult): void {
    this.spares.give(r.data.buffer as ArrayBuffer);
    this.spares.give(r.rows.buffer as ArrayBuffer);
  }

  /** Forgets the blocks still at the workers (their reader stopped). */
  forget(): void {
    this.waiting.clear();
  }

  close(): void {
    this.waiting.clear();
    for (const w of this.workers) void w.terminate();
  }
}
