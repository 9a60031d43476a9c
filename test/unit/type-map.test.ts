import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/protocol/messages.js';
import { elementKindOf, pgTypeFor, valueKindOf } from '../../src/schema/type-map.js';

describe('pgTypeFor: x-sql-datatype', () => {
  it('wins over every other rule, lower-cased', () => {
    expect(pgTypeFor({ type: 'string', 'x-sql-datatype': 'CITEXT' })).toBe('citext');
    expect(pgTypeFor({ type: 'object', 'x-sql-datatype': 'json' })).toBe('json');
    expect(pgTypeFor({ type: 'number', 'x-sql-datatype': 'numeric(38, 9)' })).toBe('numeric(38, 9)');
    expect(pgTypeFor({ type: 'array', items: { type: 'integer' }, 'x-sql-datatype': 'int[]' })).toBe('int[]');
    expect(pgTypeFor({ 'x-sql-datatype': 'double precision' })).toBe('double precision');
  });

  it.each(['text; DROP TABLE x; --', 'text DEFAULT 1)--', "varchar(10) CHECK ('a')", 'text"', '', '1abc', 'text\n'])(
    'ignores the unsafe value %j and falls back to the JSON type',
    (sqlType) => {
      expect(pgTypeFor({ type: 'string', 'x-sql-datatype': sqlType })).toBe('text');
    },
  );

  // The value is written into CREATE TABLE / ALTER TABLE ... ADD COLUMN unquoted, so it must be a
  // type name and nothing more: no second column, no constraint, no DEFAULT expression (a
  // volatile DEFAULT is evaluated for every existing row when a column is added).
  it.each(['text default pg_sleep(10)', 'text, extra bigint', 'bigint primary key', 'text not null', 'text generated always as (now()) stored'])(
    'ignores %j, which is more than a type name',
    (sqlType) => {
      expect(pgTypeFor({ type: 'string', 'x-sql-datatype': sqlType })).toBe('text');
    },
  );

  it.each(['timestamp(3) with time zone', 'character varying(255)', 'numeric(10,2)', 'int4[]', 'double precision', 'time without time zone', 'vector(1536)'])(
    'accepts the type name %j',
    (sqlType) => {
      expect(pgTypeFor({ type: 'string', 'x-sql-datatype': sqlType })).toBe(sqlType);
    },
  );

  it('ignores a non-string value', () => {
    expect(pgTypeFor({ type: 'integer', 'x-sql-datatype': 5 } as unknown as JsonSchema)).toBe('bigint');
  });
});

describe('pgTypeFor: untyped and objects', () => {
  it('maps {} and schemas without a type to jsonb', () => {
    expect(pgTypeFor({})).toBe('jsonb');
    expect(pgTypeFor({ description: 'anything' })).toBe('jsonb');
    expect(pgTypeFor({ type: 'null' })).toBe('jsonb');
    expect(pgTypeFor({ type: [] })).toBe('jsonb');
  });

  it('maps objects to jsonb, alone or in unions', () => {
    expect(pgTypeFor({ type: 'object', properties: { a: { type: 'string' } } })).toBe('jsonb');
    expect(pgTypeFor({ type: ['object', 'null'] })).toBe('jsonb');
    expect(pgTypeFor({ type: ['object', 'string'] })).toBe('jsonb');
    expect(pgTypeFor({ anyOf: [{ type: 'object' }, { type: 'integer' }] })).toBe('jsonb');
  });

  it('maps anyOf with an untyped branch to jsonb', () => {
    expect(pgTypeFor({ anyOf: [{ type: 'string' }, {}] })).toBe('jsonb');
  });
});

describe('pgTypeFor: arrays', () => {
  it.each<[JsonSchema, string]>([
    [{ type: 'array', items: { type: 'string' } }, 'text[]'],
    [{ type: ['array', 'null'], items: { type: ['string', 'null'] } }, 'text[]'],
    [{ type: 'array', items: { type: 'integer' } }, 'bigint[]'],
    [{ type: 'array', items: { type: 'integer', minimum: 0, maximum: 10 } }, 'bigint[]'],
    [{ type: 'array', items: { type: 'number' } }, 'numeric[]'],
    [{ type: 'array', items: { type: ['integer', 'number'] } }, 'numeric[]'],
    [{ type: 'array', items: { type: 'boolean' } }, 'boolean[]'],
    [{ type: 'array', items: { type: 'string', format: 'date-time' } }, 'timestamptz[]'],
    [{ type: 'array', items: { type: 'string', format: 'date' } }, 'date[]'],
    [{ type: 'array', items: { type: 'string', format: 'uuid' } }, 'uuid[]'],
  ])('maps %j to %s', (schema, expected) => {
    expect(pgTypeFor(schema)).toBe(expected);
  });

  it.each<[string, JsonSchema]>([
    ['objects', { type: 'array', items: { type: 'object' } }],
    ['untyped items', { type: 'array', items: {} }],
    ['no items', { type: 'array' }],
    ['tuple items', { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] }],
    ['nested arrays', { type: 'array', items: { type: 'array', items: { type: 'string' } } }],
    ['mixed scalar items', { type: 'array', items: { type: ['string', 'integer'] } }],
    ['boolean and number items', { type: 'array', items: { type: ['boolean', 'number'] } }],
    ['array or integer', { type: ['array', 'integer'], items: { type: 'integer' } }],
    ['array of integers or a string', { anyOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'string' }] }],
    ['two kinds of arrays', { anyOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'array', items: { type: 'string' } }] }],
  ])('maps an array of %s to jsonb', (_name, schema) => {
    expect(pgTypeFor(schema)).toBe('jsonb');
  });

  it('maps anyOf [array of nullable strings, string, null] to text[]', () => {
    const schema: JsonSchema = { anyOf: [{ type: 'array', items: { type: ['string', 'null'] } }, { type: 'string' }, { type: 'null' }] };
    expect(pgTypeFor(schema)).toBe('text[]');
  });

  it('keeps base16 items out of native arrays when content encoding is interpreted', () => {
    const schema: JsonSchema = { type: 'array', items: { type: 'string', contentEncoding: 'base16' } };
    expect(pgTypeFor(schema)).toBe('text[]');
    expect(pgTypeFor(schema, { interpretContentEncoding: true })).toBe('jsonb');
  });
});

describe('pgTypeFor: strings', () => {
  it('maps plain strings to text', () => {
    expect(pgTypeFor({ type: 'string' })).toBe('text');
    expect(pgTypeFor({ type: ['string', 'null'] })).toBe('text');
    expect(pgTypeFor({ type: 'string', format: 'email' })).toBe('text');
    expect(pgTypeFor({ type: 'string', maxLength: 5 })).toBe('text');
  });

  it('maps a string mixed with other scalars to text', () => {
    expect(pgTypeFor({ type: ['string', 'integer'] })).toBe('text');
    expect(pgTypeFor({ type: ['string', 'number', 'boolean', 'null'] })).toBe('text');
    expect(pgTypeFor({ anyOf: [{ type: 'integer' }, { type: 'string', format: 'date-time' }] })).toBe('text');
  });

  it.each<[string, string]>([
    ['date-time', 'timestamptz'],
    ['date', 'date'],
    ['time', 'time'],
    ['uuid', 'uuid'],
  ])('maps format %s to %s', (format, expected) => {
    expect(pgTypeFor({ type: 'string', format })).toBe(expected);
    expect(pgTypeFor({ type: ['null', 'string'], format })).toBe(expected);
  });

  it('maps anyOf [date-time, string/null] to timestamptz', () => {
    expect(pgTypeFor({ anyOf: [{ type: 'string', format: 'date-time' }, { type: ['string', 'null'] }] })).toBe('timestamptz');
    expect(pgTypeFor({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] })).toBe('timestamptz');
    expect(pgTypeFor({ oneOf: [{ type: 'null' }, { type: 'string', format: 'date-time' }] })).toBe('timestamptz');
  });

  it('widens date or date with time to timestamptz', () => {
    expect(pgTypeFor({ anyOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }] })).toBe('timestamptz');
  });

  it('maps date, time or uuid mixed with a plain string or another format to text', () => {
    expect(pgTypeFor({ anyOf: [{ type: 'string', format: 'date' }, { type: 'string' }] })).toBe('text');
    expect(pgTypeFor({ anyOf: [{ type: 'string', format: 'uuid' }, { type: 'string', format: 'date' }] })).toBe('text');
    expect(pgTypeFor({ anyOf: [{ type: 'string', format: 'time' }, { type: 'string' }] })).toBe('text');
  });

  it('maps base16 strings to bytea only with interpretContentEncoding', () => {
    const schema: JsonSchema = { type: ['string', 'null'], contentEncoding: 'base16' };
    expect(pgTypeFor(schema)).toBe('text');
    expect(pgTypeFor(schema, { interpretContentEncoding: false })).toBe('text');
    expect(pgTypeFor(schema, { interpretContentEncoding: true })).toBe('bytea');
    expect(pgTypeFor({ type: 'string', contentEncoding: 'base64' }, { interpretContentEncoding: true })).toBe('text');
  });
});

describe('pgTypeFor: integers by bounds (as MeltanoLabs)', () => {
  it.each<[JsonSchema, string]>([
    [{ type: 'integer' }, 'bigint'],
    [{ type: ['integer', 'null'] }, 'bigint'],
    [{ type: 'integer', minimum: -32768, maximum: 32767 }, 'smallint'],
    [{ type: 'integer', minimum: 0, maximum: 100 }, 'smallint'],
    [{ type: 'integer', minimum: -32769, maximum: 0 }, 'integer'],
    [{ type: 'integer', minimum: 0, maximum: 32768 }, 'integer'],
    [{ type: 'integer', minimum: 0, maximum: 2147483647 }, 'integer'],
    [{ type: 'integer', minimum: -2147483648, maximum: 2147483647 }, 'integer'],
    [{ type: 'integer', minimum: 0, maximum: 2147483648 }, 'bigint'],
    [{ type: 'integer', minimum: 0, maximum: 2147483649 }, 'bigint'],
    [{ type: 'integer', minimum: -2147483649, maximum: 0 }, 'bigint'],
    [{ type: 'integer', minimum: 0 }, 'bigint'],
    [{ type: 'integer', maximum: 10 }, 'bigint'],
    [{ type: 'integer', exclusiveMinimum: -1, exclusiveMaximum: 100 }, 'smallint'],
  ])('maps %j to %s', (schema, expected) => {
    expect(pgTypeFor(schema)).toBe(expected);
  });

  it('takes the widest bounds over anyOf branches, whatever their order', () => {
    const small = { type: 'integer', minimum: 0, maximum: 10 };
    const big = { type: 'integer', minimum: 0, maximum: 2 ** 31 + 1 };
    const unbounded = { type: 'integer' };
    expect(pgTypeFor({ anyOf: [small, big] })).toBe('bigint');
    expect(pgTypeFor({ anyOf: [big, small] })).toBe('bigint');
    expect(pgTypeFor({ anyOf: [small, unbounded] })).toBe('bigint');
    expect(pgTypeFor({ anyOf: [unbounded, small] })).toBe('bigint');
    expect(pgTypeFor({ anyOf: [small, { type: 'integer', minimum: -5, maximum: 5 }, { type: 'null' }] })).toBe('smallint');
  });
});

describe('pgTypeFor: numbers and booleans', () => {
  it('maps number (also with integer) to numeric', () => {
    expect(pgTypeFor({ type: 'number' })).toBe('numeric');
    expect(pgTypeFor({ type: ['number', 'null'], minimum: 0, maximum: 1 })).toBe('numeric');
    expect(pgTypeFor({ type: ['integer', 'number'] })).toBe('numeric');
    expect(pgTypeFor({ anyOf: [{ type: 'integer' }, { type: 'number' }] })).toBe('numeric');
  });

  it('maps boolean to boolean, mixed with numbers to jsonb', () => {
    expect(pgTypeFor({ type: 'boolean' })).toBe('boolean');
    expect(pgTypeFor({ type: ['boolean', 'null'] })).toBe('boolean');
    expect(pgTypeFor({ type: ['boolean', 'integer'] })).toBe('jsonb');
    expect(pgTypeFor({ type: ['boolean', 'number'] })).toBe('jsonb');
  });
});

describe('valueKindOf', () => {
  it.each([
    ['text', 'text'],
    ['character varying(16)', 'text'],
    ['character varying', 'text'],
    ['varchar(5)', 'text'],
    ['character(3)', 'text'],
    ['citext', 'text'],
    ['smallint', 'integer'],
    ['integer', 'integer'],
    ['bigint', 'integer'],
    ['int8', 'integer'],
    ['numeric', 'number'],
    ['numeric(38,9)', 'number'],
    ['double precision', 'number'],
    ['real', 'number'],
    ['boolean', 'boolean'],
    ['timestamp with time zone', 'timestamp'],
    ['timestamp without time zone', 'wallclock'],
    ['timestamp', 'wallclock'],
    ['timestamp(6) without time zone', 'wallclock'],
    ['timestamptz', 'timestamp'],
    ['timestamp(3) with time zone', 'timestamp'],
    ['date', 'date'],
    ['time without time zone', 'time'],
    ['time with time zone', 'time'],
    ['uuid', 'uuid'],
    ['jsonb', 'json'],
    ['json', 'json'],
    ['bytea', 'bytea'],
    ['text[]', 'array'],
    ['timestamp with time zone[]', 'array'],
    ['character varying(16)[]', 'array'],
    ['interval', 'text'],
    ['USER-DEFINED', 'text'],
    ['  BIGINT  ', 'integer'],
    ['JSONB', 'json'],
  ] as const)('%j → %s', (pgType, kind) => {
    expect(valueKindOf(pgType)).toBe(kind);
  });
});

describe('elementKindOf', () => {
  it.each([
    ['text[]', 'text'],
    ['bigint[]', 'integer'],
    ['numeric[]', 'number'],
    ['boolean[]', 'boolean'],
    ['timestamptz[]', 'timestamp'],
    ['timestamp with time zone[]', 'timestamp'],
    ['character varying(16)[]', 'text'],
  ] as const)('%j → %s', (pgType, kind) => {
    expect(elementKindOf(pgType)).toBe(kind);
  });
});
