/** ISO 8601 / RFC 3339 date-time; the offset may be left out (then it is UTC), 'T' or space. */
export const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-](\d{2})(?::?(\d{2}))?)?$/;
export const TIME = /^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar date-time (checked by its fields; Date.parse is several times slower). */
export function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (m === null) return false;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth[month - 1]) return false;
  if (month === 2 && day === 29 && (year % 4 !== 0 || (year % 100 === 0 && year % 400 !== 0))) return false;
  if (+m[4] > 23 || +m[5] > 59) return false;
  if (m[6] !== undefined && +m[6] > 60) return false;
  if (m[7] !== undefined && +m[7] > 23) return false;
  if (m[8] !== undefined && +m[8] > 59) return false;
  return true;
}

/** A date-time with an explicit offset (Z or ±hh[:mm]); the groups give its fields. */
const OFFSET_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * For a `timestamp without time zone` column (made by pipelinewise, MeltanoLabs or by hand):
 * a date-time with an offset becomes the UTC wall-clock time, which PostgreSQL would otherwise
 * take by dropping the offset. Fractional seconds are kept digit for digit. Anything else (no
 * offset, which means UTC here; not a date-time) is returned as it is.
 */
export function toUtcWallClock(s: string): string {
  const m = OFFSET_DATE_TIME.exec(s);
  if (m === null) return s;
  const [, y, mo, d, h, mi, sec = '00', frac = '', z, sign, oh, om = '00'] = m;
  if (z !== undefined) return `${y}-${mo}-${d} ${h}:${mi}:${sec}${frac}`;
  const offset = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  const t = new Date(0);
  t.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  t.setUTCHours(Number(h), Number(mi) - offset, Number(sec), 0);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${frac}`;
}
