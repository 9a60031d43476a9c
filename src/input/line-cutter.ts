import { isUtf8 } from 'node:buffer';
import { InputError } from '../errors.js';
import { streamNamedInText } from '../protocol/messages.js';

/** Whole input lines, cut from the input: `lines` lines (each ending in \n but maybe the last), numbered from `firstLine`. */
export interface LineBlock {
  data: Buffer;
  firstLine: number;
  lines: number;
}

/** What one input chunk completed: whole-line blocks in input order, then maybe the error that ends the input. */
export interface Cut {
  blocks: LineBlock[];
  error?: InputError;
}

/** The error for a line over max_line_bytes; `head` is its start (it may name the stream). */
export function lineTooLong(maxLineBytes: number, line: number, head: Buffer): InputError {
  const stream = streamNamedInText(head.toString('utf8', 0, Math.min(head.length, 4096)));
  return new InputError(`line is longer than ${maxLineBytes} bytes (max_line_bytes)`, { line, stream });
}

/**
 * The one line cutter: input chunks in, blocks of whole lines out, the open last line kept
 * (pure: no streams, no I/O). Lines are numbered from 1, blank lines included. The bulk of a
 * chunk is handed out as a view, not a copy; only a line that spans chunks is joined.
 *
 * Like pg-protocol's parser it keeps the partial tail itself, so a chunk may end anywhere; a
 * line longer than `maxLineBytes` ends the input with an error naming its number and stream,
 * after the lines before it.
 */
export class LineCutter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private nextLine = 1;
  private stopped = false;
  private started = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Lines cut so far. */
  get lines(): number {
    return this.nextLine - 1;
  }

  push(chunk: Buffer): Cut {
    const blocks: LineBlock[] = [];
    if (this.stopped || chunk.length === 0) return { blocks };
    if (!this.started) {
      // a UTF-8 byte-order mark before the first line is not part of it
      this.started = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      if (chunk.length === 0) return { blocks };
    }
    let start = 0;
    const first = chunk.indexOf(10);
    if (first === -1) return this.keep(chunk, blocks);
    if (this.parts.length) {
      // the open line ends in this chunk
      if (this.partBytes + first > this.maxLineBytes) return this.tooLong(blocks, this.parts[0]);
      this.parts.push(chunk.subarray(0, first + 1));
      blocks.push({ data: Buffer.concat(this.parts), firstLine: this.nextLine++, lines: 1 });
      this.parts = [];
      this.partBytes = 0;
      start = first + 1;
    }
    let lineStart = start;
    let count = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, nl + 1)) {
      if (nl - lineStart > this.maxLineBytes) {
        this.emit(blocks, chunk.subarray(start, lineStart), count);
        return this.tooLong(blocks, chunk.subarray(lineStart));
      }
      count++;
      lineStart = nl + 1;
    }
    this.emit(blocks, chunk.subarray(start, lineStart), count);
    return lineStart < chunk.length ? this.keep(chunk.subarray(lineStart), blocks) : { blocks };
  }

  /** The end of input: the last line, when it has no newline. */
  end(): Cut {
    if (this.stopped || this.parts.length === 0) return { blocks: [] };
    const data = Buffer.concat(this.parts);
    this.parts = [];
    this.partBytes = 0;
    return { blocks: [{ data, firstLine: this.nextLine++, lines: 1 }] };
  }

  private emit(blocks: LineBlock[], data: Buffer, lines: number): void {
    if (lines === 0) return;
    blocks.push({ data, firstLine: this.nextLine, lines });
    this.nextLine += lines;
  }

  /** Keeps the start of an open line (views of the chunks, joined when the line ends). */
  private keep(part: Buffer, blocks: LineBlock[]): Cut {
    this.parts.push(part);
    this.partBytes += part.length;
    if (this.partBytes > this.maxLineBytes) return this.tooLong(blocks, this.parts[0]);
    return { blocks };
  }

  private tooLong(blocks: LineBlock[], head: Buffer): Cut {
    this.stopped = true;
    this.parts = [];
    this.partBytes = 0;
    return { blocks, error: lineTooLong(this.maxLineBytes, this.nextLine, head) };
  }
}

/** Where each line of a block starts, and the block's end (lines + 1 offsets), in `into` when given. */
export function lineStarts(data: Uint8Array, lines: number, into?: Int32Array): Int32Array {
  const starts = into ?? new Int32Array(lines + 1);
  let pos = 0;
  for (let i = 0; i < lines; i++) {
    starts[i] = pos;
    const nl = data.indexOf(10, pos);
    pos = nl === -1 ? data.length : nl + 1;
  }
  starts[lines] = data.length;
  return starts;
}

/**
 * Line i of a block as text, without its newline (a CR is left for the parser). Bytes that are
 * not UTF-8 are an input error naming `line`: decoding would replace them with U+FFFD silently.
 */
export function lineText(data: Buffer, starts: Int32Array, i: number, line = 0): string {
  let end = starts[i + 1];
  if (end > starts[i] && data[end - 1] === 10) end--;
  const text = data.toString('utf8', starts[i], end);
  if (text.includes('\ufffd') && !isUtf8(data.subarray(starts[i], end))) {
    throw new InputError('the line is not valid UTF-8 (bytes that are no character would be replaced with U+FFFD); the tap must send UTF-8', { line, stream: streamNamedInText(text) });
  }
  return text;
}
