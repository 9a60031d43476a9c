import { binaryEncoderFor, binaryWriterFor, fieldBound } from '../../src/stream/binary/index.js';

/** Readers of binary COPY fields for the tests (the inverse of the writers, written independently). */

/** The field the type's writer writes for `text`, or null when it declines. */
export function fieldOf(pgType: string, text: string): Uint8Array | null {
  const write = binaryWriterFor(pgType);
  if (write === null) throw new Error(`no writer for ${pgType}`);
  const src = Buffer.from(text, 'utf8');
  // the source sits inside a larger buffer so that writers must honour start/end
  const padded = Buffer.concat([Buffer.from('9:{"'), src, Buffer.from('"}9')]);
  const out = new Uint8Array(fieldBound(src.length));
  const end = write(padded, 4, 4 + src.length, out, 0);
  if (end === -1) return null;
  if (end < 0 || end > out.length) throw new Error(`bad end ${end}`);
  return out.subarray(0, end);
}

/** The field a value encoder writes, or 'decline'. Grows the buffer on NEED_ROOM, starting small. */
export function valueField(pgType: string, value: unknown, exact = false, start = 0): Uint8Array | 'decline' {
  const enc = binaryEncoderFor(pgType);
  let out = new Uint8Array(start);
  for (let tries = 0; tries < 64; tries++) {
    const end = enc(value, exact, out, 0);
    if (end === -1) return 'decline';
    if (end >= 0) return out.slice(0, end);
    out = new Uint8Array(Math.max(out.length * 2, 16));
  }
  throw new Error('never enough room');
}

/** The payload of a field (after its int32 length, which must match); null for a NULL field. */
export function payload(field: Uint8Array): Uint8Array | null {
  const dv = new DataView(field.buffer, field.byteOffset, field.byteLength);
  const n = dv.getInt32(0);
  if (n === -1) return field.length === 4 ? null : (() => { throw new Error('NULL with payload'); })();
  if (n !== field.length - 4) throw new Error(`length ${n} for ${field.length - 4} payload bytes`);
  return field.subarray(4);
}

const view = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset, p.byteLength);

export function int64Of(p: Uint8Array): bigint {
  return view(p).getBigInt64(0);
}

/** numeric_out's text of a numeric payload: sign, integer digits, '.', dscale fraction digits. */
export function numericText(p: Uint8Array): string {
  const dv = view(p);
  const ndigits = dv.getInt16(0);
  const weight = dv.getInt16(2);
  const sign = dv.getUint16(4);
  const dscale = dv.getUint16(6);
  if (p.length !== 8 + 2 * ndigits) throw new Error('numeric length');
  const groups: number[] = [];
  for (let i = 0; i < ndigits; i++) {
    const d = dv.getInt16(8 + 2 * i);
    if (d < 0 || d > 9999) throw new Error('numeric digit');
    groups.push(d);
  }
  if (ndigits > 0 && (groups[0] === 0 || groups[ndigits - 1] === 0)) throw new Error('numeric not stripped');
  if (ndigits === 0 && (sign !== 0 || weight !== 0)) throw new Error('numeric zero not normalized');
  // integer part: groups with weight >= 0
  let int = '';
  for (let w = Math.max(weight, 0); w >= 0; w--) {
    const g = groups[weight - w] ?? 0;
    int += int === '' ? String(g) : String(g).padStart(4, '0');
  }
  let frac = '';
  for (let w = -1; frac.length < dscale; w--) frac += String(groups[weight - w] ?? 0).padStart(4, '0');
  const digitsBeyond = groups.slice(Math.max(0, weight + 1 + Math.ceil(dscale / 4))).some((g) => g !== 0);
  if (digitsBeyond) throw new Error('numeric digits beyond dscale');
  const text = (sign === 0x4000 ? '-' : '') + int + (dscale > 0 ? '.' + frac.slice(0, dscale) : '');
  return text;
}

/** A timestamp's microseconds since 2000-01-01 as ISO text (UTC), years 1..9999 and beyond. */
export function timestampText(us: bigint): string {
  const ms = Number(us / 1000n) + Date.UTC(2000, 0, 1) - (us % 1000n < 0n ? 1 : 0);
  const micro = ((us % 1000000n) + 1000000n) % 1000000n;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${String(micro).padStart(6, '0')}`;
}

export function hex(b: Uint8Array | null): string | null {
  return b === null ? null : Buffer.from(b).toString('hex');
}
