import { stringifyExact } from '../protocol/exact-json.js';

/**
 * STATE messages wait here until every record that came before them is committed.
 *
 * Each state is queued with its sequence number (every input item gets one, in input order).
 * `release(oldest)` is called with the sequence of the oldest record not yet committed
 * (Infinity when none): every state before it is now safe. Only the newest safe state is returned (older ones are covered by it), and a
 * state equal to the last one written or empty is not written again.
 */
export class StateWatermark {
  private queue: Array<{ seq: number; text: string }> = [];
  private lastWritten: string | undefined;

  offer(seq: number, value: unknown): void {
    if (value === undefined || value === null) return;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0) return;
    this.queue.push({ seq, text: stringifyExact(value) });
  }

  /** The state text to write now, if any. */
  release(oldestUncommitted: number): string | undefined {
    let i = 0;
    while (i < this.queue.length && this.queue[i].seq < oldestUncommitted) i++;
    if (i === 0) return undefined;
    const newest = this.queue[i - 1].text;
    this.queue.splice(0, i);
    if (newest === this.lastWritten) return undefined;
    this.lastWritten = newest;
    return newest;
  }

  get pending(): number {
    return this.queue.length;
  }
}
