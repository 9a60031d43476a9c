import type { TableName } from '../schema/names.js';

/** One stream's (or dead-letter table's) line of database work, run strictly in order. */
export interface Lane {
  name: string;
  table: TableName;
  chain: Promise<void>;
  /** Work handed to the database and not yet committed, oldest first, by its first record sequence. */
  inflight: Array<{ firstSeq: number; bytes: number }>;
  /** Sequences whose states must wait for something else than a batch (an overwrite swap). */
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
export class LoadLanes {
  inflightBytes = 0;
  fatal: Error | undefined;
  private waiters: Array<() => void> = [];

  constructor(private readonly onCommitted: () => void) {}

  /**
   * Runs `work` after the lane's earlier work. Until it commits, states after `firstSeq` wait;
   * a failure stops the lane and the run.
   */
  enqueue(lane: Lane, firstSeq: number, bytes: number, work: (entry: { firstSeq: number }) => Promise<unknown>): void {
    const entry = { firstSeq, bytes };
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
        this.fail(e instanceof Error ? e : new Error(String(e)));
      })
      .finally(() => this.wake());
  }

  /** The sequence of the oldest uncommitted work of a lane (Infinity when none). */
  static oldest(lane: Lane): number {
    let oldest = lane.inflight.length ? lane.inflight[0].firstSeq : Infinity;
    for (const h of lane.holds) if (h < oldest) oldest = h;
    return oldest;
  }

  fail(error: Error): Error {
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
