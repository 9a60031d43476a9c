import { describe, expect, it } from 'vitest';
import { LineCutter, lineStarts, lineText, type Cut } from '../../src/input/line-cutter.js';

/** Every line the cutter gives for the chunks, as [number, text], and the error it ends with. */
function cutAll(chunks: Buffer[], max = 1024): { lines: Array<[number, string]>; error?: string } {
  const cutter = new LineCutter(max);
  const lines: Array<[number, string]> = [];
  let error: string | undefined;
  const take = (cut: Cut) => {
    for (const b of cut.blocks) {
      const starts = lineStarts(b.data, b.lines);
      for (let i = 0; i < b.lines; i++) lines.push([b.firstLine + i, lineText(b.data, starts, i)]);
    }
    if (cut.error) error = cut.error.message;
  };
  for (const c of chunks) if (error === undefined) take(cutter.push(c));
  if (error === undefined) take(cutter.end());
  return { lines, error };
}

const numbered = (texts: string[]): Array<[number, string]> => texts.map((t, i) => [i + 1, t]);

describe('LineCutter', () => {
  const input = 'first\n\n{"a":"é€𝄞"}\r\nlast line without newline';
  const expected = numbered(['first', '', '{"a":"é€𝄞"}\r', 'last line without newline']);

  it('gives the same lines however the input is split (at every offset, and in two places)', () => {
    const bytes = Buffer.from(input);
    expect(cutAll([bytes]).lines).toEqual(expected);
    for (let i = 0; i <= bytes.length; i++) {
      expect(cutAll([bytes.subarray(0, i), bytes.subarray(i)]).lines, `split at ${i}`).toEqual(expected);
      for (let j = i; j <= bytes.length; j += 3) {
        expect(cutAll([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]).lines, `split at ${i}, ${j}`).toEqual(expected);
      }
    }
  });

  it('gives the same lines fed one byte at a time', () => {
    const bytes = Buffer.from(input);
    expect(cutAll([...bytes].map((b) => Buffer.from([b]))).lines).toEqual(expected);
  });

  it('keeps blank lines and their numbers, and gives nothing for empty input', () => {
    expect(cutAll([Buffer.from('\n\na\n')]).lines).toEqual(numbered(['', '', 'a']));
    expect(cutAll([]).lines).toEqual([]);
    expect(cutAll([Buffer.alloc(0)]).lines).toEqual([]);
  });

  it('hands the bulk of a chunk out as a view, not a copy', () => {
    const chunk = Buffer.from('a\nb\nc\n');
    const cut = new LineCutter(100).push(chunk);
    expect(cut.blocks).toHaveLength(1);
    expect(cut.blocks[0].data.buffer).toBe(chunk.buffer);
    expect(cut.blocks[0]).toMatchObject({ firstLine: 1, lines: 3 });
  });

  it('ends with an error naming a too-long line inside a chunk, after the lines before it', () => {
    const long = `{"type":"RECORD","stream":"wide","record":{"x":"${'y'.repeat(200)}"}}`;
    const r = cutAll([Buffer.from(`ok\n${long}\nnever\n`)], 100);
    expect(r.lines).toEqual(numbered(['ok']));
    expect(r.error).toBe('line 2, stream "wide": line is longer than 100 bytes (max_line_bytes)');
  });

  it('ends with an error for a too-long line spanning chunks, and for an open line past the limit', () => {
    const long = `{"type":"RECORD","stream":"s","record":{"x":"${'y'.repeat(200)}"}}`;
    const spanning = cutAll([Buffer.from(`a\nb\n${long.slice(0, 50)}`), Buffer.from(long.slice(50, 150)), Buffer.from(`${long.slice(150)}\nc\n`)], 100);
    expect(spanning.lines).toEqual(numbered(['a', 'b']));
    expect(spanning.error).toBe('line 3, stream "s": line is longer than 100 bytes (max_line_bytes)');
    const open = cutAll([Buffer.from('a\n'), Buffer.from('z'.repeat(150))], 100);
    expect(open.lines).toEqual(numbered(['a']));
    expect(open.error).toBe('line 2: line is longer than 100 bytes (max_line_bytes)');
  });

  it('accepts a line of exactly the limit', () => {
    const r = cutAll([Buffer.from(`${'x'.repeat(10)}\n${'y'.repeat(10)}`)], 10);
    expect(r.error).toBeUndefined();
    expect(r.lines).toEqual(numbered(['x'.repeat(10), 'y'.repeat(10)]));
  });

  it('counts the lines it cut', () => {
    const cutter = new LineCutter(100);
    cutter.push(Buffer.from('a\nb\nc'));
    expect(cutter.lines).toBe(2);
    cutter.end();
    expect(cutter.lines).toBe(3);
  });
});
