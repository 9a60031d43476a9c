import { TargetError } from '../errors.js';
import { toTargetError } from '../load/db-errors.js';
import type { TableName } from '../schema/names.js';

/** One stream's (or dead-letter table's) line of database work, run strictly in order. */
export interface Lane {
  name: string;
  table: TableName;
  chain: Promise<void>;
  /** Work handed to the database and not yet committed, oldest first. */
  inflight: Array<{ firstLine: number; bytes: number }>;
  /** Lines whose states must wait for something else than a batch (an overwrite swap). */
  holds: number[];
  failed: boolean;
}

export function newLane(name: string, table: TableName): Lane {
  return { name, table, chain: Promise.resolve(), inflight: [], holds: [], failed: false };
}

/**
 * Orders database work per lane (lanes run in parallel, bounded by the connection pool), counts
 * the bytes in flight, keeps the first failure, and wakes waiters when work settles.
 */
export class LoadQueue {
  inflightBytes = 0;
  fatal: TargetError | undefined;
  private waiters: Array<() => void> = [];

  constructor(private readonly onCommitted: () => void) {}

  /**
   * Runs `work` after the lane's earlier work. Until it commits, states after `firstLine` wait;
   * a failure stops the lane and the run.
   */
  enqueue(lane: Lane, firstLine: number, bytes: number, lines: number[] | undefined, work: (entry: { firstLine: number }) => Promise<unknown>): void {
    const entry = { firstLine, bytes };
    lane.inflight.push(entry);
    this.inflightBytes += bytes;
    lane.chain = lane.chain
      .then(async () => {
        if (lane.failed) return;
        await work(entry);
        lane.inflight.shift();
        this.inflightBytes -= bytes;
        this.onCommitted();
      })
      .catch((e: unknown) => {
        lane.failed = true;
        this.fail(toTargetError(e, { stream: lane.name, table: `${lane.table.schema}.${lane.table.table}`, lines }));
      })
      .finally(() => this.wake());
  }

  /** The line of the oldest uncommitted work of a lane (Infinity when none). */
  static oldest(lane: Lane): number {
    let oldest = lane.inflight.length ? lane.inflight[0].firstLine : Infinity;
    for (const h of lane.holds) if (h < oldest) oldest = h;
    return oldest;
  }

  fail(error: TargetError): TargetError {
    this.fatal ??= error;
    this.wake();
    return this.fatal;
  }

  /** Resolves when some work settles (or the run failed). */
  settled(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
