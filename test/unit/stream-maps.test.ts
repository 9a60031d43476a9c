import { describe, expect, it } from 'vitest';
import type { SchemaMessage } from '../../src/protocol/messages.js';
import { compileMapTransform } from '../../src/stream/maps/map-transform.js';
import { checkStreamMaps, fnmatch, mapStreams, StreamMapError } from '../../src/stream/maps/stream-maps.js';

const users: SchemaMessage = {
  type: 'SCHEMA',
  stream: 'users',
  schema: {
    type: 'object',
    properties: { id: { type: 'integer' }, email: { type: ['string', 'null'] }, age: { type: 'integer' }, price: { type: 'number' }, at: { type: 'string', format: 'date-time' } },
    required: ['id', 'email'],
  },
  key_properties: ['id'],
  bookmark_properties: ['at'],
};
const map = (maps: Record<string, unknown>, message = users) => mapStreams(maps, { salt: 'x' }, message);
const props = (maps: Record<string, unknown>, i = 0) => map(maps)[i].message.schema.properties!;

describe('stream maps: which streams a SCHEMA becomes', () => {
  it('no maps: the stream as it comes', () => {
    expect(map({})).toEqual([{ stream: 'users', message: users }]);
  });

  it('drops a stream mapped to null or __NULL__, and every unnamed stream under a top-level __else__', () => {
    expect(map({ users: null })).toEqual([]);
    expect(map({ users: '__NULL__' })).toEqual([]);
    expect(map({ __else__: null, orders: {} })).toEqual([]);
    expect(map({ __else__: null, users: {} }).map((m) => m.stream)).toEqual(['users']);
  });

  it('renames with __alias__ and adds copies with __source__ (the source still loads unless dropped)', () => {
    expect(map({ users: { __alias__: 'customers' } }).map((m) => m.stream)).toEqual(['customers']);
    expect(map({ adults: { __source__: 'users', __filter__: 'age >= 18' } }).map((m) => m.stream)).toEqual(['users', 'adults']);
    expect(map({ users: null, adults: { __source__: 'users' } }).map((m) => m.stream)).toEqual(['adults']);
    expect(map({ adults: { __source__: 'users' } })[1].message).toMatchObject({ stream: 'adults', key_properties: ['id'] });
  });

  it('matches stream names as fnmatch patterns', () => {
    expect(fnmatch('public-users', 'public-*')).toBe(true);
    expect(fnmatch('users', 'user?')).toBe(true);
    expect(fnmatch('users', '[!u]*')).toBe(false);
    expect(fnmatch('Users', 'users')).toBe(false);
    expect(map({ 'u*': { secret: null } }).map((m) => m.stream)).toEqual(['users']);
    expect(map({ '*': { __alias__: 'all' } }).map((m) => m.stream)).toEqual(['all']);
  });
});

describe('stream maps: the mapped schema', () => {
  it('drops properties mapped to null; removing a key property is refused', () => {
    expect(Object.keys(props({ users: { age: null } }))).toEqual(['id', 'email', 'price', 'at']);
    expect(map({ users: { age: null } })[0].message.schema.required).toEqual(['id', 'email']);
    expect(() => map({ users: { id: null } })).toThrow(StreamMapError);
    expect(() => map({ users: { id: null } })).toThrow(/removing key property "id" is not permitted; use __key_properties__/);
  });

  it('types new properties from the expression, else the property it replaces, else string (the SDK rule)', () => {
    const p = props({ users: { email: 'md5(email)', n: 'age * 2', half: 'age / 2', adult: 'age >= 18', s: 'str(age)', day: 'datetime.datetime.fromisoformat(at).date()', raw: "record.get('x')", cents: 'int(price * 100)', same: 'price', t: "'x' if age else None" } });
    expect(p.email).toEqual({ type: ['string', 'null'] });
    expect(p.n).toEqual({ type: ['integer', 'null'] });
    expect(p.half).toEqual({ type: ['number', 'null'] });
    expect(p.adult).toEqual({ type: ['boolean', 'null'] });
    expect(p.s).toEqual({ type: ['string', 'null'] });
    expect(p.day).toEqual({ type: ['string', 'null'], format: 'date' });
    expect(p.raw).toEqual({ type: ['string', 'null'] });
    expect(p.cents).toEqual({ type: ['integer', 'null'] });
    expect(p.same).toEqual({ type: ['number', 'null'] });
    expect(p.t).toEqual({ type: ['string', 'null'] });
  });

  it('a slice of a string is a plain string, without the source format', () => {
    expect(props({ users: { year: 'at[:4]' } }).year).toEqual({ type: ['string', 'null'] });
  });

  it('properties named like Object.prototype members are ordinary properties', () => {
    const m = map({ users: { constructor: 'str(id)', toString: 'age', __proto__x: 'id' } })[0];
    const p = m.message.schema.properties!;
    expect(Object.hasOwn(p, 'constructor')).toBe(true);
    expect(p.constructor).toEqual({ type: ['string', 'null'] });
    expect(p.toString).toEqual({ type: ['integer', 'null'] });
    const proto: SchemaMessage = { ...users, schema: { type: 'object', properties: JSON.parse('{"id":{"type":"integer"},"__proto__":{"type":"string"}}') } };
    const t = compileMapTransform(mapStreams({ users: { copy: 'record.get("__proto__")' } }, {}, proto)[0].map!, 'users');
    const out = t(JSON.parse('{"id":1,"__proto__":"p"}'), 1, { value: false })!;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out.copy).toBe('p');
    const t2 = compileMapTransform(mapStreams({ users: { v: 'str(toString)' } }, {}, { ...users, schema: { type: 'object', properties: { id: { type: 'integer' }, toString: { type: ['string', 'null'] } } } })[0].map!, 'users');
    expect(t2({ id: 1 }, 1, { value: false })!.v).toBe('None');
  });

  it('__schema__ declares a type the expression does not show', () => {
    expect(props({ users: { meta: 'json.loads(email)', __schema__: { meta: { type: 'object' } } } }).meta).toEqual({ type: 'object' });
    expect(() => map({ users: { __schema__: { other: { type: 'string' } } } })).toThrow(/__schema__ names "other", which the map does not set/);
  });

  it('__else__: null keeps only key and mapped properties; __key_properties__ replaces the key', () => {
    expect(Object.keys(props({ users: { __else__: null, e: 'md5(email)' } }))).toEqual(['id', 'e']);
    const m = map({ users: { __key_properties__: ['email'], email: 'md5(email)' } })[0].message;
    expect(m.key_properties).toEqual(['email']);
    expect(m.schema.properties!.email).toEqual({ type: 'string' });
    expect(map({ users: { __key_properties__: null } })[0].message.key_properties).toEqual([]);
    expect(() => map({ users: { __key_properties__: ['nope'] } })).toThrow(/key property "nope" of \[nope\] is not among the mapped stream's properties/);
    expect(map({ users: { at: null } })[0].message.bookmark_properties).toEqual([]);
  });

  it('refuses names the schema does not have, naming stream and property', () => {
    expect(() => map({ users: { e: 'md5(emial)' } })).toThrow(`stream map for stream "users": property "e": name 'emial' is neither a property of the stream's schema nor a supported function`);
    expect(() => map({ adults: { __source__: 'users', __filter__: 'agee > 1' } })).toThrow(/stream map for stream "adults" \(from "users"\): property "__filter__": name 'agee'/);
  });
});

describe('stream maps: config checks when the config loads', () => {
  it('reports every shape and syntax problem', () => {
    const problems = checkStreamMaps({ __else__: 'x', __foo__: {}, a: 'drop', b: { __bogus__: 1, __alias__: 3, x: 'md5(', y: 5, __key_properties__: 'id' } });
    expect(problems).toEqual([
      'stream_maps.__else__ must be null or "__NULL__" (drop the streams no map names)',
      'stream_maps.__foo__: the option __foo__ is not expected at the top level',
      'stream_maps.a: a stream map is null, "__NULL__" or an object, not the string "drop"',
      'stream_maps.b.__bogus__: unknown option (known: __alias__, __source__, __filter__, __key_properties__, __else__, __schema__)',
      'stream_maps.b.__alias__ must be a stream name',
      'stream_maps.b.x: the expression is incomplete at 5 (end of expression) in "md5("',
      'stream_maps.b.y must be an expression (a string), null or "__NULL__"',
      'stream_maps.b.__key_properties__ must be a list of property names or null',
    ]);
    expect(checkStreamMaps({ users: { email: 'md5(email)', x: null, y: '__NULL__' }, logs: null })).toEqual([]);
  });
});

describe('stream maps: the compiled transform', () => {
  const transform = (maps: Record<string, unknown>, i = 0) => {
    const m = map(maps)[i];
    return compileMapTransform(m.map!, m.stream);
  };
  it('a computed value that does not fit its property type is the record\'s error, naming the property', () => {
    const t = transform({ users: { n: 'age * 2', __schema__: { n: { type: 'string' } } } });
    expect(() => t({ id: 1, email: 'a', age: 5 }, 2, { value: false })).toThrow(`line 2, stream "users": stream map for property "n": "age * 2" failed: the result 10 does not fit the property's type (must be string); declare its type with __schema__`);
    const nul = transform({ users: { x: "'a' + '\\x00'" } });
    expect(() => nul({ id: 1, email: 'a' }, 3, { value: false })).toThrow(/the result holds a NUL character/);
  });

  it('maps a record, filters, and names line, stream and property when an expression fails', () => {
    const t = transform({ users: { __filter__: 'age > 1', email: 'md5(email)', age: null, n: 'self', k: "config['salt']" } });
    const exact = { value: false };
    expect(t({ id: 1, email: 'a', age: 5, price: 1 }, 3, exact)).toEqual({ id: 1, email: '0cc175b9c0f1b6a831c399e269772661', price: 1, n: null, k: 'x' });
    expect(t({ id: 2, email: 'a', age: 0 }, 4, exact)).toBeNull();
    expect(() => t({ id: 3, email: null, age: 5 }, 9, exact)).toThrow('line 9, stream "users": stream map for property "email": "md5(email)" failed: TypeError: md5() needs a str, not \'NoneType\'');
  });
});
