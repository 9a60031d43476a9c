import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/protocol/messages.js';
import { buildColumnPlan, METADATA_COLUMNS, type ColumnPlanOptions } from '../../src/schema/columns.js';

const flat: ColumnPlanOptions = { flatten: false, maxDepth: 0, metadata: false };
const metadataNames = METADATA_COLUMNS.map(([n]) => n);

const nested: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    address: {
      type: ['object', 'null'],
      properties: {
        city: { type: 'string' },
        geo: { type: 'object', properties: { lat: { type: 'number' }, lng: { type: 'number' } } },
      },
    },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

const summary = (plan: ReturnType<typeof buildColumnPlan>) => plan.columns.map((c) => [c.name, c.path.join('.'), c.pgType]);

describe('buildColumnPlan: without flattening', () => {
  it('makes one column per top-level property, in schema order, typed by the type map', () => {
    const plan = buildColumnPlan(nested, ['id'], flat);
    expect(summary(plan)).toEqual([
      ['id', 'id', 'bigint'],
      ['address', 'address', 'jsonb'],
      ['tags', 'tags', 'text[]'],
    ]);
    expect(plan.keyColumns).toEqual(['id']);
  });

  it('handles a schema without properties', () => {
    expect(buildColumnPlan({ type: 'object' }, [], flat).columns).toEqual([]);
  });

  it('passes type-map options through', () => {
    const schema: JsonSchema = { type: 'object', properties: { b: { type: 'string', contentEncoding: 'base16' } } };
    expect(buildColumnPlan(schema, [], flat).columns[0].pgType).toBe('text');
    expect(buildColumnPlan(schema, [], { ...flat, interpretContentEncoding: true }).columns[0].pgType).toBe('bytea');
  });
});

describe('buildColumnPlan: flattening', () => {
  it('flattens one level with parent__child names at max depth 1', () => {
    const plan = buildColumnPlan(nested, ['id'], { flatten: true, maxDepth: 1, metadata: false });
    expect(summary(plan)).toEqual([
      ['id', 'id', 'bigint'],
      ['address__city', 'address.city', 'text'],
      ['address__geo', 'address.geo', 'jsonb'],
      ['tags', 'tags', 'text[]'],
    ]);
  });

  it('flattens deeper with a higher max depth', () => {
    const plan = buildColumnPlan(nested, [], { flatten: true, maxDepth: 2, metadata: false });
    expect(summary(plan)).toEqual([
      ['id', 'id', 'bigint'],
      ['address__city', 'address.city', 'text'],
      ['address__geo__lat', 'address.geo.lat', 'numeric'],
      ['address__geo__lng', 'address.geo.lng', 'numeric'],
      ['tags', 'tags', 'text[]'],
    ]);
    expect(buildColumnPlan(nested, [], { flatten: true, maxDepth: 10, metadata: false }).columns).toHaveLength(5);
  });

  it('does not flatten at max depth 0 or when disabled', () => {
    expect(buildColumnPlan(nested, [], { flatten: true, maxDepth: 0, metadata: false }).columns.map((c) => c.name)).toEqual(['id', 'address', 'tags']);
    expect(buildColumnPlan(nested, [], { flatten: false, maxDepth: 5, metadata: false }).columns.map((c) => c.name)).toEqual(['id', 'address', 'tags']);
  });

  it.each<[string, JsonSchema]>([
    ['an object without properties', { type: 'object' }],
    ['an object with empty properties', { type: 'object', properties: {} }],
    ['an object that may be a string', { type: ['object', 'string'], properties: { a: { type: 'string' } } }],
    ['an anyOf object', { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ type: 'object' }, { type: 'null' }] }],
    ['an array of objects', { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } }],
  ])('keeps %s as one jsonb column', (_name, schema) => {
    const plan = buildColumnPlan({ type: 'object', properties: { p: schema } }, [], { flatten: true, maxDepth: 3, metadata: false });
    expect(summary(plan)).toEqual([['p', 'p', 'jsonb']]);
  });

  it('gives distinct names when a flattened path meets a top-level property of the same name', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { a__b: { type: 'string' }, a: { type: 'object', properties: { b: { type: 'integer' } } } },
    };
    const plan = buildColumnPlan(schema, [], { flatten: true, maxDepth: 1, metadata: false });
    const names = plan.columns.map((c) => c.name);
    expect(names[0]).toBe('a__b');
    expect(names[1]).toMatch(/^a__b_[0-9a-f]{8}$/);
    expect(plan.columns[1].path).toEqual(['a', 'b']);
  });

  it('applies the name style to flattened names', () => {
    const schema: JsonSchema = { type: 'object', properties: { Outer: { type: 'object', properties: { innerName: { type: 'string' } } } } };
    const plan = buildColumnPlan(schema, [], { flatten: true, maxDepth: 1, metadata: false, nameStyle: 'snake' });
    expect(plan.columns.map((c) => c.name)).toEqual(['outer__inner_name']);
    expect(plan.columns[0].path).toEqual(['Outer', 'innerName']);
  });
});

describe('buildColumnPlan: metadata columns', () => {
  const withMeta: ColumnPlanOptions = { flatten: false, maxDepth: 0, metadata: true };

  it('appends the _sdc_ columns in the Meltano SDK order with their types', () => {
    const plan = buildColumnPlan({ type: 'object', properties: { id: { type: 'integer' } } }, ['id'], withMeta);
    expect(plan.columns.map((c) => [c.name, c.pgType, c.metadata ?? null])).toEqual([
      ['id', 'bigint', null],
      ['_sdc_extracted_at', 'timestamptz', '_sdc_extracted_at'],
      ['_sdc_received_at', 'timestamptz', '_sdc_received_at'],
      ['_sdc_batched_at', 'timestamptz', '_sdc_batched_at'],
      ['_sdc_deleted_at', 'timestamptz', '_sdc_deleted_at'],
      ['_sdc_sequence', 'bigint', '_sdc_sequence'],
      ['_sdc_table_version', 'bigint', '_sdc_table_version'],
      ['_sdc_sync_started_at', 'bigint', '_sdc_sync_started_at'],
    ]);
    for (const c of plan.columns.slice(1)) expect(c.path).toEqual([]);
  });

  it('replaces incoming metadata properties by the target-filled columns, once each', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { id: { type: 'integer' }, _sdc_deleted_at: { type: ['string', 'null'], format: 'date-time' }, _sdc_sequence: { type: 'integer' } },
    };
    const plan = buildColumnPlan(schema, [], withMeta);
    expect(plan.columns.map((c) => c.name)).toEqual(['id', ...metadataNames]);
    expect(plan.columns.filter((c) => c.name === '_sdc_deleted_at')).toHaveLength(1);
    expect(plan.columns.find((c) => c.name === '_sdc_deleted_at')?.metadata).toBe('_sdc_deleted_at');
  });

  it('keeps other _sdc_ properties of the tap as data columns', () => {
    const schema: JsonSchema = { type: 'object', properties: { _sdc_source_file: { type: 'string' } } };
    const plan = buildColumnPlan(schema, [], withMeta);
    expect(plan.columns[0]).toEqual({ name: '_sdc_source_file', path: ['_sdc_source_file'], pgType: 'text' });
  });

  it('never lets a property take a metadata column name after styling', () => {
    const schema: JsonSchema = { type: 'object', properties: { _SDC_SEQUENCE: { type: 'string' } } };
    const plan = buildColumnPlan(schema, [], { ...withMeta, nameStyle: 'lower' });
    const names = plan.columns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(plan.columns[0].name).toMatch(/^_sdc_sequence_[0-9a-f]{8}$/);
    expect(plan.columns[0].path).toEqual(['_SDC_SEQUENCE']);
  });

  it('drops incoming metadata properties when metadata is off', () => {
    const schema: JsonSchema = { type: 'object', properties: { id: { type: 'integer' }, _sdc_extracted_at: { type: 'string' } } };
    const plan = buildColumnPlan(schema, [], flat);
    expect(plan.columns.map((c) => c.name)).toEqual(['id']);
    expect(plan.columns.some((c) => c.metadata)).toBe(false);
  });
});

describe('buildColumnPlan: key columns', () => {
  it('returns the column names of the keys in key order', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } };
    expect(buildColumnPlan(schema, ['b', 'a'], flat).keyColumns).toEqual(['b', 'a']);
  });

  it('follows the name style', () => {
    const schema: JsonSchema = { type: 'object', properties: { UserId: { type: 'integer' } } };
    expect(buildColumnPlan(schema, ['UserId'], { ...flat, nameStyle: 'snake' }).keyColumns).toEqual(['user_id']);
  });

  it('follows shortening of long names', () => {
    const long = 'k'.repeat(80);
    const plan = buildColumnPlan({ type: 'object', properties: { [long]: { type: 'string' } } }, [long], flat);
    expect(plan.keyColumns).toEqual([plan.columns[0].name]);
    expect(Buffer.byteLength(plan.keyColumns[0])).toBe(63);
  });

  it('keeps a key that is not a column as given', () => {
    expect(buildColumnPlan({ type: 'object', properties: {} }, ['missing'], flat).keyColumns).toEqual(['missing']);
  });
});
