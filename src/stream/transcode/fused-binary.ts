import { put32, putInt64 } from '../binary/bytes.js';
import { tapStamp, writeTapTimestamptz } from '../binary/date-time.js';
import type { BinaryFieldWriter } from '../binary/index.js';
import { writeTextArray } from './binary-row.js';
import { PLAIN, isDateTimeBytes, scanLiteral, scanNumber, scanned, utf8Sequence } from './json-bytes.js';
import { SIMPLE_ESCAPES } from './string-bytes.js';
import { Tok, type RecordScan } from './record-scan.js';
import { T, type FieldPlan, type PropNode, type TranscodePlan } from './transcode-plan.js';

/**
 * The one-pass binary writer of a stream, generated from its plan: for a record whose keys come
 * in schema order, one per property, written as taps write JSON (`"name":value`, optionally a
 * space after `:` and `,`), it checks each value and writes its binary COPY field in the same
 * pass, with no dispatch per field. Anything else (another key order, a missing or unknown key,
 * an escape, whitespace elsewhere, a value of another kind) returns -1 and the record takes
 * the two-pass transcoder (scan, then write), which is the reference: for every record this
 * writer takes, it writes the same bytes.
 *
 * Generated only when the plan's data fields come first, in the order of its properties (depth
 * first, flattened objects in place), and every property is of a kind written here: text
 * without a format, bigint, numeric, boolean, timestamptz with format date-time, text[] of
 * strings, and flattened objects of these.
 */
export interface FusedWriter {
  /** Writes the data fields of the record object at src[i] (the line ends before `end`) to out[at]; the position after the record in src (at most `end`), or -1. */
  write(src: Uint8Array, i: number, end: number, out: Uint8Array, at: number, scan: RecordScan): number;
  /** Where the last successful write's output ended. */
  readonly end: number;
  /** How many fields it writes (the plan's data fields; its metadata fields follow). */
  readonly dataFields: number;
}

/**
 * The value writers the generated code calls: each checks the value at src[i] and writes its
 * field at out[at], returning the output position (or -1) and leaving the input position in
 * `cursor.i`. Kept out of the generated function, which stays a short sequence of calls: one
 * big function took V8 up to 220 ms to optimize, per worker and again after each deopt.
 */
const cursor = { i: 0 };

/** A string's characters (past its opening quote at i) as a text field's bytes; `escapes`: decode two-character escapes. */
function text(src: Uint8Array, i: number, end: number, out: Uint8Array, at: number, escapes: boolean): number {
  if (src[i] !== 0x22) return -1;
  i++;
  const p = at;
  at += 4;
  for (;;) {
    const c = src[i];
    if (PLAIN[c] === 1) {
      out[at++] = c;
      i++;
      continue;
    }
    if (c === 0x22) break;
    if (c === 0x5c && escapes) {
      const d = SIMPLE_ESCAPES[src[i + 1]];
      if (!(d > 0)) return -1;
      out[at++] = d;
      i += 2;
      continue;
    }
    if (i >= end || c < 0x80) return -1;
    let n = utf8Sequence(src, i, end);
    if (n < 0) return -1;
    while (n-- > 0) out[at++] = src[i++];
  }
  cursor.i = i + 1;
  put32(out, p, at - p - 4);
  return at;
}

/** bigint: digits without a leading zero, no fraction or exponent, at most 15 (exact as a double), not -0. */
function int8(src: Uint8Array, i: number, out: Uint8Array, at: number): number {
  let c = src[i];
  const negative = c === 0x2d;
  if (negative) c = src[++i];
  let v: number;
  if (c === 0x30) {
    v = 0;
    i++;
  } else if (c >= 0x31 && c <= 0x39) {
    v = c - 0x30;
    i++;
    let n = 1;
    while ((c = src[i]) >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      i++;
      if (++n > 15) return -1;
    }
  } else return -1;
  c = src[i];
  if (c === 0x2e || c === 0x65 || c === 0x45 || (c >= 0x30 && c <= 0x39)) return -1;
  if (negative) {
    if (v === 0) return -1;
    v = -v;
  }
  put32(out, at, 8);
  putInt64(out, at + 4, v);
  cursor.i = i;
  return at + 12;
}

/** numeric (or another number column) through its writer, from a number scanNumber takes; `integer`: only integers. */
function number(src: Uint8Array, i: number, end: number, out: Uint8Array, at: number, writer: BinaryFieldWriter, integer: boolean): number {
  const c = src[i];
  if (c !== 0x2d && (c < 0x30 || c > 0x39)) return -1;
  const e = scanNumber(src, i, end);
  if (e < 0 || (integer && !scanned.integer)) return -1;
  cursor.i = e;
  return writer(src, i, e, out, at);
}

function boolean(src: Uint8Array, i: number, out: Uint8Array, at: number): number {
  const e = src[i] === 0x6e ? -1 : scanLiteral(src, i);
  if (e < 0) return -1;
  cursor.i = e;
  put32(out, at, 1);
  out[at + 4] = src[i] === 0x74 ? 1 : 0;
  return at + 5;
}

/** timestamptz from a date-time string of plain characters (the form taps write, in one pass). */
function dateTime(src: Uint8Array, i: number, out: Uint8Array, at: number, writer: BinaryFieldWriter): number {
  if (src[i] !== 0x22) return -1;
  const s = i + 1;
  const tap = writeTapTimestamptz(src, s, out, at);
  if (tap >= 0 && src[tapStamp.end] === 0x22) {
    cursor.i = tapStamp.end + 1;
    return tap;
  }
  i = s;
  while (PLAIN[src[i]] === 1) i++;
  if (src[i] !== 0x22 || !isDateTimeBytes(src, s, i)) return -1;
  cursor.i = i + 1;
  return writer(src, s, i, out, at);
}

/** text[] from an array of strings, as the two-pass writer writes it. */
function textArray(src: Uint8Array, i: number, end: number, out: Uint8Array, at: number): number {
  return src[i] === 0x5b ? writeTextArray(src, i, end, out, at, cursor) : -1;
}

const HELPERS = { cursor, text, int8, number, boolean, dateTime, textArray, scanLiteral, Tok };

type Leaf = { node: PropNode; field: Extract<FieldPlan, { slot: number }>; f: number };

/** Flattened objects nested deeper than this get no one-pass writer (the scan's limit is 64). */
const MAX_FUSED_DEPTH = 16;

type Factory = (h: typeof HELPERS, w: ReadonlyArray<BinaryFieldWriter | null>, st: { end: number }) => FusedWriter['write'];
const factories = new Map<string, Factory>();

/** The fused writer of a plan, or undefined when its shape is not one it handles. */
export function fusedBinaryWriter(plan: TranscodePlan, writers: ReadonlyArray<BinaryFieldWriter | null>, textArray: readonly boolean[]): FusedWriter | undefined {
  const fields = plan.fields;
  const dataCount = fields.findIndex((f) => 'meta' in f);
  const data = dataCount < 0 ? fields.length : dataCount;
  if (fields.slice(data).some((f) => !('meta' in f))) return undefined;
  const bySlot = new Map<number, number>();
  fields.slice(0, data).forEach((f, i) => bySlot.set((f as { slot: number }).slot, i));
  const tracked = new Set([...plan.keySlots, ...(plan.orderSlot === undefined ? [] : [plan.orderSlot])]);
  if (plan.deletedSlot !== undefined) return undefined;
  let next = 0;
  let ok = true;
  const code: string[] = [];
  const leafNulls = (nodes: PropNode[]): string[] => nodes.flatMap((n) => (n.children ? leafNulls(n.children) : ['out[at]=out[at+1]=out[at+2]=out[at+3]=255;at+=4;']));
  const emitObject = (nodes: PropNode[], depth: number) => {
    // the scan declines values nested 64 deep; so that this writer never takes one it declines, deep plans get none
    if (depth > MAX_FUSED_DEPTH) ok = false;
    code.push('if(src[i]!==123)return -1;i++;');
    nodes.forEach((node, k) => {
      const q = node.quoted;
      if (!q || node.slot === undefined) {
        ok = false;
        return;
      }
      // the key (`"name":`, then at most one space), its bytes compared one by one, unrolled (a wide row: 1.33 µs instead of 1.55
      // with a loop over them; the line's end is checked once, after the record)
      code.push(`if(${Array.from(q, (b, n) => `src[i${n ? '+' + n : ''}]!==${b}`).join('||')})return -1;i+=${q.length};if(src[i]===32)i++;`);
      const nullable = (node.check.types & T.null) !== 0;
      const nullCase = (what: string) => (nullable ? `if(src[i]===110){i=scanLiteral(src,i);if(i<0)return -1;${what}}else ` : '');
      if (node.children) {
        if ((node.check.types & T.object) === 0) ok = false;
        code.push(nullCase(leafNulls(node.children).join('')) + '{');
        emitObject(node.children, depth + 1);
        code.push('}');
      } else {
        const f = bySlot.get(node.slot);
        if (f === undefined || f !== next) {
          ok = false;
          return;
        }
        next++;
        const leaf: Leaf = { node, field: fields[f] as Leaf['field'], f };
        const body = leafCode(leaf, writers[f], textArray[f], tracked.has(node.slot));
        if (body === undefined) {
          ok = false;
          return;
        }
        code.push(nullCase(tracked.has(node.slot) ? 'return -1;' : 'out[at]=out[at+1]=out[at+2]=out[at+3]=255;at+=4;') + `{${body}}`);
      }
      code.push(k < nodes.length - 1 ? 'if(src[i]!==44)return -1;i++;if(src[i]===32)i++;' : 'if(src[i]!==125)return -1;i++;');
    });
    if (nodes.length === 0) code.push('if(src[i]!==125)return -1;i++;');
  };
  emitObject(plan.props, 0);
  if (!ok || next !== data) return undefined;
  const source = `"use strict";const{cursor,text,int8,number,boolean,dateTime,textArray,scanLiteral,Tok}=H;
return function fused(src,i,end,out,at,scan){let s=0;${code.join('\n')}
if(i>end)return -1;state.end=at;return i;};`;
  const state = { end: 0 };
  // streams of one shape (20 tables of one schema) share the factory: one function for V8 to optimize, not one per stream
  let make = factories.get(source);
  if (!make) {
    make = new Function('H', 'W', 'state', source) as Factory;
    factories.set(source, make);
  }
  const write = make(HELPERS, writers, state);
  return {
    write,
    dataFields: data,
    get end() {
      return state.end;
    },
  };
}

/** The code that checks and writes one leaf's non-null value (src[i] at its first byte), or undefined for a kind not handled here. */
function leafCode(leaf: Leaf, writer: BinaryFieldWriter | null, isTextArray: boolean, tracked: boolean): string | undefined {
  const { node, field, f } = leaf;
  const t = node.check.types;
  const keep = (kind: string) => (tracked ? `scan.kind[${node.slot}]=Tok.${kind};scan.start[${node.slot}]=s;scan.end[${node.slot}]=i;scan.escaped[${node.slot}]=0;` : '');
  const call = (expr: string, kind: string) => `s=i;at=${expr};if(at<0)return -1;i=cursor.i;${keep(kind)}`;
  if (writer === null) return undefined;
  const type = field.type.toLowerCase().trim();
  switch (field.kind) {
    case 'text':
      if (node.check.format || (t & T.string) === 0 || type !== 'text') return undefined;
      // a key's identity is read from its bytes: with escapes it is left to the two-pass writer
      return call(`text(src,i,end,out,at,${!tracked})`, 'string');
    case 'integer':
      if ((t & (T.integer | T.number)) === 0 || type !== 'bigint') return undefined;
      return call('int8(src,i,out,at)', 'number');
    case 'number':
      if ((t & (T.integer | T.number)) === 0 || (type !== 'numeric' && type !== 'decimal')) return undefined;
      return call(`number(src,i,end,out,at,W[${f}],${(t & T.number) === 0})`, 'number');
    case 'boolean':
      if ((t & T.boolean) === 0) return undefined;
      return `s=i;at=boolean(src,i,out,at);if(at<0)return -1;i=cursor.i;${tracked ? `scan.kind[${node.slot}]=src[s]===116?Tok.true:Tok.false;scan.start[${node.slot}]=s;scan.end[${node.slot}]=i;scan.escaped[${node.slot}]=0;` : ''}`;
    case 'timestamp':
      if (!node.check.dateTime || (t & T.string) === 0 || (type !== 'timestamp with time zone' && type !== 'timestamptz')) return undefined;
      return call(`dateTime(src,i,out,at,W[${f}])`, 'string');
    case 'array': {
      const items = node.check.items;
      if (!isTextArray || tracked || (t & T.array) === 0 || (items !== undefined && ((items.types & T.string) === 0 || items.format || items.properties || items.items))) return undefined;
      return call('textArray(src,i,end,out,at)', 'array');
    }
    default:
      return undefined;
  }
}
