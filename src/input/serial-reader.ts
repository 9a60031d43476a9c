import type { Readable } from 'node:stream';
import type { InputError } from '../errors.js';
import { isoClock } from '../stream/record-metadata.js';
import { LineCutter, lineStarts, type LineBlock } from './line-cutter.js';
import { processLineAt, type LineSource, type PipelineLookup } from './line-stage.js';
import { inputEnd, type InputReader, type ItemSink } from './reader.js';
import type { RecordsOf } from './worker-protocol.js';

/**
 * Reads the input on the main thread: cuts lines, runs each through the line stage and hands
 * the item to the sink, one at a time. A sink that returns a promise pauses reading until it
 * settles: this is how schema changes and the memory bound push back on the input. The first
 * error stops reading.
 */
export function readSerial(input: Readable, accept: ItemSink, pipelines: PipelineLookup, maxLineBytes: number, recordsOf?: RecordsOf): InputReader {
  const cutter = new LineCutter(maxLineBytes);
  const clock = isoClock();
  let blocks: Array<{ block: LineBlock; starts: Int32Array; next: number; source: LineSource }> = [];
  let endError: InputError | undefined;
  let waiting = false;
  let ended = false;
  let handled = 0;
  const end = inputEnd(input, onData, () => {
    blocks = [];
  });
  const { finish } = end;

  const wait = (pending: Promise<void>) => {
    waiting = true;
    input.pause();
    pending.then(
      () => {
        waiting = false;
        pump();
        if (!end.isSettled() && !waiting) input.resume();
      },
      (e: unknown) => finish(e),
    );
  };

  const pump = () => {
    while (!end.isSettled() && !waiting && blocks.length) {
      const b = blocks[0];
      const { data, firstLine, lines } = b.block;
      while (b.next < lines) {
        const i = b.next++;
        handled = firstLine + i;
        let pending: void | Promise<void>;
        try {
          pending = accept(processLineAt(data, b.starts, i, handled, pipelines, clock(), b.source, i, recordsOf));
        } catch (e) {
          finish(e);
          return;
        }
        if (pending) return wait(pending);
      }
      blocks.shift();
    }
    if (end.isSettled() || waiting || blocks.length) return;
    if (endError) finish(endError);
    else if (ended) finish();
  };

  const take = (cut: { blocks: LineBlock[]; error?: InputError }) => {
    for (const block of cut.blocks) {
      const starts = lineStarts(block.data, block.lines);
      const source: LineSource = { again: (i, line) => processLineAt(block.data, starts, i, line, pipelines, clock(), source, i, recordsOf) };
      blocks.push({ block, starts, next: 0, source });
    }
    endError ??= cut.error;
  };

  function onData(chunk: Buffer | string): void {
    if (end.isSettled() || endError) return;
    take(cutter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    pump();
  }
  input.on('data', onData);
  input.on('end', () => {
    ended = true;
    if (!endError) take(cutter.end());
    pump();
  });
  return end.reader(() => handled);
}
