import { offsetText, PyDate, PyError } from './py-values.js';

/** datetime parsing and formatting as Python does it, for the directives taps' maps use. */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?$/i;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string, offset: number | null, dateOnly: boolean, text: string): PyDate {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(wall);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new PyError('ValueError', `not a valid date or time: '${text}'`);
  }
  const us = Number((fraction + '000000').slice(0, 6));
  return new PyDate(wall + Math.floor(us / 1000), us % 1000, offset, dateOnly);
}

function parseOffset(z: string | undefined): number | null {
  if (!z) return null;
  if (z.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?/.exec(z)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** datetime.datetime.fromisoformat / datetime.date.fromisoformat. */
export function parseIsoDate(text: string, dateOnly: boolean): PyDate {
  const m = ISO.exec(text);
  if (!m || (dateOnly && m[4] !== undefined)) throw new PyError('ValueError', `Invalid isoformat string: '${text}'`);
  return build(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ?? '', parseOffset(m[8]), dateOnly, text);
}

const DIRECTIVES: Record<string, string> = {
  Y: '(\\d{4})',
  m: '(\\d{1,2})',
  d: '(\\d{1,2})',
  H: '(\\d{1,2})',
  I: '(\\d{1,2})',
  M: '(\\d{1,2})',
  S: '(\\d{1,2})',
  f: '(\\d{1,6})',
  y: '(\\d{2})',
  z: '(Z|[+-]\\d{2}:?\\d{2})',
  b: '([A-Za-z]{3})',
  B: '([A-Za-z]+)',
  p: '(AM|PM|am|pm)',
  j: '(\\d{1,3})',
  a: '([A-Za-z]{3})',
  A: '([A-Za-z]+)',
};

/** datetime.datetime.strptime for %Y %m %d %H %I %M %S %f %y %z %b %B %p %j %a %A %%. */
export function strptime(text: string, format: string): PyDate {
  const fields: string[] = [];
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      pattern += /\s/.test(c) ? '\\s+' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = format[++i];
    if (d === '%') {
      pattern += '%';
      continue;
    }
    if (!(d in DIRECTIVES)) throw new PyError('ValueError', `the strptime directive %${d ?? ''} is not supported`);
    fields.push(d);
    pattern += DIRECTIVES[d];
  }
  const m = new RegExp(`^${pattern}$`).exec(text);
  if (!m) throw new PyError('ValueError', `time data '${text}' does not match format '${format}'`);
  let y = 1900, mo = 1, d = 1, h = 0, mi = 0, s = 0, frac = '', pm: boolean | undefined, yday: number | undefined;
  let offset: number | null = null;
  const monthOf = (name: string) => {
    const i = MONTHS.findIndex((n) => n.toLowerCase().startsWith(name.toLowerCase()) && (name.length === 3 || n.toLowerCase() === name.toLowerCase()));
    if (i < 0) throw new PyError('ValueError', `time data '${text}' does not match format '${format}'`);
    return i + 1;
  };
  fields.forEach((f, i) => {
    const v = m[i + 1];
    if (f === 'Y') y = +v;
    else if (f === 'y') y = +v < 69 ? 2000 + +v : 1900 + +v;
    else if (f === 'm') mo = +v;
    else if (f === 'd') d = +v;
    else if (f === 'H' || f === 'I') h = +v;
    else if (f === 'M') mi = +v;
    else if (f === 'S') s = +v;
    else if (f === 'f') frac = v;
    else if (f === 'z') offset = parseOffset(v);
    else if (f === 'b' || f === 'B') mo = monthOf(v);
    else if (f === 'p') pm = v.toUpperCase() === 'PM';
    else if (f === 'j') yday = +v;
  });
  if (pm !== undefined && fields.includes('I')) h = (h % 12) + (pm ? 12 : 0);
  if (yday !== undefined) {
    const t = new Date(Date.UTC(y, 0, yday));
    mo = t.getUTCMonth() + 1;
    d = t.getUTCDate();
  }
  return build(y, mo, d, h, mi, s, frac, offset, false, text);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** date.strftime for the same directives. */
export function strftime(date: PyDate, format: string): string {
  const t = new Date(date.wall);
  const us = t.getUTCMilliseconds() * 1000 + date.micros;
  return format.replace(/%(.)/g, (_m, d: string) => {
    switch (d) {
      case 'Y':
        return pad(t.getUTCFullYear(), 4);
      case 'y':
        return pad(t.getUTCFullYear() % 100);
      case 'm':
        return pad(t.getUTCMonth() + 1);
      case 'd':
        return pad(t.getUTCDate());
      case 'H':
        return pad(t.getUTCHours());
      case 'I':
        return pad(t.getUTCHours() % 12 || 12);
      case 'p':
        return t.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'M':
        return pad(t.getUTCMinutes());
      case 'S':
        return pad(t.getUTCSeconds());
      case 'f':
        return pad(us, 6);
      case 'z':
        return date.offset === null ? '' : offsetText(date.offset, '');
      case 'b':
        return MONTHS[t.getUTCMonth()].slice(0, 3);
      case 'B':
        return MONTHS[t.getUTCMonth()];
      case 'a':
        return DAYS[t.getUTCDay()].slice(0, 3);
      case 'A':
        return DAYS[t.getUTCDay()];
      case 'j':
        return pad(Math.floor((date.wall - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3);
      case '%':
        return '%';
      default:
        throw new PyError('ValueError', `the strftime directive %${d} is not supported`);
    }
  });
}
