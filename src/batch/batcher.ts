import { InputError } from '../errors.js';
import type { Batch, LoadCounts, LoadTarget } from '../load/batch.js';
import { batchBefore } from './batch-prefix.js';
import { isFull, isStale, overMemory, type FlushLimits } from './flush-policy.js';
import { LoadLanes, type Lane } from './load-lanes.js';
import { chunkPool } from './buffer-segment.js';
import type { StreamBuffer } from './stream-buffer.js';
import type { LineItem } from '../input/line-stage.js';

/** Where one stream's (or one dead-letter table's) rows wait for their flush. */
export interface Sink extends Lane {
  buffer: StreamBuffer;
  copyColumns: string[];
  batchShape: Pick<Batch, 'merge' | 'keyColumns' | 'orderColumn' | 'dataColumns' | 'hardDelete' | 'partition' | 'format' | 'types'>;
}

/**
 * Buffers rows per sink and hands full buffers to the database: flushes by the flush policy
 * (rows, bytes, age, memory), one ordered load lane per sink, lanes in parallel. Knows the
 * oldest uncommitted record sequence, for the state watermark.
 */
export class Batcher {
  readonly lanes: LoadLanes;
  batches = 0;
  /** Sequence of the record PostgreSQL rejected, if one was: nothing from it on may be committed. */
  rejectedAt: number | undefined;
  /** The BATCH file a row (by record sequence) came from, to name it when PostgreSQL rejects a value. */
  fileOfRow: ((seq: number) => string | undefined) | undefined;
  private readonly sinks = new Set<Sink>();
  /** Lanes of work that follows commits (embeddings): they hold their records like sinks do. */
  private readonly followers = new Set<Lane>();
  /** Chunk memory of the rows buffered (see StreamBuffer.capacity), and their count. */
  private bufferedBytes = 0;
  private bufferedRows = 0;
  private ageTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: FlushLimits,
    private readonly target: Pick<LoadTarget, 'load'>,
    onCommitted: () => void,
    /**
     * Told of every batch transaction: how long it took and, when it committed, what it did,
     * and the first record sequence it held (work queued now on a tracked lane keeps holding it).
     */
    private readonly onBatch: (batch: Batch, seconds: number, counts: LoadCounts | undefined, firstSeq: number) => void = () => undefined,
  ) {
    this.lanes = new LoadLanes(onCommitted);
    // free chunks kept for reuse stay within the memory bound's worth
    chunkPool.keepBytes = limits.maxBufferedBytes;
    this.ageTimer = setInterval(() => this.flushStale(Date.now()), 1000);
    this.ageTimer.unref();
  }

  /** Starts tracking a sink (a rebuilt sink stays the same object). */
  register(sink: Sink): void {
    this.sinks.add(sink);
  }

  /** Starts tracking a lane of work that follows commits: its uncommitted work holds states, drain waits for it. */
  track(lane: Lane): void {
    this.followers.add(lane);
  }

  /** Adds a row; flushes the sink when full. False when the row was dropped as older than its key's. */
  add(sink: Sink, row: string | Buffer, seq: number, line: number, key: string | undefined, order: unknown, csv = false): boolean {
    const buffer = sink.buffer;
    const capacity = buffer.capacity;
    const size = buffer.size;
    const added = buffer.add(row, seq, key, Date.now(), order, line, csv);
    this.added(sink, capacity, size);
    return added;
  }

  /** Adds a worker's run of rows (record sequences from `first`); flushes whenever the sink is full. Returns how many rows were dropped as older than their key's. */
  addRun(sink: Sink, run: Extract<LineItem, { kind: 'rowRun' }>, first: number): number {
    const buffer = sink.buffer;
    const now = Date.now();
    const spans = buffer.spans;
    // a row with no key or bookmark that is not a binary buffer's CSV row goes in with its neighbours
    const plain = (i: number) => spans && run.keys[i] === undefined && run.orders[i] === undefined && run.csv[i] !== 1;
    let stale = 0;
    for (let k = 0; k < run.count; ) {
      const i = run.index + k;
      const capacity = buffer.capacity;
      const size = buffer.size;
      const start = k === 0 ? run.start : run.ends[i - 1];
      if (plain(i)) {
        let to = i + 1;
        while (to < run.index + run.count && plain(to)) to++;
        k += buffer.addSpan(run.data, start, run.ends, i, to, first + k, run.firstLine + k, now, this.limits.batchRows, this.limits.batchBytes);
      } else {
        if (!buffer.addBytes(run.data, start, run.ends[i], first + k, run.keys[i], now, run.orders[i], run.firstLine + k, run.csv[i] === 1)) stale++;
        k++;
      }
      this.added(sink, capacity, size);
    }
    return stale;
  }

  /** After a row went into a sink's buffer (which held `capacity` bytes and `size` rows before): counts it, and flushes when the buffer is full. */
  private added(sink: Sink, capacity: number, size: number): void {
    const buffer = sink.buffer;
    this.bufferedBytes += buffer.capacity - capacity;
    this.bufferedRows += buffer.size - size;
    if (isFull(buffer, this.limits)) {
      if (this.limits.flushAll) for (const other of this.sinks) this.flush(other);
      else this.flush(sink);
    }
  }

  /** True when reading must wait for space (see waitForSpace): chunk memory buffered plus held by batches in flight. */
  get overMemory(): boolean {
    return overMemory(this.bufferedBytes, this.lanes.inflightBytes, this.limits);
  }

  /** Hands a sink's buffered rows to its load lane. */
  flush(sink: Sink): void {
    if (sink.buffer.size === 0) return;
    const taken = sink.buffer.take();
    this.bufferedBytes -= taken.held;
    this.bufferedRows -= taken.rowCount;
    const batch: Batch = {
      stream: sink.name,
      table: sink.table,
      columns: sink.copyColumns,
      ...sink.batchShape,
      chunks: taken.chunks,
      ...(taken.fallback ? { fallback: taken.fallback } : {}),
      rowCount: taken.rowCount,
      lines: taken.lines,
      seqs: taken.seqs,
    };
    this.batches++;
    this.lanes.enqueue(sink, taken.firstSeq, taken.held, (entry) => this.load(batch, entry).finally(() => this.done(batch)));
  }

  /**
   * A batch's load is over: its chunks are reused, unless work that follows commits may still
   * read them (embeddings read a committed batch's keys from its chunks, later, on their own
   * lanes); then they are left to the garbage collector.
   */
  private done(batch: Batch): void {
    if (this.followers.size !== 0) return;
    chunkPool.give(batch.chunks);
    if (batch.fallback) chunkPool.give(batch.fallback.chunks);
  }

  /** Runs other database work of a sink in its lane, after its earlier batches (states after `seq` wait for it). */
  enqueue(sink: Sink, seq: number, work: () => Promise<unknown>): void {
    this.lanes.enqueue(sink, seq, 0, work);
  }

  /**
   * Loads a batch. When PostgreSQL rejects a value, the rows before it are loaded on their own
   * so that everything valid before the bad record is committed, then the error stands.
   */
  private async load(batch: Batch, entry: { firstSeq: number }): Promise<void> {
    try {
      await this.timed(batch, entry.firstSeq);
    } catch (e) {
      const row = e instanceof InputError ? e.batchRow : undefined;
      if (row !== undefined && row >= 1 && row <= batch.seqs.length) {
        const file = this.fileOfRow?.(batch.seqs[row - 1]);
        if (file) {
          const err = e as InputError;
          e = new InputError(`BATCH file ${file} line ${batch.lines[row - 1]}: ${err.detail}`, { stream: err.stream, column: err.column }, { cause: err.cause, batchRow: row });
        }
        this.rejectedAt = Math.min(this.rejectedAt ?? Infinity, batch.seqs[row - 1]);
        const before = batchBefore(batch, batch.seqs[row - 1]);
        if (before.rowCount > 0) {
          await this.timed(before, entry.firstSeq);
          entry.firstSeq = batch.seqs[row - 1];
        }
      }
      throw e;
    }
  }

  private async timed(batch: Batch, firstSeq: number): Promise<void> {
    const started = performance.now();
    let counts: LoadCounts | undefined;
    try {
      counts = (await this.target.load(batch)) ?? { inserted: batch.rowCount, updated: 0, deleted: 0 };
    } finally {
      this.onBatch(batch, (performance.now() - started) / 1000, counts, firstSeq);
    }
  }

  private flushStale(now: number): void {
    for (const sink of this.sinks) if (isStale(sink.buffer, now, this.limits)) this.flush(sink);
  }

  /** Backpressure: waits while buffered plus in-flight bytes pass max_buffered_bytes. */
  async waitForSpace(): Promise<void> {
    const lanes = this.lanes;
    while (!lanes.fatal && this.overMemory) {
      if (lanes.inflightBytes === 0) {
        if (this.bufferedRows === 0) return;
        for (const sink of this.sinks) this.flush(sink);
      }
      await lanes.settled();
    }
    if (lanes.fatal) throw lanes.fatal;
  }

  /** The sequence of the oldest record not yet committed (Infinity when none). */
  oldestUncommitted(): number {
    let oldest = Infinity;
    for (const sink of this.sinks) {
      const first = Math.min(LoadLanes.oldest(sink), sink.buffer.firstSeq);
      if (first < oldest) oldest = first;
    }
    for (const lane of this.followers) {
      const first = LoadLanes.oldest(lane);
      if (first < oldest) oldest = first;
    }
    return oldest;
  }

  /**
   * Flushes every buffer (after a rejected record, without the rows from it on) and waits for
   * every lane; `between` runs after the flush, before the wait (overwrite swaps).
   */
  async drain(between?: () => void): Promise<void> {
    if (this.ageTimer) clearInterval(this.ageTimer);
    this.ageTimer = undefined;
    for (const sink of this.sinks) {
      if (this.rejectedAt !== undefined) {
        const capacity = sink.buffer.capacity;
        const size = sink.buffer.size;
        sink.buffer.dropFrom(this.rejectedAt);
        this.bufferedBytes -= capacity - sink.buffer.capacity;
        this.bufferedRows -= size - sink.buffer.size;
      }
      this.flush(sink);
    }
    between?.();
    await Promise.all([...this.sinks].map((s) => s.chain));
    // work that followed the last commits (queued while the sinks' lanes ran)
    await Promise.all([...this.followers].map((l) => l.chain));
  }
}
