/**
 * Binary COPY fields that store exactly what the CSV path stores, or decline.
 *
 * Two levels: field writers take the text PostgreSQL's input function would get (as UTF-8
 * bytes) and write the field its receive function turns into the same value; value encoders
 * take the JS values csv.ts's encoderFor takes and derive that text the way csv.ts does.
 * Declining (-1) is always safe: the caller sends that row as CSV and PostgreSQL decides.
 *
 * Session assumptions (the target's transactions set them, see load/transaction.ts): TimeZone
 * UTC (a date-time without an offset is UTC), the Default timezone_abbreviations (Z is UTC),
 * client_encoding UTF8 (node-postgres').
 */
export { DECLINE, NEED_ROOM, binaryRoomNeeded, type BinaryFieldWriter } from './bytes.js';
export { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, binaryTypeSupported, binaryWriterFor, fieldBound, writeNullField, writeTupleHeader } from './field-writers.js';
export { binaryEncoderFor, type BinaryValueEncoder } from './value-encoders.js';
