import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { streamNamedInText } from './messages.js';

export type LineHandler = (line: string, lineNumber: number) => void | Promise<void>;

export interface LineReader {
  /** Resolves at end of input (or after stop()); rejects with the first handler error. */
  done: Promise<void>;
  /** Stops reading: lines not yet handled are dropped and `done` resolves. */
  stop(): void;
  /** Lines handled so far. */
  readonly lineNumber: number;
}

/** The error for a line over max_line_bytes; `head` is its start (it may name the stream). */
export function lineTooLong(maxLineBytes: number, line: number, head: Buffer): InputError {
  const stream = streamNamedInText(head.toString('utf8', 0, Math.min(head.length, 4096)));
  return new InputError(`line is longer than ${maxLineBytes} bytes (max_line_bytes)`, { line, stream });
}

/**
 * The end of reading an input, settled once: `finish()` stops listening, releases the input
 * (stdin is paused, a file closed), runs `cleanup`, and resolves `done` (or rejects it).
 */
export function inputEnd(input: Readable, onData: (chunk: Buffer) => void, cleanup: () => void) {
  let settled = false;
  let resolveDone!: () => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  const finish = (error?: unknown) => {
    if (settled) return;
    settled = true;
    input.off('data', onData);
    if (input === process.stdin) input.pause();
    else input.destroy();
    cleanup();
    if (error === undefined) resolveDone();
    else rejectDone(error);
  };
  return { done, finish, isSettled: () => settled };
}

/**
 * Feeds input lines (1-based numbers, blank lines counted, CR left to the handler) to a handler
 * one at a time. A handler that returns a promise pauses reading until it settles: this is how
 * schema changes and the memory bound push back on the input. The first error stops reading.
 *
 * Lines are cut from the input Buffers directly (split2 re-joins and re-splits the whole pending
 * text for every chunk, which turns one very long line quadratic); a line longer than
 * `maxLineBytes` is an input error naming its number and stream.
 */
export function readLines(input: Readable, handler: LineHandler, maxLineBytes = 100 * 1024 * 1024): LineReader {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let chunk: Buffer | null = null;
  let pos = 0;
  let n = 0;
  let waiting = false;
  let ended = false;
  const end = inputEnd(input, onData, () => {
    chunk = null;
    parts = [];
  });
  const { done, finish } = end;

  const tooLong = (head: Buffer) => finish(lineTooLong(maxLineBytes, n + 1, parts[0] ?? head));

  /** Handles one line; returns false when reading must wait or has stopped. */
  const handle = (line: string): boolean => {
    let result: void | Promise<void>;
    try {
      result = handler(line, ++n);
    } catch (e) {
      finish(e);
      return false;
    }
    if (!result) return true;
    waiting = true;
    input.pause();
    result.then(
      () => {
        waiting = false;
        pump();
        if (!end.isSettled() && !waiting) input.resume();
      },
      (e: unknown) => finish(e),
    );
    return false;
  };

  const pump = () => {
    while (chunk !== null && !end.isSettled()) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) {
        if (pos < chunk.length) {
          parts.push(chunk.subarray(pos));
          partBytes += chunk.length - pos;
          if (partBytes > maxLineBytes) return tooLong(chunk);
        }
        chunk = null;
        break;
      }
      let line: string;
      if (parts.length) {
        if (partBytes + nl - pos > maxLineBytes) return tooLong(chunk);
        parts.push(chunk.subarray(pos, nl));
        line = Buffer.concat(parts).toString('utf8');
        parts = [];
        partBytes = 0;
      } else {
        if (nl - pos > maxLineBytes) return tooLong(chunk.subarray(pos));
        line = chunk.toString('utf8', pos, nl);
      }
      pos = nl + 1;
      if (!handle(line)) return;
    }
    if (ended && !waiting && !end.isSettled()) {
      if (parts.length) {
        const line = Buffer.concat(parts).toString('utf8');
        parts = [];
        partBytes = 0;
        if (!handle(line)) return;
      }
      finish();
    }
  };

  function onData(data: Buffer | string): void {
    chunk = typeof data === 'string' ? Buffer.from(data) : data;
    pos = 0;
    pump();
  };
  input.on('data', onData);
  input.on('end', () => {
    ended = true;
    if (!waiting) pump();
  });
  input.on('error', (e) => finish(e));

  return {
    done,
    stop: () => finish(),
    get lineNumber() {
      return n;
    },
  };
}
