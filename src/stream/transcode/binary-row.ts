import { DECLINE, binaryWriterFor, writeNullField as nullField, type BinaryFieldWriter } from '../binary/index.js';
import { put32 } from '../binary/bytes.js';
import { ARRAY_HEAD, finishArray, writeEmptyArray } from '../binary/arrays.js';
import { arrayElementType } from '../binary/types.js';
import { QUOTE, scanString, scanned, skipWs } from './json-bytes.js';
import { copy, writeArrayLiteral, type RecordEnvelope, type RowConstants } from './csv-row.js';
import { Tok, type RecordScan } from './record-scan.js';
import { Mode, writeStringBody } from './string-bytes.js';
import type { FieldPlan } from './transcode-plan.js';

const TEXT_OID = 25;

/**
 * A text[] field straight from the JSON array of strings at src[s] (each element's text is its
 * string's characters, escapes decoded; the array ends before `e`); -1 for any other array
 * (and for the strings scanString declines), which then goes through its literal like the CSV
 * path. `after.i` is set to the position after the array.
 */
export function writeTextArray(src: Uint8Array, s: number, e: number, out: Uint8Array, at: number, after?: { i: number }): number {
  let i = skipWs(src, s + 1, e);
  if (src[i] === 0x5d) {
    if (after) after.i = i + 1;
    return writeEmptyArray(out, at, TEXT_OID);
  }
  let p = at + ARRAY_HEAD;
  let count = 0;
  for (;;) {
    if (src[i] !== QUOTE) return -1;
    const end = scanString(src, i, e);
    if (end < 0) return -1;
    const body = writeStringBody(src, i, end, scanned.escaped, out, p + 4, Mode.raw);
    put32(out, p, body - p - 4);
    p = body;
    count++;
    i = skipWs(src, end, e);
    if (src[i] === 0x5d) break;
    if (src[i] !== 0x2c) return -1;
    i = skipWs(src, i + 1, e);
  }
  if (after) after.i = i + 1;
  return finishArray(out, at, p, TEXT_OID, count, false);
}

/** A field of constant text (the run's start, a line's receive time) through its column type's writer, kept as bytes. */
class ConstantField {
  private key: Uint8Array | undefined;
  private bytes: Uint8Array = new Uint8Array(0);
  constructor(private readonly writer: BinaryFieldWriter) {}

  /** The field for `text` (recomputed only when `text` is another array); undefined when the writer declines it. */
  of(text: Uint8Array): Uint8Array | undefined {
    if (text !== this.key) {
      const out = new Uint8Array(4 * text.length + 64);
      const end = this.writer(text, 0, text.length, out, 0);
      this.key = text;
      this.bytes = end < 0 ? new Uint8Array(0) : out.slice(0, end);
    }
    return this.bytes.length ? this.bytes : undefined;
  }
}

/** What `write` does for a field, decided once per schema. */
const Op = { decline: 0, extracted: 1, received: 2, syncStarted: 3, version: 4, deleted: 5, boolean: 6, json: 7, array: 8, text: 9, number: 10, stringy: 11 } as const;

function opOf(field: FieldPlan, writer: BinaryFieldWriter | null): number {
  if (writer === null) return Op.decline;
  if ('meta' in field) {
    if (field.meta === '_sdc_extracted_at') return Op.extracted;
    if (field.meta === '_sdc_received_at') return Op.received;
    if (field.meta === '_sdc_sync_started_at') return Op.syncStarted;
    if (field.meta === '_sdc_table_version') return Op.version;
    // _sdc_deleted_at: the scan took only records without one
    return Op.deleted;
  }
  switch (field.kind) {
    case 'boolean':
      return Op.boolean;
    case 'json':
      return Op.json;
    case 'array':
      return Op.array;
    case 'text':
      return Op.text;
    case 'integer':
    case 'number':
      return Op.number;
    default:
      // timestamptz, date, time, uuid: a string's characters
      return Op.stringy;
  }
}

/**
 * Writes a scanned record as binary COPY fields (the stream buffer leads the tuple with its
 * field count), each through the writer of its column's actual type, from the same text the
 * CSV row would carry: what is stored is the same. -1 when some value is one the writers
 * decline; the record then travels as a CSV row.
 */
export class BinaryRowWriter {
  readonly writers: Array<BinaryFieldWriter | null>;
  private readonly constants: Array<ConstantField | undefined>;
  private readonly ops: Uint8Array;
  private readonly slots: Int32Array;
  private readonly elements: Array<string | undefined>;
  private literal = new Uint8Array(4096);
  /** writeMeta's bytes, and what they were written for. */
  private readonly tail: { received?: Uint8Array; syncStarted?: Uint8Array; version?: Uint8Array; from: number; bytes?: Uint8Array } = { from: -1 };
  /** Per field: a text[] column, whose arrays of plain strings are written without a literal. */
  readonly textArray: boolean[];

  constructor(private readonly fields: readonly FieldPlan[]) {
    this.writers = fields.map((f) => binaryWriterFor(f.type));
    this.ops = Uint8Array.from(fields.map((f, i) => opOf(f, this.writers[i])));
    this.slots = Int32Array.from(fields.map((f) => ('meta' in f ? -1 : f.slot)));
    this.elements = fields.map((f) => ('meta' in f ? undefined : f.element));
    this.textArray = fields.map((f) => !('meta' in f) && f.kind === 'array' && f.element === 'text' && arrayElementType(f.type)?.oid === TEXT_OID);
    this.constants = fields.map((f, i) => ('meta' in f && (f.meta === '_sdc_received_at' || f.meta === '_sdc_sync_started_at') && this.writers[i] ? new ConstantField(this.writers[i]!) : undefined));
  }

  /** The most bytes `write` writes for a line of `lineBytes`. */
  bound(lineBytes: number): number {
    return 4 * lineBytes + 48 * this.fields.length + 128;
  }

  /**
   * Writes the fields from `from` on, all of them metadata (after the one-pass writer's data
   * fields). Unless one takes a value from the record's envelope (time_extracted, version), they
   * are the same bytes for every record of a block: written once, then copied.
   */
  writeMeta(scan: RecordScan, src: Uint8Array, env: RecordEnvelope, k: RowConstants, out: Uint8Array, at: number, from: number): number {
    if (env.extractedStart >= 0 || env.versionStart >= 0) return this.write(scan, src, env, k, out, at, from);
    const t = this.tail;
    if (t.received !== k.receivedAt || t.syncStarted !== k.syncStartedAt || t.version !== env.versionConst || t.from !== from) {
      const bytes = new Uint8Array(this.bound(0));
      const end = this.write(scan, src, env, k, bytes, 0, from);
      Object.assign(t, { received: k.receivedAt, syncStarted: k.syncStartedAt, version: env.versionConst, from, bytes: end < 0 ? undefined : bytes.slice(0, end) });
    }
    return t.bytes === undefined ? DECLINE : copy(t.bytes, 0, t.bytes.length, out, at);
  }

  /** Writes the fields from field `from` on (the fused writer wrote those before it). */
  write(scan: RecordScan, src: Uint8Array, env: RecordEnvelope, k: RowConstants, out: Uint8Array, at: number, from = 0): number {
    const ops = this.ops;
    const kinds = scan.kind;
    for (let f = from; f < ops.length; f++) {
      const op = ops[f];
      const writer = this.writers[f]!;
      if (op <= Op.deleted) {
        switch (op) {
          case Op.decline:
            return DECLINE;
          case Op.extracted:
            at = env.extractedEnd > env.extractedStart ? writer(src, env.extractedStart, env.extractedEnd, out, at) : nullField(out, at);
            break;
          case Op.received:
          case Op.syncStarted: {
            const bytes = this.constants[f]!.of(op === Op.received ? k.receivedAt : k.syncStartedAt);
            if (bytes === undefined) return DECLINE;
            at = copy(bytes, 0, bytes.length, out, at);
            break;
          }
          case Op.version:
            if (env.versionConst) at = writer(env.versionConst, 0, env.versionConst.length, out, at);
            else at = env.versionStart >= 0 ? writer(src, env.versionStart, env.versionEnd, out, at) : nullField(out, at);
            break;
          default:
            at = nullField(out, at);
        }
        if (at < 0) return DECLINE;
        continue;
      }
      const slot = this.slots[f];
      const kind = kinds[slot];
      if (kind <= Tok.null) {
        at = nullField(out, at);
        continue;
      }
      const s = scan.start[slot];
      const e = scan.end[slot];
      switch (op) {
        case Op.text:
          if (kind === Tok.string) {
            const body = writeStringBody(src, s, e, scan.escaped[slot] === 1, out, at + 4, Mode.raw);
            put32(out, at, body - at - 4);
            at = body;
          } else at = writer(src, s, e, out, at);
          break;
        case Op.number:
          at = writer(src, s, e, out, at);
          break;
        case Op.stringy:
          // escaped characters are left to the CSV row
          if (scan.escaped[slot] === 1) return DECLINE;
          at = writer(src, s + 1, e - 1, out, at);
          break;
        case Op.boolean:
          put32(out, at, 1);
          out[at + 4] = kind === Tok.true ? 1 : 0;
          at += 5;
          break;
        case Op.json:
          // jsonb's binary form: version 1, then the JSON text
          put32(out, at, e - s + 1);
          out[at + 4] = 1;
          at = copy(src, s, e, out, at + 5);
          break;
        default: {
          // an array
          if (this.textArray[f] && kind === Tok.array) {
            const direct = writeTextArray(src, s, e, out, at);
            if (direct >= 0) {
              at = direct;
              break;
            }
          }
          if (this.literal.length < 4 * (e - s) + 16) this.literal = new Uint8Array(8 * (e - s) + 16);
          const n = writeArrayLiteral(src, s, e, this.elements[f], this.literal, 0, false);
          if (n < 0) return DECLINE;
          at = writer(this.literal, 0, n, out, at);
        }
      }
      if (at < 0) return DECLINE;
    }
    return at;
  }
}
