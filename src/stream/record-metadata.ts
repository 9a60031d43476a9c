import type { RecordMessage } from '../protocol/messages.js';
import type { MetadataField } from '../schema/columns.js';
import type { RecordMeta } from './row-encoder.js';
import { put32, putInt64 } from './binary/bytes.js';

/**
 * The values of the `_sdc_*` columns, built here and nowhere else.
 *
 * Per record (by the record pipeline, on whichever thread runs it): _sdc_extracted_at (the
 * tap's time_extracted), _sdc_received_at (when the target read the line), _sdc_deleted_at
 * (from the record), _sdc_table_version (the RECORD's version), _sdc_sync_started_at (the run's
 * start).
 *
 * Per position in the input, stamped when the row joins its batch (by the stream's buffer, on
 * the main thread, which alone knows the input order): _sdc_sequence, the record's sequence
 * number in the run on top of a base that grows between runs (so a later run's records order
 * after an earlier run's), and _sdc_batched_at, when the batch holding the row was opened (its
 * first row arrived), as in the Singer SDK.
 */
export function recordMeta(message: RecordMessage, receivedAt: string, syncStartedAt: string): RecordMeta {
  return { extractedAt: message.time_extracted, receivedAt, tableVersion: message.version, syncStartedAt };
}

/** The columns the buffer stamps, in the order they lead each row. */
export const STAMPED_COLUMNS: readonly MetadataField[] = ['_sdc_sequence', '_sdc_batched_at'];

/** The first `_sdc_sequence` of a run: epoch microseconds at its start, so runs follow each other. */
export function sequenceBase(startedAtMs: number): number {
  return startedAtMs * 1000;
}

/** The CSV fields that lead a stamped row: `_sdc_sequence,_sdc_batched_at,`. */
export function stampPrefix(sequence: number, batchedAt: string): string {
  return `${sequence},${batchedAt},`;
}

/** What follows the sequence in every stamped row of a batch: `,_sdc_batched_at,` as bytes. */
export function stampTail(batchedAt: string): Buffer {
  return Buffer.from(`,${batchedAt},`, 'latin1');
}

/**
 * Writes a stamped row's leading fields at `at` (the same bytes as stampPrefix, without building
 * a string: this runs for every row on the main thread); returns the bytes written. The
 * sequence (below 2^53) is written as two int32 halves, as integer digit arithmetic is several
 * times faster than a double's.
 */
export function writeStamp(out: Uint8Array, at: number, sequence: number, tail: Uint8Array): number {
  const hi = Math.floor(sequence / 1e8);
  let pos = hi > 0 ? writeDigits(out, writeDigits(out, at, hi, 0), sequence - hi * 1e8, 8) : writeDigits(out, at, sequence, 0);
  for (let i = 0; i < tail.length; i++) out[pos++] = tail[i];
  return pos - at;
}

/** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC). */
const PG_EPOCH_US = 946_684_800_000_000;

/** A binary COPY bigint field (length 8, big-endian) for an integer below 2^53 in magnitude; the position after it. */
export function writeInt8Field(out: Uint8Array, at: number, n: number): number {
  put32(out, at, 8);
  putInt64(out, at + 4, n);
  return at + 12;
}

/** The binary COPY timestamptz field of `_sdc_batched_at` (epoch milliseconds), shared by every row of a batch. */
export function binaryStampTail(batchedAtMs: number): Buffer {
  const out = Buffer.allocUnsafe(12);
  writeInt8Field(out, 0, batchedAtMs * 1000 - PG_EPOCH_US);
  return out;
}

/** Writes a binary stamped row's leading fields (_sdc_sequence, then the batch's _sdc_batched_at) at `at`; returns the bytes written. */
export function writeBinaryStamp(out: Buffer, at: number, sequence: number, tail: Uint8Array): number {
  const end = writeInt8Field(out, at, sequence);
  out.set(tail, end);
  return end + tail.length - at;
}

/** Writes an integer below 1e8 in decimal, zero-padded to `width` digits; returns the position after it. */
function writeDigits(out: Uint8Array, at: number, n: number, width: number): number {
  let v = n | 0;
  let digits = 1;
  for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
  if (digits < width) digits = width;
  for (let i = at + digits - 1; i >= at; i--) {
    const q = (v / 10) | 0;
    out[i] = 48 + v - q * 10;
    v = q;
  }
  return at + digits;
}

/** The current time as ISO text, formatted once per millisecond. */
export function isoClock(): () => string {
  let ms = 0;
  let iso = '';
  return () => {
    const now = Date.now();
    if (now !== ms) {
      ms = now;
      iso = new Date(now).toISOString();
    }
    return iso;
  };
}
