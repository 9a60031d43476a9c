import { describe, expect, it } from 'vitest';
import { resolveSchema } from '../../src/schema/resolve.js';
import { pgTypeFor } from '../../src/schema/type-map.js';
import type { JsonSchema } from '../../src/protocol/messages.js';

const typeOf = (root: JsonSchema, prop: string) => pgTypeFor(resolveSchema(root).properties![prop], { interpretContentEncoding: false });

describe('resolveSchema', () => {
  it('follows local $refs (definitions, $defs, any pointer) with sibling keywords', () => {
    const root: JsonSchema = {
      type: 'object',
      definitions: { ts: { type: 'string', format: 'date-time' }, 'a/b': { type: 'integer', minimum: 0, maximum: 10 } },
      $defs: { d: { type: ['string', 'null'], format: 'date' } },
      properties: {
        at: { $ref: '#/definitions/ts' },
        day: { $ref: '#/$defs/d' },
        small: { $ref: '#/definitions/a~1b' },
        again: { $ref: '#/properties/at' },
        nested: { type: 'object', properties: { when: { $ref: '#/definitions/ts', description: 'kept' } } },
      },
    };
    expect(typeOf(root, 'at')).toBe('timestamptz');
    expect(typeOf(root, 'day')).toBe('date');
    expect(typeOf(root, 'small')).toBe('smallint');
    expect(typeOf(root, 'again')).toBe('timestamptz');
    expect(resolveSchema(root).properties!.nested.properties!.when).toEqual({ type: 'string', format: 'date-time', description: 'kept' });
  });

  it('merges allOf branches: types intersect, properties and required unite', () => {
    const root: JsonSchema = {
      type: 'object',
      properties: {
        d: { allOf: [{ type: 'string', format: 'date' }] },
        n: { allOf: [{ type: ['number', 'null'] }, { type: 'integer', minimum: 0, maximum: 100 }] },
        o: { type: 'object', allOf: [{ properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } } }] },
      },
    };
    expect(typeOf(root, 'd')).toBe('date');
    expect(typeOf(root, 'n')).toBe('smallint');
    expect(resolveSchema(root).properties!.o).toEqual({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'boolean' } }, required: ['a'] });
  });

  it('leaves a reference it cannot follow untyped (jsonb): remote, missing, cyclic', () => {
    const root: JsonSchema = {
      type: 'object',
      definitions: { node: { type: 'object', properties: { next: { $ref: '#/definitions/node' } } } },
      properties: { remote: { $ref: 'https://example.com/s.json' }, missing: { $ref: '#/definitions/nope' }, tree: { $ref: '#/definitions/node' } },
    };
    expect(typeOf(root, 'remote')).toBe('jsonb');
    expect(typeOf(root, 'missing')).toBe('jsonb');
    expect(resolveSchema(root).properties!.tree).toEqual({ type: 'object', properties: { next: {} } });
  });
});
