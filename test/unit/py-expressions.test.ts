import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExactNumber } from '../../src/protocol/exact-json.js';
import { compilePy } from '../../src/stream/maps/py-compile.js';
import { MapSyntaxError, parsePy } from '../../src/stream/maps/py-parse.js';
import { floatRepr, fromPy, pyRepr, resetBudget } from '../../src/stream/maps/py-values.js';

const record = {
  id: 7,
  email: 'Ann@Example.com',
  name: '  Ann Lee ',
  age: 30,
  price: 19.99,
  big: new ExactNumber('123456789012345678901234567890'),
  dec: new ExactNumber('0.123456789012345678901234567890'),
  tags: ['a', 'b', 'c'],
  address: { city: 'Oslo', zip: '0150' },
  at: '2024-03-05T10:20:30.123456+02:00',
  none: null,
};
const properties = new Set([...Object.keys(record), 'missing']);

/** Evaluates like a stream map does and returns the JSON value the record would get. */
function py(expr: string, self: unknown = null, config: unknown = { salt: 's1' }): unknown {
  const run = compilePy(parsePy(expr), { properties });
  const exact = { value: false };
  resetBudget();
  return fromPy(run({ record, self, config }), exact);
}
const fails = (expr: string) => {
  resetBudget();
  try {
    py(expr);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${expr} did not fail`);
};
const refused = (expr: string) => {
  try {
    compilePy(parsePy(expr), { properties });
  } catch (e) {
    if (e instanceof MapSyntaxError) return e.message;
    throw e;
  }
  throw new Error(`${expr} was accepted`);
};

describe('stream-map expressions: Python semantics', () => {
  it('reads properties by name, through record/_ subscripts and .get(), and config', () => {
    expect(py('email')).toBe('Ann@Example.com');
    expect(py("record['age']")).toBe(30);
    expect(py("_['address']['city']")).toBe('Oslo');
    expect(py("record.get('nope', 'dflt')")).toBe('dflt');
    expect(py("record.get('nope')")).toBe(null);
    expect(py('missing')).toBe(null);
    expect(py("config['salt']")).toBe('s1');
    expect(py('self', 'mine')).toBe('mine');
  });

  it('hashes as the SDK does (md5 hex of UTF-8) and adds sha256', () => {
    expect(py('md5(email)')).toBe(createHash('md5').update('Ann@Example.com').digest('hex'));
    expect(py("sha256(config['salt'] + email.lower())")).toBe(createHash('sha256').update('s1ann@example.com').digest('hex'));
    expect(py("md5('é')")).toBe(createHash('md5').update('é', 'utf8').digest('hex'));
    expect(fails('md5(age)')).toContain('TypeError');
  });

  it('does int and float arithmetic like Python', () => {
    expect(py('age * 2')).toBe(60);
    expect(py('age / 4')).toBe(7.5);
    expect(py('7 // 2')).toBe(3);
    expect(py('-7 // 2')).toBe(-4);
    expect(py('-7 % 3')).toBe(2);
    expect(py('7 % -3')).toBe(-2);
    expect(py('2 ** 10')).toBe(1024);
    expect(py('-2 ** 2')).toBe(-4);
    expect(py('2 ** -1')).toBe(0.5);
    expect(py('price * 100')).toBeCloseTo(1999);
    expect(py('True + 1')).toBe(2);
    expect(py('big + 1')).toEqual(new ExactNumber('123456789012345678901234567891'));
    expect(py('2 ** 100')).toEqual(new ExactNumber('1267650600228229401496703205376'));
    expect(fails('1 / 0')).toContain('ZeroDivisionError');
    expect(fails("'a' + 1")).toContain("unsupported operand type(s) for +: 'str' and 'int'");
  });

  it("computes a record's decimals as Decimal, exactly, as the SDK's targets read them", () => {
    expect(py('price * 100')).toEqual(new ExactNumber('1999.00'));
    expect(py('str(price * 3)')).toBe('59.97');
    expect(py('str(price)')).toBe('19.99');
    expect(py('price + 1')).toEqual(new ExactNumber('20.99'));
    // a float literal with a Decimal is a TypeError in the SDK too (Decimal + float)
    expect(py('str(dec * 2)')).toBe('0.2469135780246913578024691358'); // 28 digits, Decimal's context
    expect(py('price / 3')).toEqual(new ExactNumber('6.663333333333333333333333333'));
    expect(py('price / 1')).toEqual(new ExactNumber('19.99'));
    expect(py('int(price * 100)')).toBe(1999);
    expect(py('round(price, 1)')).toEqual(new ExactNumber('20.0'));
    expect(py('round(price)')).toBe(20);
    expect(py('price > 19.98')).toBe(true);
    expect(py('price == 19.99')).toBe(true);
    expect(py("str(float('19.99') * 100)")).toBe('1998.9999999999998');
    expect(fails('price + 0.01')).toContain("unsupported operand type(s) for +: 'decimal.Decimal' and 'float'");
    expect(fails("price + float('1')")).toContain("unsupported operand type(s) for +: 'decimal.Decimal' and 'float'");
    expect(py('int(big)')).toEqual(new ExactNumber('123456789012345678901234567890'));
  });

  it('min, max, round, title, replace and find behave as in Python', () => {
    expect(py('min(3, 1, 2)')).toBe(1);
    expect(py('max([5, 2, 9])')).toBe(9);
    expect(py("min('b', 'a')")).toBe('a');
    expect(py('round(2.5)')).toBe(2);
    expect(py('round(3.5)')).toBe(4);
    expect(py('round(0.125, 2)')).toBe(0.12);
    expect(py('round(2.675, 2)')).toBe(2.67);
    expect(py('round(1234, -2)')).toBe(1200);
    expect(py("'josé garcía'.title()")).toBe('José García');
    expect(py(`"they're bill's".title()`)).toBe("They'Re Bill'S");
    expect(py("'abc'.replace('', '-')")).toBe('-a-b-c-');
    expect(py("'aaa'.replace('a', 'b', 2)")).toBe('bba');
    expect(py("'😀ab'.find('b')")).toBe(2);
  });

  it('keeps big integers exact and passes exact decimals through untouched', () => {
    const exact = { value: false };
    const run = compilePy(parsePy('int(id) * 10 ** 20'), { properties });
    expect(fromPy(run({ record, self: null, config: {} }), exact)).toEqual(new ExactNumber('700000000000000000000'));
    expect(exact.value).toBe(true);
    expect(py('big')).toEqual(record.big);
    expect(py('dec')).toEqual(record.dec);
  });

  it('compares, chains comparisons and tests membership', () => {
    expect(py('age >= 18')).toBe(true);
    expect(py('1 < age < 40')).toBe(true);
    expect(py('1 < age < 20')).toBe(false);
    expect(py("'b' in tags")).toBe(true);
    expect(py("'x' not in tags")).toBe(true);
    expect(py("'@' in email")).toBe(true);
    expect(py("'city' in address")).toBe(true);
    expect(py('none is None')).toBe(true);
    expect(py('age is not None')).toBe(true);
    expect(py('1 == 1.0')).toBe(true);
    expect(fails("age < 'x'")).toContain("'<' not supported between instances of 'int' and 'str'");
  });

  it('short-circuits and/or returning operands, and has a conditional', () => {
    expect(py("none or 'fallback'")).toBe('fallback');
    expect(py("email and 'yes'")).toBe('yes');
    expect(py("'' and 1/0")).toBe('');
    expect(py('not tags')).toBe(false);
    expect(py("'adult' if age >= 18 else 'minor'")).toBe('adult');
    expect(py('md5(none) if none else None')).toBe(null);
  });

  it('has the string methods meltano.yml files use', () => {
    expect(py('name.strip()')).toBe('Ann Lee');
    expect(py('name.strip().lower()')).toBe('ann lee');
    expect(py('email.upper()')).toBe('ANN@EXAMPLE.COM');
    expect(py("email.split('@')[1]")).toBe('Example.com');
    expect(py('name.split()')).toEqual(['Ann', 'Lee']);
    expect(py("'a,b,c'.split(',', 1)")).toEqual(['a', 'b,c']);
    expect(py("email.replace('Example', 'x')")).toBe('Ann@x.com');
    expect(py("email.startswith('Ann')")).toBe(true);
    expect(py("'-'.join(tags)")).toBe('a-b-c');
    expect(py("address['zip'].zfill(6)")).toBe('000150');
    expect(py('email[0:3]')).toBe('Ann');
    expect(py('email[-3:]')).toBe('com');
    expect(py('tags[::-1]')).toEqual(['c', 'b', 'a']);
    expect(py('len(tags) + len(email)')).toBe(18);
    expect(py("len('naïve 😀')")).toBe(7);
  });

  it('converts with str(), int(), float(), bool() as Python prints them', () => {
    expect(py('str(age)')).toBe('30');
    expect(py('str(price)')).toBe('19.99');
    expect(py('str(2.0)')).toBe('2.0');
    expect(py('str(1e16)')).toBe('1e+16');
    expect(py('str(0.00001)')).toBe('1e-05');
    expect(py('str(True)')).toBe('True');
    expect(py('str(None)')).toBe('None');
    expect(py('str(tags)')).toBe("['a', 'b', 'c']");
    expect(py("int(' 42 ')")).toBe(42);
    expect(py('int(price)')).toBe(19);
    expect(py("float('1.5')")).toBe(1.5);
    expect(py("bool('')")).toBe(false);
    expect(fails("int('4.5')")).toContain('ValueError');
    expect(floatRepr(123456789.125)).toBe('123456789.125');
    expect(floatRepr(-0.5)).toBe('-0.5');
    expect(pyRepr("it's")).toBe('"it\'s"');
  });

  it('parses and formats datetimes', () => {
    expect(py('datetime.datetime.fromisoformat(at).date()')).toBe('2024-03-05');
    expect(py('datetime.datetime.fromisoformat(at)')).toBe('2024-03-05T10:20:30.123456+02:00');
    expect(py("datetime.datetime.fromisoformat(at).strftime('%Y/%m/%d %H:%M')")).toBe('2024/03/05 10:20');
    expect(py('datetime.datetime.fromisoformat(at).year')).toBe(2024);
    expect(py("datetime.datetime.strptime('05 Mar 2024 7:05 PM', '%d %b %Y %I:%M %p').isoformat()")).toBe('2024-03-05T19:05:00');
    expect(py("datetime.date.fromisoformat('2024-02-29')")).toBe('2024-02-29');
    expect(fails("datetime.date.fromisoformat('2023-02-29')")).toContain('ValueError');
    expect(py("json.dumps({'a': [1, 2.5, None], 'é': True})")).toBe('{"a": [1, 2.5, null], "\\u00e9": true}');
    expect(py('json.loads(\'{"x": 12345678901234567890}\')')).toEqual({ x: new ExactNumber('12345678901234567890') });
  });
});

describe('stream-map expressions: safety', () => {
  it('refuses constructs outside the supported subset, saying what', () => {
    expect(refused('lambda x: x')).toContain('lambda is not supported');
    expect(refused('[x for x in tags]')).toContain('comprehensions are not supported');
    expect(refused('f"{email}"')).toContain('f-strings are not supported');
    expect(refused('age & 1')).toContain('the operator & is not supported');
    expect(refused('(y := 1)')).toContain('the operator := is not supported');
    expect(refused('email.__class__')).toContain('names starting with __ are not allowed');
    expect(refused('__import__("os")')).toContain('names starting with __ are not allowed');
    expect(refused('open("/etc/passwd")')).toContain("name 'open' is neither a property");
    expect(refused('eval("1")')).toContain("name 'eval' is neither a property");
    expect(refused('email.constructor')).toContain('the attribute .constructor is not supported');
    expect(refused('email.format(1)')).toContain('the method format() is not supported');
    expect(refused('fake.email()')).toContain('Faker fake data) is not supported');
    expect(refused('email.lower')).toContain('lower is a method: call it');
    expect(refused('md5(email, errors="x")')).toContain('keyword arguments are not supported');
    expect(refused('(' .repeat(200) + '1' + ')'.repeat(200))).toContain('nests deeper than 100');
    expect(refused('x'.repeat(10_001))).toContain('longer than 10000');
    expect(refused('a, b')).toContain('needs parentheses');
    expect(refused('')).toContain('empty');
  });

  it('never reaches JavaScript prototypes through subscripts or methods', () => {
    expect(fails("record['__proto__']")).toContain('KeyError');
    expect(fails("record['constructor']")).toContain('KeyError');
    expect(fails("address['toString']")).toContain('KeyError');
    expect(py("record.get('constructor')")).toBe(null);
    expect(fails('tags.get(0)')).toContain("'list' object has no attribute 'get'");
    expect(fails("{'__proto__': 1}['polluted']")).toContain('KeyError');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds the work of one evaluation: nested repeats, json.dumps, == and + of huge lists', () => {
    expect(fails("len(json.dumps(['a' * 100000] * 100000))")).toContain('MemoryError');
    expect(fails('[[1] * 100000] * 100000 == [[1] * 100000] * 100000')).toContain('MemoryError');
    expect(fails('str([[0] * 99999] * 99999)')).toContain('MemoryError');
    expect(fails('len([0] * 99999 + [0] * 99999)')).toContain('MemoryError');
    // the budget is per evaluation: a small expression runs after a refused one
    expect(py('len([0] * 1000)')).toBe(1000);
  });

  it('bounds memory: huge strings, lists and powers are errors, not hangs', () => {
    expect(fails("'x' * 10 ** 9")).toContain('MemoryError');
    expect(fails('tags * 100000')).toContain('MemoryError');
    expect(fails('10 ** 10 ** 10')).toContain('MemoryError');
    expect(fails("'ab' * 50000 + 'ab' * 50000")).toContain('MemoryError');
  });
});
