import { ExactNumber } from '../../protocol/exact-json.js';
import { writeCsvRow, type RecordEnvelope, type RowConstants } from './csv-row.js';
import { RecordScan, Tok, tokBit } from './record-scan.js';
import { BinaryRowWriter } from './binary-row.js';
import type { TranscodePlan } from './transcode-plan.js';
import { fusedBinaryWriter, type FusedWriter } from './fused-binary.js';

const ALL = 0xff;
const ACCEPT: Record<string, number> = {
  text: tokBit(Tok.string) | tokBit(Tok.number) | tokBit(Tok.true) | tokBit(Tok.false) | tokBit(Tok.null),
  timestamp: tokBit(Tok.string) | tokBit(Tok.null),
  date: tokBit(Tok.string) | tokBit(Tok.null),
  time: tokBit(Tok.string) | tokBit(Tok.null),
  uuid: tokBit(Tok.string) | tokBit(Tok.null),
  integer: tokBit(Tok.number) | tokBit(Tok.null),
  number: tokBit(Tok.number) | tokBit(Tok.null),
  boolean: tokBit(Tok.true) | tokBit(Tok.false) | tokBit(Tok.null),
  json: ALL,
  array: tokBit(Tok.array) | tokBit(Tok.null),
};

/**
 * The direct transcoder of one stream: a record's JSON bytes in, its row out, with no objects
 * in between. Built once per schema from its plan; `scanRecord` checks the record and keeps
 * its values' byte ranges, then `writeCsv`, `key` and `order` read them.
 */
export class Transcoder {
  private readonly scan: RecordScan;
  /** A binary stream's writer of the fields. */
  readonly binary: BinaryRowWriter | undefined;
  /** A binary stream's one-pass writer, when its plan has the shape one handles (fused-binary.ts). */
  readonly fused: FusedWriter | undefined;

  constructor(readonly plan: TranscodePlan, format?: 'binary') {
    this.binary = format === 'binary' ? new BinaryRowWriter(plan.fields) : undefined;
    const accept = new Int32Array(plan.slots).fill(ALL);
    for (const f of plan.fields) {
      if ('meta' in f) continue;
      let bits = ACCEPT[f.kind];
      if (f.kind === 'array' && f.element === 'text') bits |= tokBit(Tok.string);
      accept[f.slot] = bits;
    }
    if (plan.deletedSlot !== undefined) accept[plan.deletedSlot] = tokBit(Tok.null);
    for (const s of plan.keySlots) accept[s] &= ~tokBit(Tok.null) & ~tokBit(Tok.object) & ~tokBit(Tok.array);
    if (plan.orderSlot !== undefined) accept[plan.orderSlot] &= ~tokBit(Tok.object) & ~tokBit(Tok.array);
    this.scan = new RecordScan(plan, accept);
    this.fused = this.binary && process.env.TARGET_POSTGRES_FUSED !== 'off' ? fusedBinaryWriter(plan, this.binary.writers, this.binary.textArray) : undefined;
  }

  /**
   * A binary stream's one-pass writer: the record object at src[i] checked and its data fields
   * written to out[at] (room: binaryBound); the position after the record, or -1 when the
   * record takes scanRecord and writeBinary instead. `fused.end` is then where the fields end.
   */
  fusedRecord(src: Buffer, i: number, end: number, out: Uint8Array, at: number): number {
    return this.fused!.write(src, i, end, out, at, this.scan);
  }

  /** After fusedRecord: the metadata fields at out[at]; the position after them, or -1 (then scan and write the record again). */
  writeFusedMeta(src: Buffer, env: RecordEnvelope, k: RowConstants, out: Uint8Array, at: number): number {
    return this.binary!.writeMeta(this.scan, src, env, k, out, at, this.fused!.dataFields);
  }

  /**
   * Scans the record object at src[i] (the line ends before `end`); returns the position after
   * it, or -1 when the record takes the generic path.
   */
  scanRecord(src: Buffer, i: number, end: number): number {
    const after = this.scan.scan(src, i, end);
    if (after < 0) return -1;
    for (const s of this.plan.keySlots) if (this.scan.kind[s] === Tok.missing) return -1;
    // every byte past ASCII was in a string, and checked there to be UTF-8
    return after;
  }

  /** The scanned record's CSV row at out[at]; the position after it, or -1. Room: `csvBound`. */
  writeCsv(src: Buffer, env: RecordEnvelope, k: RowConstants, out: Uint8Array, at: number): number {
    return writeCsvRow(this.plan.fields, this.scan, src, env, k, out, at);
  }

  /** The scanned record's binary fields at out[at]; the position after them, or -1 (then the record is a CSV row). Room: `binaryBound`. */
  writeBinary(src: Buffer, env: RecordEnvelope, k: RowConstants, out: Uint8Array, at: number): number {
    return this.binary!.write(this.scan, src, env, k, out, at);
  }

  /** The most bytes `writeCsv` writes for a line of `lineBytes` (constants included). */
  csvBound(lineBytes: number, k: RowConstants): number {
    return 3 * lineBytes + 8 * this.plan.fields.length + k.receivedAt.length + k.syncStartedAt.length + 64;
  }

  /** The value of a scanned slot as the generic path reads it from the parsed record. */
  private value(src: Buffer, slot: number): unknown {
    const s = this.scan.start[slot];
    const e = this.scan.end[slot];
    switch (this.scan.kind[slot]) {
      case Tok.string:
        return this.scan.escaped[slot] ? (JSON.parse(src.toString('utf8', s, e)) as string) : src.toString('utf8', s + 1, e - 1);
      case Tok.number: {
        const text = src.toString('latin1', s, e);
        const n = Number(text);
        return String(n) === text ? n : new ExactNumber(text);
      }
      case Tok.true:
        return true;
      case Tok.false:
        return false;
      case Tok.null:
        return null;
      default:
        return undefined;
    }
  }

  /** The key's identity, as RecordPipeline computes it from the parsed record. */
  key(src: Buffer): string {
    const slots = this.plan.keySlots;
    if (slots.length === 1) {
      const slot = slots[0];
      const kind = this.scan.kind[slot];
      // a number's identity is its text either way (String of the double it prints as, or the exact number's text)
      if (kind === Tok.number) return src.toString('latin1', this.scan.start[slot], this.scan.end[slot]);
      if (kind === Tok.string && !this.scan.escaped[slot]) return src.toString('utf8', this.scan.start[slot] + 1, this.scan.end[slot] - 1);
      const v = this.value(src, slot);
      return typeof v === 'string' ? v : String(v);
    }
    const parts = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const v = this.value(src, slots[i]);
      parts[i] = v instanceof ExactNumber ? v.text : v;
    }
    return JSON.stringify(parts);
  }

  /** The bookmark value that orders records of one key (undefined without a bookmark). */
  order(src: Buffer): unknown {
    return this.plan.orderSlot === undefined ? undefined : this.value(src, this.plan.orderSlot);
  }
}
