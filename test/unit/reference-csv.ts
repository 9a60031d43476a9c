/**
 * Independent reference readers used by the unit tests to prove that what the encoders write
 * reads back to the original values. Deliberately strict: anything PostgreSQL would read
 * differently from what we meant throws.
 */

/**
 * Reads PostgreSQL COPY ... (FORMAT csv) text with default options: fields split on commas,
 * records end in '\n', a quoted field may hold anything with `"` doubled, and an unquoted
 * empty field is NULL (while `""` is the empty string). An unquoted `\.` alone on a line would
 * end the data, so it is rejected.
 */
export function parseCsv(text: string): Array<Array<string | null>> {
  const records: Array<Array<string | null>> = [];
  let fields: Array<string | null> = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      fields.push(value);
    } else {
      let value = '';
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') {
        if (text[i] === '"' || text[i] === '\r') throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
        value += text[i++];
      }
      if (value === '\\.' && fields.length === 0) throw new Error('unquoted \\. would end the COPY data');
      fields.push(value === '' ? null : value);
    }
    if (text[i] === ',') {
      i++;
      if (i >= text.length) throw new Error('record does not end in a newline');
      continue;
    }
    if (text[i] === '\n') {
      records.push(fields);
      fields = [];
      i++;
      continue;
    }
    throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (fields.length) throw new Error('last record does not end in a newline');
  return records;
}

/** Reads exactly one CSV record (text must end in '\n'). */
export function parseCsvRecord(text: string): Array<string | null> {
  const records = parseCsv(text);
  if (records.length !== 1) throw new Error(`expected one record, got ${records.length}`);
  return records[0];
}

/** Reads a one-dimensional PostgreSQL array literal: `{"a","b\"c",NULL}`. */
export function parseArrayLiteral(text: string): Array<string | null> {
  if (text[0] !== '{' || text[text.length - 1] !== '}') throw new Error(`not an array literal: ${text}`);
  const out: Array<string | null> = [];
  const body = text.slice(1, -1);
  if (body === '') return out;
  let i = 0;
  for (;;) {
    if (body[i] === '"') {
      let v = '';
      i++;
      while (body[i] !== '"') {
        if (i >= body.length) throw new Error('unterminated array element');
        if (body[i] === '\\') i++;
        v += body[i++];
      }
      i++;
      out.push(v);
    } else {
      let v = '';
      while (i < body.length && body[i] !== ',') {
        if (body[i] === '"' || body[i] === '\\' || body[i] === '{' || body[i] === '}') throw new Error(`bare ${body[i]} in an unquoted element`);
        v += body[i++];
      }
      out.push(v.toUpperCase() === 'NULL' ? null : v);
    }
    if (i >= body.length) return out;
    if (body[i] !== ',') throw new Error(`unexpected ${body[i]} in array literal`);
    i++;
  }
}
