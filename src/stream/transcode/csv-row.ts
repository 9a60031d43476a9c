import { QUOTE, scanLiteral, scanNumber, scanString, scanned, skipWs } from './json-bytes.js';
import { Tok, type RecordScan } from './record-scan.js';
import { Mode, writeJsonCsv, writeStringBody } from './string-bytes.js';
import type { FieldPlan } from './transcode-plan.js';

/** What the message around a record gives its metadata columns (byte ranges of the line, -1 for none). */
export interface RecordEnvelope {
  /** time_extracted's characters (a string without escapes). */
  extractedStart: number;
  extractedEnd: number;
  /** The version's digits. */
  versionStart: number;
  versionEnd: number;
  /** The version as digits, when it comes from elsewhere than the line (a BATCH message). */
  versionConst?: Uint8Array;
}

/** Per-row text that is not in the line: the time the line was read, the run's start. */
export interface RowConstants {
  receivedAt: Uint8Array;
  syncStartedAt: Uint8Array;
}

const COMMA = 0x2c;

export function copy(src: Uint8Array, s: number, e: number, out: Uint8Array, at: number): number {
  for (let i = s; i < e; i++) out[at++] = src[i];
  return at;
}

/**
 * An array column's literal `{...}` (as a quoted CSV field's body when `csv`, else as it is);
 * -1 for an element it leaves to the generic path.
 */
export function writeArrayLiteral(src: Uint8Array, s: number, e: number, element: string | undefined, out: Uint8Array, at: number, csv: boolean): number {
  out[at++] = 0x7b;
  if (src[s] === QUOTE) {
    // a bare string is a one-element array
    at = writeElement(src, s, e, element, out, at, csv);
    out[at++] = 0x7d;
    return at;
  }
  let i = skipWs(src, s + 1, e);
  let first = true;
  while (src[i] !== 0x5d) {
    if (!first) out[at++] = COMMA;
    first = false;
    const c = src[i];
    let end: number;
    if (c === QUOTE) end = scanString(src, i, e);
    else if (c === 0x74 || c === 0x66 || c === 0x6e) end = scanLiteral(src, i);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) end = scanNumber(src, i, e);
    else return -1;
    if (end < 0) return -1;
    at = writeElement(src, i, end, element, out, at, csv);
    i = skipWs(src, end, e);
    if (src[i] === COMMA) i = skipWs(src, i + 1, e);
  }
  out[at++] = 0x7d;
  return at;
}

function writeElement(src: Uint8Array, s: number, e: number, element: string | undefined, out: Uint8Array, at: number, csv: boolean): number {
  const c = src[s];
  if (c === 0x6e) {
    out[at++] = 0x4e; // NULL
    out[at++] = 0x55;
    out[at++] = 0x4c;
    out[at++] = 0x4c;
    return at;
  }
  out[at++] = QUOTE;
  if (csv) out[at++] = QUOTE;
  if (c === QUOTE) {
    scanString(src, s, e);
    at = writeStringBody(src, s, e, scanned.escaped, out, at, csv ? Mode.csvArrayElement : Mode.arrayElement);
  } else if (element === 'boolean' && (c === 0x74 || c === 0x66)) out[at++] = c;
  else at = copy(src, s, e, out, at);
  out[at++] = QUOTE;
  if (csv) out[at++] = QUOTE;
  return at;
}

/**
 * Writes a scanned record as one CSV row for COPY (FORMAT csv), field for field what the
 * generic row encoder writes for the same record (see stream/row-encoder.ts and csv.ts);
 * returns the position after the row's newline, or -1 for a value it leaves to the generic path.
 */
export function writeCsvRow(fields: readonly FieldPlan[], scan: RecordScan, src: Uint8Array, env: RecordEnvelope, k: RowConstants, out: Uint8Array, at: number): number {
  const kinds = scan.kind;
  for (let f = 0; f < fields.length; f++) {
    if (f > 0) out[at++] = COMMA;
    const field = fields[f];
    if ('meta' in field) {
      switch (field.meta) {
        case '_sdc_extracted_at':
          if (env.extractedEnd > env.extractedStart) {
            out[at++] = QUOTE;
            at = copy(src, env.extractedStart, env.extractedEnd, out, at);
            out[at++] = QUOTE;
          }
          break;
        case '_sdc_received_at':
          at = copy(k.receivedAt, 0, k.receivedAt.length, out, at);
          break;
        case '_sdc_table_version':
          if (env.versionConst) at = copy(env.versionConst, 0, env.versionConst.length, out, at);
          else if (env.versionStart >= 0) at = copy(src, env.versionStart, env.versionEnd, out, at);
          break;
        case '_sdc_sync_started_at':
          at = copy(k.syncStartedAt, 0, k.syncStartedAt.length, out, at);
          break;
        default:
          // _sdc_deleted_at: the scan took only records without one
          break;
      }
      continue;
    }
    const slot = field.slot;
    const kind = kinds[slot];
    if (kind <= Tok.null) continue;
    const s = scan.start[slot];
    const e = scan.end[slot];
    switch (field.kind) {
      case 'integer':
      case 'number':
        at = copy(src, s, e, out, at);
        break;
      case 'boolean':
        out[at++] = kind === Tok.true ? 0x74 : 0x66;
        break;
      case 'json':
        out[at++] = QUOTE;
        at = writeJsonCsv(src, s, e, out, at);
        out[at++] = QUOTE;
        break;
      case 'array':
        out[at++] = QUOTE;
        at = writeArrayLiteral(src, s, e, field.element, out, at, true);
        if (at < 0) return -1;
        out[at++] = QUOTE;
        break;
      default:
        // text, timestamptz, date, time, uuid: a string's characters; a number's digits, true / false as text
        out[at++] = QUOTE;
        if (kind === Tok.string) at = writeStringBody(src, s, e, scan.escaped[slot] === 1, out, at, Mode.csv);
        else at = copy(src, s, e, out, at);
        out[at++] = QUOTE;
    }
  }
  out[at++] = 0x0a;
  return at;
}
