import { describe, expect, it } from 'vitest';
import { readCsvFields } from '../../src/enrich/csv-fields.js';
import { encoderFor, quoteCsv } from '../../src/stream/csv.js';

const rows = (text: string, wanted: number[]) => readCsvFields([Buffer.from(text)], wanted);

describe('readCsvFields', () => {
  it('reads the wanted fields of each row: NULL, quoted text with "" and newlines, bare numbers', () => {
    const text = `1,"a ""b""",,t\n2,"line1\nline2","",f\n`;
    expect(rows(text, [0, 1, 2])).toEqual([
      ['1', 'a "b"', null],
      ['2', 'line1\nline2', ''],
    ]);
    expect(rows(text, [3, 0])).toEqual([
      ['t', '1'],
      ['f', '2'],
    ]);
  });

  it('reads a trailing NULL field and rows split across buffers', () => {
    const text = '1,"x",\n2,,\n';
    expect(readCsvFields([Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))], [0, 1, 2])).toEqual([
      ['1', 'x', null],
      ['2', null, null],
    ]);
  });

  it('round-trips what the row encoder writes, hostile text included', () => {
    const values = ['plain', 'a,b', 'quote " in', '\\N', '\r\n', '', 'é😀', '"'];
    const text = values.map((v, i) => `${i},${encoderFor('text')(v, false)},${quoteCsv(v)}\n`).join('');
    expect(rows(text, [1, 0, 2])).toEqual(values.map((v, i) => [v, String(i), v]));
  });
});
