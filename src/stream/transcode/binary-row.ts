import { DECLINE, binaryWriterFor, writeNullField as nullField, type BinaryFieldWriter } from '../binary/index.js';
import { put32 } from '../binary/bytes.js';
import { copy, writeArrayLiteral, type RecordEnvelope, type RowConstants } from './csv-row.js';
import { Tok, type RecordScan } from './record-scan.js';
import { Mode, writeStringBody } from './string-bytes.js';
import type { FieldPlan } from './transcode-plan.js';

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

/**
 * Writes a scanned record as binary COPY fields (the stream buffer leads the tuple with its
 * field count), each through the writer of its column's actual type, from the same text the
 * CSV row would carry: what is stored is the same. -1 when some value is one the writers
 * decline; the record then travels as a CSV row.
 */
export class BinaryRowWriter {
  private readonly writers: Array<BinaryFieldWriter | null>;
  private readonly constants: Array<ConstantField | undefined>;
  private literal = new Uint8Array(4096);

  constructor(private readonly fields: readonly FieldPlan[]) {
    this.writers = fields.map((f) => binaryWriterFor(f.type));
    this.constants = fields.map((f, i) => ('meta' in f && (f.meta === '_sdc_received_at' || f.meta === '_sdc_sync_started_at') && this.writers[i] ? new ConstantField(this.writers[i]!) : undefined));
  }

  /** The most bytes `write` writes for a line of `lineBytes`. */
  bound(lineBytes: number): number {
    return 4 * lineBytes + 48 * this.fields.length + 128;
  }

  write(scan: RecordScan, src: Uint8Array, env: RecordEnvelope, k: RowConstants, out: Uint8Array, at: number): number {
    const fields = this.fields;
    const kinds = scan.kind;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f];
      const writer = this.writers[f];
      if (writer === null) return DECLINE;
      if ('meta' in field) {
        switch (field.meta) {
          case '_sdc_extracted_at':
            at = env.extractedEnd > env.extractedStart ? writer(src, env.extractedStart, env.extractedEnd, out, at) : nullField(out, at);
            break;
          case '_sdc_received_at':
          case '_sdc_sync_started_at': {
            const bytes = this.constants[f]!.of(field.meta === '_sdc_received_at' ? k.receivedAt : k.syncStartedAt);
            if (bytes === undefined) return DECLINE;
            out.set(bytes, at);
            at += bytes.length;
            break;
          }
          case '_sdc_table_version':
            if (env.versionConst) at = writer(env.versionConst, 0, env.versionConst.length, out, at);
            else at = env.versionStart >= 0 ? writer(src, env.versionStart, env.versionEnd, out, at) : nullField(out, at);
            break;
          default:
            // _sdc_deleted_at: the scan took only records without one
            at = nullField(out, at);
        }
        if (at < 0) return DECLINE;
        continue;
      }
      const slot = field.slot;
      const kind = kinds[slot];
      if (kind <= Tok.null) {
        at = nullField(out, at);
        continue;
      }
      const s = scan.start[slot];
      const e = scan.end[slot];
      switch (field.kind) {
        case 'boolean':
          put32(out, at, 1);
          out[at + 4] = kind === Tok.true ? 1 : 0;
          at += 5;
          break;
        case 'json': {
          // jsonb's binary form: version 1, then the JSON text
          put32(out, at, e - s + 1);
          out[at + 4] = 1;
          at = copy(src, s, e, out, at + 5);
          break;
        }
        case 'array': {
          if (this.literal.length < 4 * (e - s) + 16) this.literal = new Uint8Array(8 * (e - s) + 16);
          const n = writeArrayLiteral(src, s, e, field.element, this.literal, 0, false);
          if (n < 0) return DECLINE;
          at = writer(this.literal, 0, n, out, at);
          break;
        }
        case 'text':
          if (kind === Tok.string) {
            const body = writeStringBody(src, s, e, scan.escaped[slot] === 1, out, at + 4, Mode.raw);
            put32(out, at, body - at - 4);
            at = body;
          } else at = writer(src, s, e, out, at);
          break;
        case 'integer':
        case 'number':
          at = writer(src, s, e, out, at);
          break;
        default:
          // timestamptz, date, time, uuid: a string's characters (escaped ones are left to the CSV row)
          if (scan.escaped[slot] === 1) return DECLINE;
          at = writer(src, s + 1, e - 1, out, at);
      }
      if (at < 0) return DECLINE;
    }
    return at;
  }
}
