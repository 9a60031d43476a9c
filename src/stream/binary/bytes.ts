/**
 * Big-endian writers and the small shared state of the binary COPY encoders.
 *
 * A field is an int32 payload length followed by the payload; NULL is the length -1 alone.
 * Values are stored into a Uint8Array element by element: the array reduces each Number
 * modulo 256, so `x >>> 8` and friends need no masking.
 */

/**
 * Writes one COPY field at out[at] from the text src[start, end) and returns the position after
 * it, or DECLINE when it cannot prove the field stores what PostgreSQL's input function would.
 */
export type BinaryFieldWriter = (src: Uint8Array, start: number, end: number, out: Uint8Array, at: number) => number;

/** The value is not encoded: send this row as CSV and let PostgreSQL decide. */
export const DECLINE = -1;
/** out has too little room after `at`: grow it (see binaryRoomNeeded) and call again. */
export const NEED_ROOM = -2;

export function put16(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 8;
  out[at + 1] = v;
}

export function put32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

const TWO32 = 4294967296;

/** An int64 given as a safe integer (|v| < 2^53). */
export function putInt64(out: Uint8Array, at: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  put32(out, at, hi);
  put32(out, at + 4, v - hi * TWO32);
}

/**
 * The int64 `seconds * 1e6 + micros` (|seconds| < 2^40, 0 <= micros <= 1e6) without BigInt:
 * seconds * 15625 is exact in a double, and a factor 64 shifts it into the two 32-bit halves.
 */
export function putMicros(out: Uint8Array, at: number, seconds: number, micros: number): void {
  const a = seconds * 15625;
  let hi = Math.floor(a / 67108864);
  let lo = (a - hi * 67108864) * 64 + micros;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  put32(out, at, hi);
  put32(out, at + 4, lo);
}

const f64 = new Float64Array(1);
const f64bytes = new Uint8Array(f64.buffer);
const f32 = new Float32Array(1);
const f32bytes = new Uint8Array(f32.buffer);
const f32bits = new Uint32Array(f32.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function putFloat64(out: Uint8Array, at: number, v: number): void {
  f64[0] = v;
  for (let i = 0; i < 8; i++) out[at + i] = f64bytes[littleEndian ? 7 - i : i];
}

export function putFloat32(out: Uint8Array, at: number, v: number): void {
  f32[0] = v;
  for (let i = 0; i < 4; i++) out[at + i] = f32bytes[littleEndian ? 3 - i : i];
}

/** The float32 with the given bit pattern (for the neighbours of a rounded value). */
export function float32FromBits(bits: number): number {
  f32bits[0] = bits;
  return f32[0];
}

export function float32Bits(v: number): number {
  f32[0] = v;
  return f32bits[0];
}

/** A JS string of the ASCII bytes src[start, end) (callers check they are ASCII). */
export function asciiString(src: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(src[i]);
  return s;
}

let scratch = new Uint8Array(256);

/**
 * The ASCII string s copied into a shared scratch buffer, or null when s has a non-ASCII
 * character (no PostgreSQL input form that these writers accept has one). The buffer is reused
 * by the next call.
 */
export function asciiBytes(s: string): Uint8Array | null {
  const n = s.length;
  if (n > scratch.length) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  const b = scratch;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return null;
    b[i] = c;
  }
  return b;
}

let roomNeeded = 0;

/** After an encoder returned NEED_ROOM: free bytes after `at` with which the retry gets further. */
export function binaryRoomNeeded(): number {
  return roomNeeded;
}

/** Records the room a retry needs and returns NEED_ROOM. */
export function needRoom(bytes: number): number {
  roomNeeded = bytes;
  return NEED_ROOM;
}

const encoder = new TextEncoder();

/**
 * s as UTF-8 at out[at] when it fits in `room` bytes: the bytes written, or -1 when it did not
 * fit (then nothing after out[at + room] was touched). Unpaired surrogates become U+FFFD, as
 * Buffer.write does on the CSV path.
 */
export function writeUtf8(s: string, out: Uint8Array, at: number, room: number): number {
  const n = s.length;
  if (n <= 32 && n <= room) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) break;
      out[at + i] = c;
    }
    if (i === n) return n;
  }
  if (out instanceof Buffer) {
    const written = out.write(s, at, room, 'utf8');
    // Buffer.write stops before a character that does not fit, so a short write is complete
    if (written + 4 <= room || Buffer.byteLength(s, 'utf8') === written) return written;
    return -1;
  }
  const r = encoder.encodeInto(s, out.subarray(at, at + room));
  return r.read === n ? r.written : -1;
}
