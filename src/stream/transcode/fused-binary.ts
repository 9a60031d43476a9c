import { put32 } from '../binary/bytes.js';
import { finishArray, writeEmptyArray } from '../binary/arrays.js';
import type { BinaryFieldWriter } from '../binary/index.js';
import { isDateTimeBytes, scanNumber, scanned, utf8Sequence } from './json-bytes.js';
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
  /** Writes the data fields of the record object at src[i] to out[at]; the position after the record in src, or -1. `end` is where the output stopped. */
  write(src: Uint8Array, i: number, end: number, out: Uint8Array, at: number, scan: RecordScan): number;
  /** Where the last successful write's output ended. */
  readonly end: number;
}

const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) if (c !== 0x22 && c !== 0x5c) PLAIN[c] = 1;

/** What a two-character escape stands for (0: an escape left to the two-pass writer, such as \\u). */
const ESC = new Uint8Array(256);
for (const [e, c] of [[0x22, 0x22], [0x5c, 0x5c], [0x2f, 0x2f], [0x62, 0x08], [0x66, 0x0c], [0x6e, 0x0a], [0x72, 0x0d], [0x74, 0x09]]) ESC[e] = c;

const HELPERS = { PLAIN, ESC, utf8Sequence, scanNumber, scanned, isDateTimeBytes, put32, finishArray, writeEmptyArray, Tok };

type Leaf = { node: PropNode; field: Extract<FieldPlan, { slot: number }>; f: number };

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
    code.push('if(src[i]!==123)return -1;i++;');
    nodes.forEach((node, k) => {
      const q = node.quoted;
      if (!q || node.slot === undefined) {
        ok = false;
        return;
      }
      code.push(`if(${Array.from(q, (b, j) => `src[i+${j}]!==${b}`).join('||')})return -1;i+=${q.length};if(src[i]===32)i++;`);
      const nullable = (node.check.types & T.null) !== 0;
      const nullCase = (what: string) => (nullable ? `if(src[i]===110){if(src[i+1]!==117||src[i+2]!==108||src[i+3]!==108)return -1;i+=4;${what}}else ` : '');
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
  const source = `"use strict";const{PLAIN,ESC,utf8Sequence,scanNumber,scanned,isDateTimeBytes,put32,finishArray,writeEmptyArray,Tok}=H;
return function fused(src,i,end,out,at,scan){let c=0,s=0,p=0,n=0,v=0,h=0;${code.join('\n')}
state.end=at;return i;};`;
  const state = { end: 0 };
  const make = new Function('H', 'W', 'state', source) as (h: typeof HELPERS, w: ReadonlyArray<BinaryFieldWriter | null>, st: { end: number }) => FusedWriter['write'];
  const write = make(HELPERS, writers, state);
  return {
    write,
    get end() {
      return state.end;
    },
  };
}

/** As STRING_BODY, with the two-character escapes decoded (a text field holds the characters). */
const STRING_BODY_ESCAPED = `for(;;){c=src[i];if(PLAIN[c]===1){out[at++]=c;i++;continue;}if(c===34)break;if(c===92){c=ESC[src[i+1]];if(!(c>0))return -1;out[at++]=c;i+=2;continue;}if(i>=end||c<128)return -1;n=utf8Sequence(src,i,end);if(n<0)return -1;while(n-->0)out[at++]=src[i++];}i++;`;

/** Copies a JSON string's characters at src[i] (past its opening quote) to out[at]: plain and UTF-8 bytes; an escape or control character returns -1. Leaves i after the closing quote. */
const STRING_BODY = `for(;;){c=src[i];if(PLAIN[c]===1){out[at++]=c;i++;continue;}if(c===34)break;if(i>=end||c<128)return -1;n=utf8Sequence(src,i,end);if(n<0)return -1;while(n-->0)out[at++]=src[i++];}i++;`;

/** The code that checks and writes one leaf's non-null value (src[i] at its first byte), or undefined for a kind not handled here. */
function leafCode(leaf: Leaf, writer: BinaryFieldWriter | null, textArray: boolean, tracked: boolean): string | undefined {
  const { node, field, f } = leaf;
  const t = node.check.types;
  const keep = (kind: string) => (tracked ? `scan.kind[${node.slot}]=Tok.${kind};scan.start[${node.slot}]=s;scan.end[${node.slot}]=i;scan.escaped[${node.slot}]=0;` : '');
  if (writer === null) return undefined;
  const type = field.type.toLowerCase().trim();
  switch (field.kind) {
    case 'text':
      if (node.check.format || (t & T.string) === 0 || (type !== 'text' && type !== 'character varying' && type !== 'varchar')) return undefined;
      if (type !== 'text') return undefined;
      // a key's identity is read from its bytes: with escapes it is left to the two-pass writer
      return `if(src[i]!==34)return -1;s=i;i++;p=at;at+=4;${tracked ? STRING_BODY : STRING_BODY_ESCAPED}put32(out,p,at-p-4);${keep('string')}`;
    case 'integer':
      if ((t & (T.integer | T.number)) === 0 || type !== 'bigint') return undefined;
      // digits without a leading zero, no fraction or exponent, at most 15 (exact as a double), not -0
      return `s=i;c=src[i];h=0;if(c===45){h=1;c=src[++i];}if(c===48){v=0;i++;}else if(c>=49&&c<=57){v=c-48;i++;n=1;while((c=src[i])>=48&&c<=57){v=v*10+(c-48);i++;if(++n>15)return -1;}}else return -1;
c=src[i];if(c===46||c===101||c===69||(c>=48&&c<=57))return -1;if(h===1){if(v===0)return -1;v=-v;}
p=Math.floor(v/4294967296);put32(out,at,8);put32(out,at+4,p);put32(out,at+8,v-p*4294967296);at+=12;${keep('number')}`;
    case 'number': {
      if ((t & (T.integer | T.number)) === 0 || (type !== 'numeric' && type !== 'decimal')) return undefined;
      const allowed = (t & T.number) !== 0 ? '' : 'if(!scanned.integer)return -1;';
      return `c=src[i];if(c!==45&&(c<48||c>57))return -1;s=i;i=scanNumber(src,i,end);if(i<0)return -1;${allowed}at=W[${f}](src,s,i,out,at);if(at<0)return -1;${keep('number')}`;
    }
    case 'boolean':
      if ((t & T.boolean) === 0) return undefined;
      return `s=i;if(src[i]===116&&src[i+1]===114&&src[i+2]===117&&src[i+3]===101){i+=4;put32(out,at,1);out[at+4]=1;at+=5;${keep('true')}}else if(src[i]===102&&src[i+1]===97&&src[i+2]===108&&src[i+3]===115&&src[i+4]===101){i+=5;put32(out,at,1);out[at+4]=0;at+=5;${keep('false')}}else return -1;`;
    case 'timestamp':
      if (!node.check.dateTime || (t & T.string) === 0 || (type !== 'timestamp with time zone' && type !== 'timestamptz')) return undefined;
      return `if(src[i]!==34)return -1;s=i;i++;while(PLAIN[src[i]]===1)i++;if(src[i]!==34||!isDateTimeBytes(src,s+1,i))return -1;at=W[${f}](src,s+1,i,out,at);if(at<0)return -1;i++;${keep('string')}`;
    case 'array': {
      const items = node.check.items;
      if (!textArray || tracked || (t & T.array) === 0 || (items !== undefined && ((items.types & T.string) === 0 || items.format || items.properties || items.items))) return undefined;
      return `if(src[i]!==91)return -1;i++;if(src[i]===93){i++;at=writeEmptyArray(out,at,25);}else{h=at;at+=24;v=0;for(;;){if(src[i]!==34)return -1;i++;p=at;at+=4;${STRING_BODY}put32(out,p,at-p-4);v++;c=src[i];if(c===44){i++;if(src[i]===32)i++;continue;}if(c===93){i++;break;}return -1;}at=finishArray(out,h,at,25,v,false);}`;
    }
    default:
      return undefined;
  }
}
