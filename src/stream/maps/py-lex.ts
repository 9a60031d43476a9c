/** An expression the evaluator cannot accept; the message says what and where. */
export class MapSyntaxError extends Error {}

/** The tokens of a stream-map expression: numbers, strings, names and operators (py-parse.ts reads them). */
export type Tok = { k: 'num' | 'str' | 'name' | 'op' | 'end'; v: string; at: number; num?: bigint | number };

const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', '='];
const UNSUPPORTED_OPERATORS = ['<<', '>>', ':=', '->', '&', '|', '^', '~', '@', ';', '!'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Cuts an expression into tokens; an unsupported character, operator or literal is a MapSyntaxError saying which. */
export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d[\d_]*)?(?:\.\d[\d_]*|\.)?(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      const text = m[0].replace(/_/g, '');
      if (/^0[xXoObB]/.test(src.slice(i))) throw new MapSyntaxError(`hexadecimal, octal and binary literals are not supported (at ${i + 1})`);
      const isInt = /^\d+$/.test(text);
      out.push({ k: 'num', v: text, at: start, num: isInt ? BigInt(text) : Number(text) });
      i += m[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? '')) throw new MapSyntaxError(`invalid number literal at ${start + 1}`);
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const word = m[0];
      i += word.length;
      const q = src[i];
      if ((q === "'" || q === '"') && /^[rRbBuUfF]{1,2}$/.test(word)) {
        if (/[fF]/.test(word)) throw new MapSyntaxError('f-strings are not supported; join strings with +, e.g. first_name + " " + last_name');
        if (/[bB]/.test(word)) throw new MapSyntaxError('bytes literals are not supported');
        i = readString(src, i, /[rR]/.test(word), out);
        continue;
      }
      out.push({ k: 'name', v: word, at: start });
      continue;
    }
    if (c === "'" || c === '"') {
      i = readString(src, i, false, out);
      continue;
    }
    const bad = UNSUPPORTED_OPERATORS.find((op) => src.startsWith(op, i) && !OPERATORS.some((o) => o.length > op.length && src.startsWith(o, i)));
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op || (bad && bad.length >= op.length)) throw new MapSyntaxError(`${bad ? `the operator ${bad}` : `the character ${JSON.stringify(c)}`} is not supported (at ${i + 1})`);
    out.push({ k: 'op', v: op, at: start });
    i += op.length;
  }
  out.push({ k: 'end', v: '', at: src.length });
  return out;
}

function readString(src: string, i: number, raw: boolean, out: Tok[]): number {
  const q = src[i];
  const start = i;
  if (src.startsWith(q.repeat(3), i)) throw new MapSyntaxError('triple-quoted strings are not supported');
  i++;
  let s = '';
  while (i < src.length && src[i] !== q) {
    if (src[i] === '\\' && !raw) {
      const e = src[i + 1];
      if (e === 'u' || e === 'x' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = src.slice(i + 2, i + 2 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new MapSyntaxError(`bad \\${e} escape in a string at ${i + 1}`);
        s += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + len;
        continue;
      }
      s += e in ESCAPES ? ESCAPES[e] : '\\' + e;
      i += 2;
      continue;
    }
    if (src[i] === '\\' && raw) {
      s += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    s += src[i++];
  }
  if (i >= src.length) throw new MapSyntaxError(`unterminated string starting at ${start + 1}`);
  const prev = out[out.length - 1];
  // 'a' 'b' is one string in Python
  if (prev?.k === 'str') prev.v += s;
  else out.push({ k: 'str', v: s, at: start });
  return i + 1;
}

