import type { PartitionBound } from '../sql/partitions.js';
import type { PartitionInterval, PartitionStrategy } from '../stream/partition-plan.js';

/*
 * The partitions a batch needs, read from its encoded CSV rows in one pass over the bytes (per
 * batch, in the loader, and only for partitioned tables; the per-record path is untouched), so
 * an append-only batch can COPY straight into its partitioned table. A value this cannot read
 * the way PostgreSQL does gives undefined: the batch then goes through a staging table and
 * SELECT DISTINCT instead.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * The distinct values of one field (0-based) over CSV rows as the target encodes them (FORMAT
 * csv: NULL an unquoted empty field, strings quoted with "" for a quote, rows ending in \n,
 * a row never split across chunks). null stands for NULL.
 */
export function distinctCsvField(chunks: readonly Buffer[], field: number): Set<string | null> {
  const out = new Set<string | null>();
  scanCsvField(chunks, field, (v) => void out.add(v));
  return out;
}

/** The 1-based row of the first NULL in a field, if any. */
export function firstNullRow(chunks: readonly Buffer[], field: number): number | undefined {
  let found: number | undefined;
  scanCsvField(chunks, field, (v, row) => {
    if (v === null) found = row;
    return v === null;
  });
  return found;
}

/** Calls `visit` with one field's value of every row (and the row's 1-based number) until it returns true. */
function scanCsvField(chunks: readonly Buffer[], field: number, visit: (value: string | null, row: number) => boolean | void): void {
  let row = 0;
  for (const buf of chunks) {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      let value: string | null | undefined;
      for (let f = 0; i < n; f++) {
        let end: number;
        if (buf[i] === QUOTE) {
          // a quoted field: its closing quote is the first one not doubled (found natively, text is most of the bytes)
          let q = buf.indexOf(QUOTE, i + 1);
          let escaped = false;
          while (q >= 0 && buf[q + 1] === QUOTE) {
            escaped = true;
            q = buf.indexOf(QUOTE, q + 2);
          }
          end = q < 0 ? n : q + 1;
          if (f === field) {
            const text = buf.toString('utf8', i + 1, end - 1);
            value = escaped ? text.replace(/""/g, '"') : text;
          }
        } else {
          // unquoted fields are short: numbers, booleans, NULL, metadata stamps
          end = i;
          while (end < n && buf[end] !== COMMA && buf[end] !== NEWLINE) end++;
          if (f === field) value = end === i ? null : buf.toString('latin1', i, end);
        }
        const sep = buf[end];
        i = end + 1;
        if (sep !== COMMA) break;
      }
      if (value !== undefined && visit(value, ++row)) return;
    }
  }
}

/** yyyy-mm-dd[Tt ]hh:mm[:ss[.ffffff]][Z|±hh[:mm]], or a date alone. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const ymd = (t: Date) => `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;

/**
 * The range partition [from, to) a value falls in, by UTC calendar interval (weeks start on
 * Monday, as date_trunc has them); a date column takes the value's date as written. Undefined
 * when the value is not a plain ISO date-time this can place exactly.
 */
export function rangeBoundOf(value: string, interval: PartitionInterval, columnType: string): PartitionBound | undefined {
  // a date column keeps the date of a date-time as written
  const m = TIMESTAMP.exec(columnType === 'date' && /^\d{4}-\d{2}-\d{2}(?:[Tt ]|$)/.test(value) ? value.slice(0, 10) : value);
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', , , sign, oh = '0', om = '0'] = m;
  const year = Number(y);
  if (year < 1000 || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return undefined;
  const offset = columnType === 'date' || sign === undefined ? 0 : (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  const t = new Date(0);
  t.setUTCFullYear(year, Number(mo) - 1, Number(d));
  if (t.getUTCDate() !== Number(d)) return undefined; // 31 April and the like
  if (columnType !== 'date') t.setUTCHours(Number(h), Number(mi) - offset, Number(s), 0);
  t.setUTCHours(0, 0, 0, 0);
  if (interval === 'week') t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7));
  if (interval === 'month') t.setUTCDate(1);
  if (interval === 'year') t.setUTCMonth(0, 1);
  const from = ymd(t);
  if (interval === 'day') t.setUTCDate(t.getUTCDate() + 1);
  if (interval === 'week') t.setUTCDate(t.getUTCDate() + 7);
  if (interval === 'month') t.setUTCMonth(t.getUTCMonth() + 1);
  if (interval === 'year') t.setUTCFullYear(t.getUTCFullYear() + 1);
  if (t.getUTCFullYear() > 9999) return undefined;
  return { kind: 'range', from, to: ymd(t) };
}

const ZERO_OFFSET = /[+-]00(?::?00)?$/;

/**
 * The UTC date of a date-time that needs no arithmetic to place (a date column's value, or a
 * date-time in UTC: Z, +00:00 or no offset; at most microseconds; no leap second), else undefined.
 */
function utcDate(v: string, columnType: string): string | undefined {
  if (v.length < 10 || v.charCodeAt(4) !== 0x2d || v.charCodeAt(7) !== 0x2d) return undefined;
  const date = v.slice(0, 10);
  if (columnType === 'date' || v.length === 10) return date;
  const last = v.charCodeAt(v.length - 1);
  const rest = v.slice(10);
  const utc = last === 0x5a || last === 0x7a || ZERO_OFFSET.test(rest) || (rest.indexOf('+') < 0 && rest.indexOf('-') < 0);
  if (!utc || rest.includes(':60')) return undefined;
  const dot = rest.indexOf('.');
  if (dot >= 0) {
    let digits = 0;
    while (dot + 1 + digits < rest.length && rest.charCodeAt(dot + 1 + digits) >= 0x30 && rest.charCodeAt(dot + 1 + digits) <= 0x39) digits++;
    if (digits > 6) return undefined;
  }
  return date;
}

/** What a batch needs: its partitions' bounds, and whether a row has no partition value (range: it needs the default partition). */
export interface BatchBounds {
  bounds: PartitionBound[];
  hasNull: boolean;
}

/**
 * The bounds of a batch's partition column values (range: by interval; list: one per value,
 * booleans as PostgreSQL prints them); undefined when a value cannot be placed here.
 */
export function batchBounds(values: Iterable<string | null>, strategy: PartitionStrategy, interval: PartitionInterval | undefined, columnType: string): BatchBounds | undefined {
  const bounds = new Map<string, PartitionBound>();
  const byDate = new Map<string, PartitionBound>();
  let hasNull = false;
  for (const v of values) {
    if (strategy === 'list') {
      const value = v === null ? null : columnType === 'boolean' ? (v === 't' ? 'true' : v === 'f' ? 'false' : v) : v;
      bounds.set(value === null ? '\u0000' : value, { kind: 'list', value });
      continue;
    }
    if (v === null) {
      hasNull = true;
      continue;
    }
    // most values are UTC (Z or no offset): their date alone places them, read once per date
    const day = utcDate(v, columnType);
    let b = day === undefined ? rangeBoundOf(v, interval ?? 'day', columnType) : byDate.get(day);
    if (b === undefined && day !== undefined) {
      b = rangeBoundOf(day, interval ?? 'day', 'date');
      if (b !== undefined) byDate.set(day, b);
    }
    if (b === undefined || b.kind !== 'range') return undefined;
    bounds.set(b.from, b);
  }
  return { bounds: [...bounds.values()], hasNull };
}
