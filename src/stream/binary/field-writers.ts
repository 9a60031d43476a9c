import { arrayLiteralWriter } from './arrays.js';
import type { BinaryFieldWriter } from './bytes.js';
import { arrayElementType, scalarBinaryType } from './types.js';

/**
 * COPY ... (FORMAT binary) framing: the 11-byte signature `PGCOPY\n\377\r\n\0`, int32 flags 0
 * (no OIDs), int32 header extension length 0; each tuple is an int16 field count and its fields;
 * the trailer is the int16 -1.
 */
export const COPY_BINARY_HEADER: Uint8Array = new Uint8Array([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
export const COPY_BINARY_TRAILER: Uint8Array = new Uint8Array([0xff, 0xff]);

/** Writes a tuple's int16 field count at out[at]; returns at + 2. */
export function writeTupleHeader(out: Uint8Array, at: number, fields: number): number {
  out[at] = fields >>> 8;
  out[at + 1] = fields;
  return at + 2;
}

/** Writes a NULL field at out[at]; returns at + 4. */
export function writeNullField(out: Uint8Array, at: number): number {
  out[at] = out[at + 1] = out[at + 2] = out[at + 3] = 0xff;
  return at + 4;
}

/**
 * The most bytes any field writer writes for a text of `textBytes` bytes (the caller keeps that
 * much room at `at`). The widest is an array literal of one-digit numerics, `{"1","2"}`: 4 + 12 bytes
 * for every 4 characters.
 */
export function fieldBound(textBytes: number): number {
  return 4 * textBytes + 32;
}

/**
 * The field writer for a column of this type (its type name as format_type gives it, or a
 * DDL alias), or null when the type has none. Arrays: one-dimensional `type[]` of a supported
 * element type, from the literal the CSV path sends.
 */
export function binaryWriterFor(pgType: string): BinaryFieldWriter | null {
  const element = arrayElementType(pgType);
  if (element !== null) return arrayLiteralWriter(element);
  return scalarBinaryType(pgType)?.write ?? null;
}

/**
 * Whether a column of this type can be sent in binary: a stream uses binary COPY only when
 * every column's type can.
 */
export function binaryTypeSupported(pgType: string): boolean {
  return arrayElementType(pgType) !== null || scalarBinaryType(pgType) !== null;
}
