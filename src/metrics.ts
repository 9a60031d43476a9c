import type { LoadCounts } from './load/batch.js';
import type { Logger } from './log.js';

/** One stream's numbers for the run: the hot path only increments `records`. */
export interface StreamStats {
  records: number;
  /** Records not yet reported in a record_count METRIC. */
  reported: number;
  /** Rows inserted into the stream's table by committed batches. */
  inserted: number;
  /** Rows updated (upsert; closed versions for history). */
  updated: number;
  batches: number;
  failedBatches: number;
  /** Seconds spent in the stream's batch transactions. */
  batchSeconds: number;
  /** Rows deleted (hard_delete) or deleted / marked deleted by ACTIVATE_VERSION. */
  deleted: number;
}

/** A Singer SDK metric point, as the SDK writes it after `METRIC: `. */
export interface MetricPoint {
  type: 'counter' | 'timer';
  metric: string;
  value: number;
  tags: Record<string, string | number>;
}

/**
 * What a run tells while it runs: the Singer SDK's METRIC lines (record_count per stream every
 * `intervalMs` and at the end; batch_processing_time per batch), logged through the run's logger
 * so they are in the structured (JSON) log as `msg` "METRIC: {…}", and a summary at the end.
 */
export class RunMetrics {
  private readonly streams = new Map<string, StreamStats>();
  private timer: NodeJS.Timeout | undefined;
  private readonly started = performance.now();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
    private readonly pid = process.pid,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.reportCounts(), this.intervalMs);
    this.timer.unref();
  }

  /** The stats object of a stream (kept by its sink, so counting a record is one increment). */
  stream(name: string): StreamStats {
    let s = this.streams.get(name);
    if (!s) this.streams.set(name, (s = { records: 0, reported: 0, inserted: 0, updated: 0, batches: 0, failedBatches: 0, batchSeconds: 0, deleted: 0 }));
    return s;
  }

  /** A batch transaction ended (with what it did when it committed): a batch_processing_time timer point. */
  batch(stream: string, seconds: number, counts: LoadCounts | undefined): void {
    const s = this.stream(stream);
    s.batchSeconds += seconds;
    if (counts) {
      s.batches++;
      s.inserted += counts.inserted;
      s.updated += counts.updated;
      s.deleted += counts.deleted;
    } else s.failedBatches++;
    this.emit({ type: 'timer', metric: 'batch_processing_time', value: Math.round(seconds * 1e6) / 1e6, tags: { stream, pid: this.pid, status: counts ? 'succeeded' : 'failed' } });
  }

  /** record_count points for the records counted since the last report. */
  reportCounts(): void {
    for (const [stream, s] of this.streams) {
      const value = s.records - s.reported;
      if (value === 0) continue;
      s.reported = s.records;
      this.emit({ type: 'counter', metric: 'record_count', value, tags: { stream, pid: this.pid } });
    }
  }

  /** Ends the run: the last counts, then one summary (a table on a terminal, one structured line otherwise). */
  finish(tty: boolean): void {
    if (this.timer) clearInterval(this.timer);
    this.reportCounts();
    const seconds = (performance.now() - this.started) / 1000;
    const rows = summaryRows(this.streams, seconds);
    if (tty && rows.length) process.stderr.write(summaryTable(rows));
    else this.log.info({ streams: Object.fromEntries(rows.map(({ stream, ...rest }) => [stream, rest])), seconds: round(seconds) }, 'summary');
  }

  /** Streams with their records and rows so far, for progress displays. */
  snapshot(): Array<[string, StreamStats]> {
    return [...this.streams];
  }

  private emit(point: MetricPoint): void {
    this.log.info(`METRIC: ${JSON.stringify(point)}`);
  }
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface SummaryRow {
  stream: string;
  records: number;
  inserted: number;
  updated: number;
  deleted: number;
  batches: number;
  failed_batches: number;
  batch_seconds: number;
  rows_per_second: number;
}

/** Per-stream summary numbers (pure). */
export function summaryRows(streams: Map<string, StreamStats>, seconds: number): SummaryRow[] {
  return [...streams].map(([stream, s]) => ({
    stream,
    records: s.records,
    inserted: s.inserted,
    updated: s.updated,
    deleted: s.deleted,
    batches: s.batches,
    failed_batches: s.failedBatches,
    batch_seconds: round(s.batchSeconds),
    rows_per_second: seconds > 0 ? Math.round((s.inserted + s.updated + s.deleted) / seconds) : 0,
  }));
}

/** The summary as an aligned text table (for a terminal). */
export function summaryTable(rows: SummaryRow[]): string {
  const head = ['stream', 'records', 'inserted', 'updated', 'deleted', 'batches', 'failed', 'batch s', 'rows/s'];
  const body = rows.map((r) => [r.stream, r.records, r.inserted, r.updated, r.deleted, r.batches, r.failed_batches, r.batch_seconds, r.rows_per_second].map((v) => (typeof v === 'number' ? v.toLocaleString('en-US') : v)));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ''].join('\n');
}
