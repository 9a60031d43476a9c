import { describe, expect, it } from 'vitest';
import { ExactNumber, parseJsonLine, stringifyExact, toPlainNumbers } from '../../src/protocol/exact-json.js';

/** The parsed value of a line, asserting its kind. */
function parse(line: string): unknown {
  return parseJsonLine(line).value;
}

function exactText(value: unknown): string {
  expect(value).toBeInstanceOf(ExactNumber);
  return (value as ExactNumber).text;
}

describe('parseJsonLine: fast path', () => {
  it('parses ordinary lines exactly like JSON.parse and reports exact=false', () => {
    const line = '{"type":"RECORD","stream":"s","record":{"id":1,"f":1.5,"b":true,"n":null,"a":[1,"x"]}}';
    const parsed = parseJsonLine(line);
    expect(parsed.exact).toBe(false);
    expect(parsed.value).toEqual(JSON.parse(line));
  });

  it('keeps 15-digit integers as plain numbers', () => {
    const parsed = parseJsonLine('{"v":123456789012345}');
    expect(parsed.exact).toBe(false);
    expect(parsed.value).toEqual({ v: 123456789012345 });
  });

  it('accepts scalars at the top level', () => {
    expect(parse('42')).toBe(42);
    expect(parse('"x"')).toBe('x');
    expect(parse('null')).toBeNull();
  });
});

describe('parseJsonLine: exact path', () => {
  it('keeps an integer beyond 2^53 as its source text', () => {
    const parsed = parseJsonLine('{"id":99999999999999999}');
    expect(parsed.exact).toBe(true);
    expect(exactText((parsed.value as Record<string, unknown>).id)).toBe('99999999999999999');
  });

  it('keeps 2^53 + 1 (a 16-digit integer a double rounds)', () => {
    expect(exactText(parse('9007199254740993'))).toBe('9007199254740993');
  });

  it.each(['9223372036854775807', '-9223372036854775807', '-9223372036854775808'])('keeps bigint limit %s', (n) => {
    const parsed = parseJsonLine(`{"v":${n}}`);
    expect(parsed.exact).toBe(true);
    expect(exactText((parsed.value as Record<string, unknown>).v)).toBe(n);
  });

  it('keeps a 30-digit decimal', () => {
    const text = '123456789012345.678901234567890';
    expect(exactText((parse(`{"d":${text}}`) as Record<string, unknown>).d)).toBe(text);
  });

  it('keeps small decimals with many significant digits and exponents', () => {
    expect(exactText((parse('[0.1000000000000000055511151231257827]') as unknown[])[0])).toBe('0.1000000000000000055511151231257827');
    expect(exactText((parse('[1.2345678901234567e-5]') as unknown[])[0])).toBe('1.2345678901234567e-5');
    expect(exactText((parse('[-1.2345678901234567E+300]') as unknown[])[0])).toBe('-1.2345678901234567E+300');
  });

  it('keeps other numbers on an exact line as plain numbers', () => {
    const parsed = parseJsonLine('{"big":12345678901234567,"small":7,"f":-0.25,"e":1e3}');
    const v = parsed.value as Record<string, unknown>;
    expect(v.small).toBe(7);
    expect(v.f).toBe(-0.25);
    expect(v.e).toBe(1000);
    expect(v.big).toBeInstanceOf(ExactNumber);
  });

  it('reports exact=false when long digit runs appear only inside strings', () => {
    const line = '{"phone":"12345678901234567","version":"1.2.3.4.5.6.7.8.9.0"}';
    const parsed = parseJsonLine(line);
    expect(parsed.exact).toBe(false);
    expect(parsed.value).toEqual(JSON.parse(line));
  });

  it('parses nested structures the same as JSON.parse apart from long numbers', () => {
    const line =
      ' { "a" : [ 1 , 2.5 , { "b" : [ true , false , null , "s" ] } , [ ] , { } ] ,\t"c":{"d":{"e":[[["deep"]]]}}, "big" : 11111111111111111111 } ';
    const parsed = parseJsonLine(line);
    expect(parsed.exact).toBe(true);
    const v = parsed.value as Record<string, unknown>;
    expect(exactText(v.big)).toBe('11111111111111111111');
    const { big: _big, ...rest } = v;
    const { big: _b, ...expected } = JSON.parse(line) as Record<string, unknown>;
    expect(rest).toEqual(expected);
  });

  it('finds long numbers deep inside arrays and objects', () => {
    const v = parse('{"a":[{"b":[1,{"c":-99999999999999999999.5}]}]}') as { a: Array<{ b: [number, { c: unknown }] }> };
    expect(exactText(v.a[0].b[1].c)).toBe('-99999999999999999999.5');
    expect(v.a[0].b[0]).toBe(1);
  });

  it('decodes escapes in strings like JSON.parse', () => {
    const line = String.raw`{"s":"q\"b\\s\/n\nr\rt\tu\u00e9\ud83d\ude00","k\"ey":"v","n":12345678901234567}`;
    const v = parse(line) as Record<string, unknown>;
    expect(v.s).toBe('q"b\\s/n\nr\rt\tu\u00e9\u{1F600}');
    expect(v['k"ey']).toBe('v');
  });

  it('returns strings without escapes unchanged, including non-ASCII text', () => {
    const v = parse('{"s":"日本語 ☃ 😀 ,:[]{}","n":12345678901234567}') as Record<string, unknown>;
    expect(v.s).toBe('日本語 ☃ 😀 ,:[]{}');
  });

  it('handles a string ending in an escaped backslash', () => {
    const v = parse(String.raw`["a\\",12345678901234567]`) as unknown[];
    expect(v[0]).toBe('a\\');
  });

  it('keeps __proto__ as an own data key without touching the prototype', () => {
    const line = '{"__proto__":{"polluted":true},"n":12345678901234567}';
    const v = parse(line) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'n']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('treats __proto__ the same on the fast path', () => {
    const v = parse('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('keeps the last value of a duplicated key, like JSON.parse', () => {
    expect(parse('{"a":1,"a":12345678901234567}')).toEqual({ a: new ExactNumber('12345678901234567') });
  });
});

describe('parseJsonLine: malformed input throws SyntaxError', () => {
  const long = '12345678901234567';
  it.each([
    ['trailing comma in object', `{"a":${long},}`],
    ['trailing comma in array', `[${long},]`],
    ['missing colon', `{"a" ${long}}`],
    ['unquoted key', `{a:${long}}`],
    ['single-quoted string', `['x',${long}]`],
    ['unterminated string', `["abc,${long}]`.replace(/]$/, '')],
    ['unterminated array', `[${long}`],
    ['unterminated object', `{"a":${long}`],
    ['trailing garbage', `${long} x`],
    ['two values', `[${long}] []`],
    ['leading zero', `[0${long}]`],
    ['lone minus', `[-, ${long}]`],
    ['dot without digits', `[${long}.]`],
    ['bad literal', `[tru, ${long}]`],
    ['literal with trailing letters', `[nulll, ${long}]`],
    ['raw control character in string', `["a\u0001b", ${long}]`],
    ['raw newline in string', `["a\nb", ${long}]`],
    ['invalid escape', `["\\x41", ${long}]`],
    ['NaN', `[NaN, ${long}]`],
    ['plus sign', `[+1, ${long}]`],
    ['comment', `[${long}] // c`],
  ])('%s', (_name, line) => {
    expect(() => parseJsonLine(line)).toThrow(SyntaxError);
  });

  it.each(['', '   ', '{', '{"a":1', '[1,]', 'undefined'])('fast path: %j', (line) => {
    expect(() => parseJsonLine(line)).toThrow(SyntaxError);
  });
});

describe('stringifyExact', () => {
  it('writes ExactNumber digits unchanged', () => {
    expect(stringifyExact(new ExactNumber('99999999999999999'))).toBe('99999999999999999');
    expect(stringifyExact({ a: [new ExactNumber('-9223372036854775808'), 1] })).toBe('{"a":[-9223372036854775808,1]}');
  });

  it('round-trips a parsed exact line', () => {
    const line = '{"id":99999999999999999,"d":0.123456789012345678901234567890,"s":"a\\"b","n":null,"t":true,"arr":[1,2.5]}';
    expect(stringifyExact(parse(line))).toBe(line);
  });

  it('matches JSON.stringify for plain values', () => {
    const v = { a: 1, b: 'x\n"', c: [true, null, { d: -2.5 }], e: {} };
    expect(stringifyExact(v)).toBe(JSON.stringify(v));
    expect(stringifyExact('s')).toBe('"s"');
    expect(stringifyExact(null)).toBe('null');
    expect(stringifyExact(3)).toBe('3');
  });

  it('drops undefined properties and writes undefined array items as null', () => {
    expect(stringifyExact({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(stringifyExact([undefined, 1])).toBe('[null,1]');
    expect(stringifyExact(undefined)).toBe('null');
  });

  it('writes a __proto__ own key', () => {
    const v = parse('{"__proto__":{"x":12345678901234567}}');
    expect(stringifyExact(v)).toBe('{"__proto__":{"x":12345678901234567}}');
  });

  it('escapes keys', () => {
    expect(stringifyExact({ 'a"b': new ExactNumber('1') })).toBe('{"a\\"b":1}');
  });
});

describe('toPlainNumbers', () => {
  it('turns every ExactNumber into a number in a deep copy', () => {
    const original = parse('{"a":[12345678901234567,{"b":1.00000000000000000001}],"s":"x","n":null}') as Record<string, unknown>;
    const plain = toPlainNumbers(original);
    expect(plain).toEqual({ a: [12345678901234568, { b: 1 }], s: 'x', n: null });
    expect(plain).not.toBe(original);
    // the original keeps its exact values
    const a = original.a as unknown[];
    expect(a[0]).toBeInstanceOf(ExactNumber);
  });

  it('keeps __proto__ as an own key', () => {
    const plain = toPlainNumbers(parse('{"__proto__":{"v":12345678901234567}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(plain, '__proto__')?.value).toEqual({ v: 12345678901234568 });
  });

  it('returns scalars as they are', () => {
    expect(toPlainNumbers(5)).toBe(5);
    expect(toPlainNumbers('5')).toBe('5');
    expect(toPlainNumbers(null)).toBeNull();
    expect(toPlainNumbers(new ExactNumber('7'))).toBe(7);
  });
});

describe('ExactNumber', () => {
  it('acts as a number in arithmetic and JSON, and as its text in strings', () => {
    const n = new ExactNumber('12345678901234567');
    expect(String(n)).toBe('12345678901234567');
    expect(`${n}`).toBe('12345678901234567');
    expect(+n).toBe(12345678901234568);
    expect(JSON.stringify({ n })).toBe('{"n":12345678901234568}');
  });
});
