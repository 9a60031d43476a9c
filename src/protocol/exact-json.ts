/**
 * JSON parsing that never loses a number's digits.
 *
 * JSON.parse turns 99999999999999999 into 1e17 and drops digits of long decimals. Lines that
 * may hold such numbers (a run of 16+ digits or dots) go through a small parser that keeps
 * those numbers as ExactNumber (their source text); every other line takes JSON.parse.
 */

/** A JSON number kept as its source text because a double would change its value. */
export class ExactNumber {
  constructor(readonly text: string) {}
  valueOf(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
  toJSON(): number {
    return Number(this.text);
  }
}

export interface ParsedLine {
  value: unknown;
  /** True when the value contains at least one ExactNumber. */
  exact: boolean;
}

/**
 * A number right after `:`, `,` or `[` (the only places JSON puts one) that may not survive a
 * double: 16+ digits (or dots), or an exponent of 3+ digits (1e400 overflows, 1e-400 underflows).
 */
const longNumber = /(?:^|[:,[])\s*(-?\d[\d.]{15,}(?:[eE][+-]?\d+)?|-?\d[\d.]*[eE][+-]?\d{3,})/g;

/**
 * True when a number in the line would change if read as a double. Numbers that doubles print
 * (up to 17 digits, like 6.178139243274927) read back to the same text and stay on the fast
 * path. A match inside a string only costs the check.
 */
function needsExactParse(line: string): boolean {
  longNumber.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = longNumber.exec(line)) !== null) {
    if (!fitsDouble(m[1])) return true;
  }
  return false;
}

/** Parses one JSON text; throws SyntaxError on malformed input. */
export function parseJsonLine(line: string): ParsedLine {
  if (!needsExactParse(line)) return { value: JSON.parse(line), exact: false };
  const parser = new ExactParser(line);
  const value = parser.parseDocument();
  return { value, exact: parser.exact };
}

/** True when a double holds the number written as `text` exactly (same value when printed back). */
function fitsDouble(text: string): boolean {
  const n = Number(text);
  if (String(n) === text) return true;
  const digits = significantDigits(text);
  // past the double range: Infinity, or 0 for a number that is not zero; a subnormal double
  // (below 2^-1022) holds fewer than 15 digits (4e-324 reads as 5e-324)
  if (!Number.isFinite(n) || (n === 0 && digits > 0) || (n !== 0 && Math.abs(n) < 2.2250738585072014e-308)) return false;
  return digits <= 15;
}

function significantDigits(text: string): number {
  let digits = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101 || c === 69) break; // e / E: exponent does not add digits
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    digits++;
  }
  return digits;
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class ExactParser {
  private pos = 0;
  exact = false;
  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    this.skipWs();
    const value = this.parseValue();
    this.skipWs();
    if (this.pos !== this.text.length) this.fail('Unexpected non-whitespace character after JSON');
    return value;
  }

  private fail(message: string): never {
    throw new SyntaxError(`${message} at position ${this.pos}`);
  }

  private skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  private parseValue(): unknown {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case '"':
        return this.parseString();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.parseNumber();
    }
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    return this.fail(`Unexpected token`);
  }

  private parseNumber(): number | ExactNumber {
    numberPattern.lastIndex = this.pos;
    const m = numberPattern.exec(this.text);
    if (!m) this.fail(this.pos >= this.text.length ? 'Unexpected end of JSON input' : 'Unexpected token');
    this.pos += m[0].length;
    if (fitsDouble(m[0])) return Number(m[0]);
    this.exact = true;
    return new ExactNumber(m[0]);
  }

  private parseString(): string {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i++;
      } else if (c < 32) {
        this.pos = i;
        this.fail('Bad control character in string literal');
      }
    }
    if (i >= t.length) {
      this.pos = t.length;
      this.fail('Unterminated string in JSON');
    }
    this.pos = i + 1;
    return escaped ? (JSON.parse(t.slice(start, i + 1)) as string) : t.slice(start + 1, i);
  }

  private parseArray(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.parseValue());
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail(c === undefined ? 'Unexpected end of JSON input' : "Expected ',' or ']'");
    }
  }

  private parseObject(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail(this.pos >= this.text.length ? 'Unexpected end of JSON input' : 'Expected property name');
      const key = this.parseString();
      this.skipWs();
      if (this.text[this.pos++] !== ':') this.fail("Expected ':' after property name");
      this.skipWs();
      const value = this.parseValue();
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail(c === undefined ? 'Unexpected end of JSON input' : "Expected ',' or '}'");
    }
  }
}

/** JSON text of a value that may contain ExactNumber, keeping their digits. */
export function stringifyExact(value: unknown): string {
  if (value instanceof ExactNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : stringifyExact(v))).join(',') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    parts.push(JSON.stringify(k) + ':' + stringifyExact(v));
  }
  return '{' + parts.join(',') + '}';
}

/** A deep copy where every ExactNumber is a plain number (for JSON Schema validation). */
export function toPlainNumbers(value: unknown): unknown {
  if (value instanceof ExactNumber) return Number(value.text);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlainNumbers);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: toPlainNumbers(v), enumerable: true, writable: true, configurable: true });
    else out[k] = toPlainNumbers(v);
  }
  return out;
}
