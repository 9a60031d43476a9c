import { DECLINE, asciiString, put32, putInt64, putMicros, type BinaryFieldWriter } from './bytes.js';

/**
 * date, time, timetz, timestamp and timestamptz from the ISO 8601 text the CSV path sends.
 *
 * Accepted (what DecodeDateTime / DecodeTimeOnly read the same way under any DateStyle):
 *   date         YYYY-MM-DD
 *   time         HH:MM[:SS[.fraction]][offset]
 *   timestamp    YYYY-MM-DD[Tt ]HH:MM[:SS[.fraction]][offset]
 *   offset       Z | z | ±HH | ±HHMM | ±HH:MM   (hours at most 15, PostgreSQL's limit)
 * Years 0001-9999, real calendar dates, hours 00-23, minutes and seconds 00-59 (no leap second
 * 60, no 24:00). The fraction has 1 to 32 digits: up to 6 they are the microseconds; beyond,
 * PostgreSQL's ParseFractionalSecond rounds rint(strtod(".digits") * 1e6) in doubles, which this
 * does with the same double operations (Number() is correctly rounded like glibc's strtod), a
 * 1000000 carrying into the next second as it does in PostgreSQL.
 *
 * Meaning of a missing offset: the session TimeZone, which the target sets to UTC in every
 * transaction (load/transaction.ts), so UTC; `Z` is the Default timezone_abbreviations' 0.
 * timestamp and time (without time zone) ignore an offset, like timestamp_in and time_in.
 * Everything else is declined.
 */

// The fields of the last successful parse (kept in module variables: no allocation per value).
let seconds = 0; // seconds since 2000-01-01 00:00:00 of the wall-clock date and time
let micros = 0; // 0..1000000
let offset = 0; // seconds east of UTC; 0 without an offset

const EPOCH_2000_DAYS = 10957; // 1970-01-01 .. 2000-01-01
const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 2000-01-01 to the proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysSince2000(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 - EPOCH_2000_DAYS;
}

function two(src: Uint8Array, i: number): number {
  const a = src[i] - 48;
  const b = src[i + 1] - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Whether d is a day of month m of year y (1-9999), leap years counted. */
function isDay(y: number, m: number, d: number): boolean {
  return y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth[m - 1] + (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 1 : 0);
}

/** YYYY-MM-DD at src[i]: its day number, or NaN. */
function parseDate(src: Uint8Array, i: number, end: number): number {
  if (end - i < 10 || src[i + 4] !== 45 || src[i + 7] !== 45) return NaN;
  const hi = two(src, i);
  const lo = two(src, i + 2);
  const m = two(src, i + 5);
  const d = two(src, i + 8);
  const y = hi * 100 + lo;
  if (hi < 0 || lo < 0 || !isDay(y, m, d)) return NaN;
  return daysSince2000(y, m, d);
}

function rint(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  return r > 0.5 ? f + 1 : r < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/**
 * HH:MM[:SS[.fraction]][offset] from src[i] to end: sets seconds (of the day), micros, offset;
 * false when declined.
 */
function parseTime(src: Uint8Array, i: number, end: number): boolean {
  if (end - i < 5 || src[i + 2] !== 58) return false;
  const h = two(src, i);
  const mi = two(src, i + 3);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return false;
  i += 5;
  let s = 0;
  micros = 0;
  if (i < end && src[i] === 58) {
    if (end - i < 3) return false;
    s = two(src, i + 1);
    if (s < 0 || s > 59) return false;
    i += 3;
    if (i < end && src[i] === 46) {
      const f = ++i;
      while (i < end && src[i] >= 48 && src[i] <= 57) i++;
      const n = i - f;
      if (n === 0 || n > 32) return false;
      if (n <= 6) {
        for (let k = f; k < f + 6; k++) micros = micros * 10 + (k < i ? src[k] - 48 : 0);
      } else micros = rint(Number('0.' + asciiString(src, f, i)) * 1000000);
    }
  }
  seconds = (h * 60 + mi) * 60 + s;
  offset = 0;
  if (i === end) return true;
  const c = src[i];
  if (c === 90 || c === 122) return i + 1 === end;
  if (c !== 43 && c !== 45) return false;
  const oh = two(src, i + 1);
  let om = 0;
  const rest = end - i;
  if (rest === 6 && src[i + 3] === 58) om = two(src, i + 4);
  else if (rest === 5) om = two(src, i + 3);
  else if (rest !== 3) return false;
  if (oh < 0 || oh > 15 || om < 0 || om > 59) return false;
  offset = (oh * 60 + om) * 60 * (c === 45 ? -1 : 1);
  return true;
}

/** A date-time into seconds/micros/offset; false when declined. */
function parseDateTime(src: Uint8Array, start: number, end: number): boolean {
  const days = parseDate(src, start, end);
  if (days !== days || end - start < 16) return false;
  const sep = src[start + 10];
  if (sep !== 84 && sep !== 116 && sep !== 32) return false;
  if (!parseTime(src, start + 11, end)) return false;
  seconds += days * 86400;
  return true;
}

export const writeDate: BinaryFieldWriter = (src, start, end, out, at) => {
  const days = end - start === 10 ? parseDate(src, start, end) : NaN;
  if (days !== days) return DECLINE;
  put32(out, at, 4);
  put32(out, at + 4, days);
  return at + 8;
};

/** timestamp with time zone: the instant, offset applied. */
export const writeTimestamptz: BinaryFieldWriter = (src, start, end, out, at) => {
  if (!parseDateTime(src, start, end)) return DECLINE;
  put32(out, at, 8);
  putMicros(out, at + 4, seconds - offset, micros);
  return at + 12;
};

/** timestamp without time zone: the wall-clock date and time, an offset ignored. */
export const writeTimestamp: BinaryFieldWriter = (src, start, end, out, at) => {
  if (!parseDateTime(src, start, end)) return DECLINE;
  put32(out, at, 8);
  putMicros(out, at + 4, seconds, micros);
  return at + 12;
};

/** time without time zone: an offset ignored (time_in drops it). */
export const writeTime: BinaryFieldWriter = (src, start, end, out, at) => {
  if (!parseTime(src, start, end)) return DECLINE;
  put32(out, at, 8);
  putInt64(out, at + 4, seconds * 1000000 + micros);
  return at + 12;
};

/** time with time zone: the time and the zone in seconds west of UTC (timetz's sign). */
export const writeTimetz: BinaryFieldWriter = (src, start, end, out, at) => {
  if (!parseTime(src, start, end)) return DECLINE;
  put32(out, at, 12);
  putInt64(out, at + 4, seconds * 1000000 + micros);
  put32(out, at + 12, -offset);
  return at + 16;
};

/** Where the text read by the last successful writeTapTimestamptz ends. */
export const tapStamp = { end: 0 };

/**
 * timestamptz from the form taps write, YYYY-MM-DDTHH:MM:SS[.f to ffffff](Z|±HH:MM), at src[s],
 * checked and converted in one pass: the output position, -1 for any other text (which then
 * takes the format check and writeTimestamptz). Every text it takes, both accept, and
 * writeTimestamptz writes the same bytes for it.
 */
export function writeTapTimestamptz(src: Uint8Array, s: number, out: Uint8Array, at: number): number {
  if (src[s + 4] !== 45 || src[s + 7] !== 45 || src[s + 10] !== 84 || src[s + 13] !== 58 || src[s + 16] !== 58) return -1;
  const hi = two(src, s);
  const lo = two(src, s + 2);
  const m = two(src, s + 5);
  const d = two(src, s + 8);
  const h = two(src, s + 11);
  const mi = two(src, s + 14);
  const sec = two(src, s + 17);
  const y = hi * 100 + lo;
  if (hi < 0 || lo < 0 || !isDay(y, m, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return -1;
  let i = s + 19;
  let us = 0;
  if (src[i] === 46) {
    const f = ++i;
    while (i - f < 7 && src[i] >= 48 && src[i] <= 57) us = us * 10 + (src[i++] - 48);
    const n = i - f;
    if (n === 0 || n > 6) return -1;
    for (let k = n; k < 6; k++) us *= 10;
  }
  let east = 0;
  const c = src[i];
  if (c === 90) i++;
  else if (c === 43 || c === 45) {
    const oh = two(src, i + 1);
    const om = two(src, i + 4);
    if (src[i + 3] !== 58 || oh < 0 || oh > 15 || om < 0 || om > 59) return -1;
    east = (oh * 60 + om) * 60 * (c === 45 ? -1 : 1);
    i += 6;
  } else return -1;
  tapStamp.end = i;
  put32(out, at, 8);
  putMicros(out, at + 4, daysSince2000(y, m, d) * 86400 + (h * 60 + mi) * 60 + sec - east, us);
  return at + 12;
}
