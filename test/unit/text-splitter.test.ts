import { describe, expect, it } from 'vitest';
import { rowText, splitText } from '../../src/enrich/text-splitter.js';

/** Every word of `text`, in order, is found in the chunks, in order (no text is lost). */
function coversWords(text: string, chunks: string[]): boolean {
  const words = text.split(/\s+/).filter(Boolean);
  let w = 0;
  for (const chunk of chunks) {
    const cw = chunk.split(/\s+/).filter(Boolean);
    // a chunk starts with overlap: skip back to its first word
    let at = words.lastIndexOf(cw[0], w);
    if (at < 0) at = words.indexOf(cw[0], Math.max(0, w - cw.length));
    for (const x of cw) {
      if (words[at] !== x) return false;
      at++;
    }
    w = at;
  }
  return w === words.length;
}

describe('splitText (recursive character splitter)', () => {
  it('keeps a short text whole and drops whitespace-only text', () => {
    expect(splitText('Hello world', { chunkSize: 100, chunkOverlap: 10 })).toEqual(['Hello world']);
    expect(splitText('  \n\n \t', { chunkSize: 100, chunkOverlap: 10 })).toEqual([]);
    expect(splitText('', { chunkSize: 100, chunkOverlap: 10 })).toEqual([]);
  });

  it('cuts on paragraphs first, then lines, then words', () => {
    const text = 'First paragraph is here.\n\nSecond paragraph is here.\n\nThird one.';
    expect(splitText(text, { chunkSize: 30, chunkOverlap: 0 })).toEqual(['First paragraph is here.', 'Second paragraph is here.', 'Third one.']);
    expect(splitText('line one\nline two\nline three', { chunkSize: 12, chunkOverlap: 0 })).toEqual(['line one', 'line two', 'line three']);
    // the separator stays with the piece it starts (counted before trimming), as in LangChain
    expect(splitText('alpha beta gamma delta', { chunkSize: 12, chunkOverlap: 0 })).toEqual(['alpha beta', 'gamma delta']);
    expect(splitText('alpha beta gamma delta', { chunkSize: 11, chunkOverlap: 0 })).toEqual(['alpha beta', 'gamma', 'delta']);
  });

  it('falls back to characters for a word longer than a chunk, and never splits a surrogate pair', () => {
    expect(splitText('abcdefghij', { chunkSize: 4, chunkOverlap: 1 })).toEqual(['abcd', 'defg', 'ghij']);
    const chunks = splitText('😀😀😀😀', { chunkSize: 4, chunkOverlap: 0 });
    expect(chunks.join('')).toBe('😀😀😀😀');
    for (const c of chunks) expect(c).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it.each([
    [50, 10],
    [120, 30],
    [33, 0],
    [200, 199],
  ])('chunk_size %i, overlap %i: no chunk longer, consecutive chunks overlap by at most the overlap, no word lost', (chunkSize, chunkOverlap) => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}${'x'.repeat(i % 7)}`);
    let text = '';
    words.forEach((w, i) => (text += w + (i % 37 === 36 ? '\n\n' : i % 11 === 10 ? '\n' : ' ')));
    const chunks = splitText(text, { chunkSize, chunkOverlap });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(chunkSize);
    expect(coversWords(text, chunks)).toBe(true);
    for (let i = 1; i < chunks.length; i++) {
      // the longest suffix of the previous chunk that the next one starts with
      let shared = 0;
      for (let n = Math.min(chunks[i - 1].length, chunks[i].length); n > 0; n--) {
        if (chunks[i - 1].endsWith(chunks[i].slice(0, n))) {
          shared = n;
          break;
        }
      }
      expect(shared).toBeLessThanOrEqual(chunkOverlap);
    }
  });

  it('overlaps consecutive chunks with whole words when the overlap allows', () => {
    const chunks = splitText('aaaa bbbb cccc dddd eeee ffff gggg', { chunkSize: 15, chunkOverlap: 5 });
    expect(chunks).toEqual(['aaaa bbbb cccc', 'cccc dddd eeee', 'eeee ffff gggg']);
  });

  it('refuses an overlap not below the chunk size', () => {
    expect(() => splitText('x', { chunkSize: 10, chunkOverlap: 10 })).toThrow(/chunk_overlap/);
  });
});

describe('rowText', () => {
  it('joins the non-null values with a newline', () => {
    expect(rowText(['Title', null, 'Body'])).toBe('Title\nBody');
    expect(rowText([null, null])).toBe('');
    expect(rowText(['', 'x'])).toBe('\nx');
  });
});
