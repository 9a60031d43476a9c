import type { RecordMessage } from '../protocol/messages.js';
import type { MetadataField } from '../schema/columns.js';
import type { RecordMeta } from './row-encoder.js';

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
