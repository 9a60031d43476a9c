import { DECLINE, put32, type BinaryFieldWriter } from './bytes.js';
import type { BinaryType } from './types.js';

/**
 * One-dimensional arrays in array_recv's format: int32 ndim (1), int32 flags (1 when an element
 * is NULL), int32 element type OID, int32 length, int32 lower bound (1), then each element as a
 * field (int32 length, -1 for NULL, and the element's payload). An empty array is ndim 0, no
 * dimensions: what array_in makes of `{}`.
 */

/** Bytes before the first element of a non-empty array field (length word included). */
export const ARRAY_HEAD = 24;

/**
 * Completes an array field whose elements were written from out[at + ARRAY_HEAD] to `end`
 * (count >= 1); returns `end`. For no elements use writeEmptyArray.
 */
export function finishArray(out: Uint8Array, at: number, end: number, oid: number, count: number, hasNull: boolean): number {
  put32(out, at, end - at - 4);
  put32(out, at + 4, 1);
  put32(out, at + 8, hasNull ? 1 : 0);
  put32(out, at + 12, oid);
  put32(out, at + 16, count);
  put32(out, at + 20, 1);
  return end;
}

export function writeEmptyArray(out: Uint8Array, at: number, oid: number): number {
  put32(out, at, 12);
  put32(out, at + 4, 0);
  put32(out, at + 8, 0);
  put32(out, at + 12, oid);
  return at + 16;
}

let unescaped = new Uint8Array(256);

/**
 * The array literal the CSV path sends (`{"a","b\"c",NULL}`: every element double-quoted with
 * `\` escaping `"` and `\`, or an unquoted NULL), each element given to the element type's
 * writer as the text array_in would pass its input function. Other literal forms (unquoted
 * elements, spaces, nested braces, dimension decorations) are declined.
 */
export function arrayLiteralWriter(element: BinaryType): BinaryFieldWriter {
  return (src, start, end, out, at) => {
    if (end - start < 2 || src[start] !== 123 || src[end - 1] !== 125) return DECLINE;
    if (end - start === 2) return writeEmptyArray(out, at, element.oid);
    let p = at + ARRAY_HEAD;
    let count = 0;
    let hasNull = false;
    let i = start + 1;
    const close = end - 1;
    for (;;) {
      if (src[i] === 34) {
        let j = i + 1;
        let escapes = 0;
        while (j < close && src[j] !== 34) {
          if (src[j] === 92) {
            escapes++;
            j++;
          }
          j++;
        }
        if (j >= close) return DECLINE;
        let r: number;
        if (escapes === 0) r = element.write(src, i + 1, j, out, p);
        else {
          if (unescaped.length < j - i) unescaped = new Uint8Array(2 * (j - i));
          let n = 0;
          for (let k = i + 1; k < j; k++) unescaped[n++] = src[k] === 92 ? src[++k] : src[k];
          r = element.write(unescaped, 0, n, out, p);
        }
        if (r < 0) return DECLINE;
        p = r;
        i = j + 1;
      } else if (close - i >= 4 && src[i] === 78 && src[i + 1] === 85 && src[i + 2] === 76 && src[i + 3] === 76) {
        put32(out, p, -1);
        p += 4;
        hasNull = true;
        i += 4;
      } else return DECLINE;
      count++;
      if (i === close) break;
      if (src[i] !== 44) return DECLINE;
      i++;
    }
    return finishArray(out, at, p, element.oid, count, hasNull);
  };
}
