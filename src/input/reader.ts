import type { Readable } from 'node:stream';
import type { LineItem, PipelineLookup } from './line-stage.js';
import type { PipelineSpec } from '../stream/record-pipeline.js';

/** Where a reader's items go, in input order; a promise makes reading wait (schema change, memory bound). */
export type ItemSink = (item: LineItem) => void | Promise<void>;

/** The record pipelines a reader runs lines through, and news of their changes (for workers). */
export interface PipelineSource extends PipelineLookup {
  /** Called with an input stream's pipeline specs whenever one of them is built or rebuilt from now on. */
  onPipelines: ((source: string, specs: PipelineSpec[]) => void) | undefined;
}

/** An input being read: serial or with encode workers, the same to its user. */
export interface InputReader {
  /** Resolves at end of input (or after stop()); rejects with the first error. */
  done: Promise<void>;
  /** Stops reading: lines not yet handled are dropped and `done` resolves. */
  stop(): void;
  /** Lines handled so far. */
  readonly lineNumber: number;
  /** With encode workers: the lines the main thread ran through the line stage itself (SCHEMA, STATE, whatever no worker made a row of). */
  readonly mainThreadLines: number | undefined;
}

/**
 * The end of reading an input, settled once: `finish()` stops listening, releases the input
 * (stdin is paused, a file closed), runs `cleanup`, and resolves `done` (or rejects it). An
 * input stream error finishes it; `reader()` is what a reader returns to its user.
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
  input.on('error', (e) => finish(e));
  const reader = (lineNumber: () => number, mainThreadLines?: () => number): InputReader => ({
    done,
    stop: () => finish(),
    get lineNumber() {
      return lineNumber();
    },
    get mainThreadLines() {
      return mainThreadLines?.();
    },
  });
  return { done, finish, isSettled: () => settled, reader };
}
