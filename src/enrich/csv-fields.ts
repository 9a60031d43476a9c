/**
 * Reads fields back out of the CSV rows a batch loaded (stream/csv.ts writes them: NULL is an
 * unquoted empty field, strings are quoted with "" for a quote, each row ends with a newline).
 * Only the wanted fields (by position) are decoded; the rest are skipped.
 */
export function readCsvFields(chunks: readonly Buffer[], wanted: readonly number[]): Array<Array<string | null>> {
  const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
  const slot = new Map<number, number>();
  wanted.forEach((field, i) => slot.set(field, i));
  const rows: Array<Array<string | null>> = [];
  let row: Array<string | null> = new Array<string | null>(wanted.length).fill(null);
  let field = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const want = slot.get(field);
    let value: string | null;
    if (text.charCodeAt(i) === 34 /* " */) {
      let out = '';
      let start = i + 1;
      let j = start;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) throw new Error('internal: unterminated quoted CSV field');
        if (text.charCodeAt(j + 1) === 34) {
          if (want !== undefined) out += text.slice(start, j + 1);
          start = j += 2;
          continue;
        }
        if (want !== undefined) out += text.slice(start, j);
        break;
      }
      value = out;
      i = j + 1;
    } else {
      let j = i;
      while (j < n && text.charCodeAt(j) !== 44 && text.charCodeAt(j) !== 10) j++;
      value = j === i ? null : want !== undefined ? text.slice(i, j) : '';
      i = j;
    }
    if (want !== undefined) row[want] = value;
    const delimiter = i < n ? text.charCodeAt(i) : 10;
    i++;
    if (delimiter === 44 /* , */) {
      field++;
      if (i >= n) break;
      continue;
    }
    rows.push(row);
    row = new Array<string | null>(wanted.length).fill(null);
    field = 0;
  }
  if (field > 0) rows.push(row);
  return rows;
}
