import { isDateTimeBytes, QUOTE, bytesEqual, scanLiteral, scanNumber, scanString, scanned, skipWs, startsWith } from './json-bytes.js';
import { T, type PropNode, type TranscodePlan, type ValueCheck } from './transcode-plan.js';

/** Kinds of the value token kept in a slot. */
export const Tok = { missing: 0, null: 1, string: 2, number: 3, true: 4, false: 5, object: 6, array: 7 } as const;

/** Token kinds as bits, for what a slot's column takes. */
export const tokBit = (kind: number) => 1 << kind;

const ANY: ValueCheck = { types: 127 };

/** nextMember's answer when the container closed; `closedAt` is then the position after it. */
const CLOSED = -2;
let closedAt = 0;

/** After a value in an object or array: the next member's start (past the comma), CLOSED at `close`, or -1. */
function nextMember(src: Uint8Array, i: number, end: number, close: number): number {
  i = skipWs(src, i, end);
  const c = src[i];
  if (c === 0x2c) return skipWs(src, i + 1, end);
  if (c !== close) return -1;
  closedAt = i + 1;
  return CLOSED;
}
const MAX_DEPTH = 64;

/**
 * Scans one record's JSON bytes against a stream's transcode plan: every value is checked
 * against its property's schema as it goes, and each column's value token (kind and byte
 * range) is kept in its slot. `scan` returns false for anything it does not prove valid and
 * writable (an unknown or repeated property, a value of another type, an escape it leaves to
 * the generic path): the record then takes the generic path, which decides.
 */
export class RecordScan {
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Per slot: the string token had escapes. */
  readonly escaped: Uint8Array;
  /** Per slot: the token kinds its column takes. */
  private readonly accept: Int32Array;

  constructor(private readonly plan: TranscodePlan, accept: Int32Array) {
    this.kind = new Uint8Array(plan.slots);
    this.start = new Int32Array(plan.slots);
    this.end = new Int32Array(plan.slots);
    this.escaped = new Uint8Array(plan.slots);
    this.accept = accept;
  }

  /** Scans the record object at src[i] (ending before `end`); returns the position after it, or -1. */
  scan(src: Buffer, i: number, end: number): number {
    const kind = this.kind;
    for (let k = 0; k < kind.length; k++) kind[k] = Tok.missing;
    if (src[i] !== 0x7b) return -1;
    const after = this.object(this.plan.props, src, i, end, 0);
    if (after < 0) return -1;
    for (const s of this.plan.required) if (this.kind[s] === Tok.missing) return -1;
    return after;
  }

  private object(nodes: PropNode[], src: Buffer, i: number, end: number, depth: number): number {
    i = skipWs(src, i + 1, end);
    if (src[i] === 0x7d) return i + 1;
    let hint = 0;
    const n = nodes.length;
    for (;;) {
      if (src[i] !== QUOTE) return -1;
      let node: PropNode | undefined;
      // keys usually come in schema order, as `"name":`: try the next one first, in one pass
      const next = hint < n ? nodes[hint] : undefined;
      const quoted = next?.quoted;
      if (quoted !== undefined && startsWith(src, i, end, quoted)) {
        node = next!;
        hint++;
        i += quoted.length;
      } else {
        const keyEnd = scanString(src, i, end);
        if (keyEnd < 0 || scanned.escaped) return -1;
        if (next !== undefined && bytesEqual(src, i + 1, keyEnd - 1, next.name)) {
          node = next;
          hint++;
        } else {
          for (let k = 0; k < n; k++) {
            if (bytesEqual(src, i + 1, keyEnd - 1, nodes[k].name)) {
              node = nodes[k];
              hint = k + 1;
              break;
            }
          }
          if (node === undefined) return -1;
        }
        i = skipWs(src, keyEnd, end);
        if (src[i] !== 0x3a) return -1;
        i++;
      }
      i = skipWs(src, i, end);
      const slot = node.slot;
      if (slot === undefined) i = this.skip(node.check, src, i, end, depth + 1);
      else {
        if (this.kind[slot] !== Tok.missing) return -1;
        if (node.children) {
          const c = src[i];
          if (c === 0x7b && (node.check.types & T.object) !== 0) {
            this.kind[slot] = Tok.object;
            i = depth >= MAX_DEPTH ? -1 : this.object(node.children, src, i, end, depth + 1);
          } else if (c === 0x6e && (node.check.types & T.null) !== 0) {
            this.kind[slot] = Tok.null;
            i = scanLiteral(src, i);
          } else return -1;
        } else i = this.leaf(slot, node.check, src, i, end, depth);
      }
      if (i < 0) return -1;
      i = nextMember(src, i, end, 0x7d);
      if (i === CLOSED) return closedAt;
      if (i < 0) return -1;
    }
  }

  /** A column's value: checked, and its token kept. */
  private leaf(slot: number, check: ValueCheck, src: Buffer, i: number, end: number, depth: number): number {
    const c = src[i];
    let kind: number;
    if (c === QUOTE) kind = Tok.string;
    else if (c === 0x7b) kind = Tok.object;
    else if (c === 0x5b) kind = Tok.array;
    else if (c === 0x74) kind = Tok.true;
    else if (c === 0x66) kind = Tok.false;
    else if (c === 0x6e) kind = Tok.null;
    else kind = Tok.number;
    if ((this.accept[slot] & tokBit(kind)) === 0) return -1;
    const e = this.skip(check, src, i, end, depth + 1);
    if (e < 0) return -1;
    this.kind[slot] = kind;
    this.start[slot] = i;
    this.end[slot] = e;
    this.escaped[slot] = kind === Tok.string && scanned.escaped ? 1 : 0;
    return e;
  }

  /** Checks the value at i against `check`; returns the position after it, or -1. */
  private skip(check: ValueCheck, src: Buffer, i: number, end: number, depth: number): number {
    const c = src[i];
    const t = check.types;
    if (c === QUOTE) {
      const e = scanString(src, i, end);
      if (e < 0 || (t & T.string) === 0) return -1;
      const high = scanned.high;
      if (check.dateTime) {
        if (scanned.escaped || !isDateTimeBytes(src, i + 1, e - 1)) return -1;
      } else if (check.format) {
        if (scanned.escaped) return -1;
        const text = high ? src.toString('utf8', i + 1, e - 1) : src.toString('latin1', i + 1, e - 1);
        if (!check.format(text)) return -1;
      }
      return e;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const e = scanNumber(src, i, end);
      if (e < 0) return -1;
      return (t & T.number) !== 0 || (scanned.integer && (t & T.integer) !== 0) ? e : -1;
    }
    if (c === 0x74 || c === 0x66) return (t & T.boolean) !== 0 ? scanLiteral(src, i) : -1;
    if (c === 0x6e) return (t & T.null) !== 0 ? scanLiteral(src, i) : -1;
    if (depth >= MAX_DEPTH) return -1;
    if (c === 0x7b) return (t & T.object) !== 0 ? this.skipObject(check, src, i, end, depth) : -1;
    if (c === 0x5b) return (t & T.array) !== 0 ? this.skipArray(check.items ?? ANY, src, i, end, depth) : -1;
    return -1;
  }

  private skipObject(check: ValueCheck, src: Buffer, i: number, end: number, depth: number): number {
    i = skipWs(src, i + 1, end);
    if (src[i] === 0x7d) return i + 1;
    const props = check.properties;
    for (;;) {
      if (src[i] !== QUOTE) return -1;
      const keyEnd = scanString(src, i, end);
      if (keyEnd < 0) return -1;
      let sub: ValueCheck | undefined;
      if (props !== undefined || check.closed) {
        // a name with escapes is compared by the generic path
        if (scanned.escaped) return -1;
        if (props) for (const p of props) if (bytesEqual(src, i + 1, keyEnd - 1, p.name)) sub = p.check;
        if (sub === undefined && check.closed) return -1;
      }
      i = skipWs(src, keyEnd, end);
      if (src[i] !== 0x3a) return -1;
      i = this.skip(sub ?? ANY, src, skipWs(src, i + 1, end), end, depth + 1);
      if (i < 0) return -1;
      i = nextMember(src, i, end, 0x7d);
      if (i === CLOSED) return closedAt;
      if (i < 0) return -1;
    }
  }

  private skipArray(items: ValueCheck, src: Buffer, i: number, end: number, depth: number): number {
    i = skipWs(src, i + 1, end);
    if (src[i] === 0x5d) return i + 1;
    for (;;) {
      i = this.skip(items, src, i, end, depth + 1);
      if (i < 0) return -1;
      i = nextMember(src, i, end, 0x5d);
      if (i === CLOSED) return closedAt;
      if (i < 0) return -1;
    }
  }
}
