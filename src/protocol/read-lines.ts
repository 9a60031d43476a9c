import type { Readable } from 'node:stream';
import split2 from 'split2';

export type LineHandler = (line: string, lineNumber: number) => void | Promise<void>;

export interface LineReader {
  /** Resolves at end of input (or after stop()); rejects with the first handler error. */
  done: Promise<void>;
  /** Stops reading: lines not yet handled are dropped and `done` resolves. */
  stop(): void;
  /** Lines handled so far. */
  readonly lineNumber: number;
}

/**
 * Feeds input lines (1-based numbers, blank lines counted) to a handler one at a time. A
 * handler that returns a promise pauses reading until it settles, which is how schema changes
 * and the memory bound push back on the input. The first error stops reading.
 */
export function readLines(input: Readable, handler: LineHandler, maxLineBytes = 1 << 30): LineReader {
  const lines = input.pipe(split2('\n', { maxLength: maxLineBytes }));
  const queue: string[] = [];
  let head = 0;
  let n = 0;
  let waiting = false;
  let ended = false;
  let settled = false;
  let resolveDone!: () => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });

  const close = () => {
    input.unpipe(lines);
    lines.destroy();
    if (input !== process.stdin) input.destroy();
    else input.pause();
  };
  const finish = (error?: unknown) => {
    if (settled) return;
    settled = true;
    close();
    if (error === undefined) resolveDone();
    else rejectDone(error);
  };

  const pump = () => {
    while (!settled && !waiting && head < queue.length) {
      const line = queue[head++];
      let result: void | Promise<void>;
      try {
        result = handler(line, ++n);
      } catch (e) {
        finish(e);
        return;
      }
      if (result) {
        waiting = true;
        lines.pause();
        result.then(
          () => {
            waiting = false;
            pump();
            if (!settled && !waiting) lines.resume();
          },
          (e: unknown) => finish(e),
        );
        return;
      }
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    if (ended && !waiting && head === queue.length) finish();
  };

  lines.on('data', (line: string) => {
    if (settled) return;
    if (waiting) {
      queue.push(line);
      return;
    }
    queue.push(line);
    pump();
  });
  lines.on('end', () => {
    ended = true;
    if (!waiting) pump();
  });
  lines.on('error', (e) => finish(e));
  input.on('error', (e) => finish(e));

  return {
    done,
    stop: () => finish(),
    get lineNumber() {
      return n;
    },
  };
}
