import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { ColumnSpec } from '../../src/schema/columns.js';
import { planPartitioning } from '../../src/stream/partition-plan.js';

const columns: ColumnSpec[] = [
  { name: 'id', path: ['id'], pgType: 'bigint' },
  { name: 'at', path: ['at'], pgType: 'timestamptz' },
  { name: 'day', path: ['day'], pgType: 'date' },
  { name: 'region', path: ['region'], pgType: 'text' },
  { name: 'geo__country', path: ['geo', 'country'], pgType: 'text' },
  { name: 'tags', path: ['tags'], pgType: 'jsonb' },
  { name: '_sdc_sequence', path: [], metadata: '_sdc_sequence', pgType: 'bigint' },
];

const plan = (by: Parameters<typeof planPartitioning>[1], keys: string[] = [], merge: Parameters<typeof planPartitioning>[4] = 'append') => planPartitioning('s', by, columns, keys, merge);
const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('planPartitioning', () => {
  it('is nothing without partition_by', () => {
    expect(plan(undefined)).toBeUndefined();
  });

  it('plans range on date-time and date columns, list on a flattened property, hash with a modulus', () => {
    expect(plan({ column: 'at', strategy: 'range', interval: 'day' })).toEqual({ path: ['at'], strategy: 'range', interval: 'day', modulus: undefined, defaultPartition: false });
    expect(plan({ column: 'day', strategy: 'range', interval: 'month', default_partition: true })?.defaultPartition).toBe(true);
    expect(plan({ column: 'geo__country', strategy: 'list' })?.path).toEqual(['geo', 'country']);
    expect(plan({ column: 'id', strategy: 'hash', modulus: 8 }, ['id'], 'upsert')?.modulus).toBe(8);
  });

  it('refuses what PostgreSQL or the strategy cannot take, naming the setting', () => {
    expect(problem(() => plan({ column: 'nope', strategy: 'list' }))).toBe(
      'stream "s": stream_overrides."s".partition_by: column "nope" is not a property of the stream\'s schema (properties, flattened as parent__child: id, at, day, region, geo__country, tags)',
    );
    expect(problem(() => plan({ column: '_sdc_sequence', strategy: 'hash', modulus: 2 }))).toContain('is not a property');
    expect(problem(() => plan({ column: 'at', strategy: 'range' }))).toContain('strategy range needs an interval');
    expect(problem(() => plan({ column: 'region', strategy: 'range', interval: 'day' }))).toContain('column "region" is text; declare it format date-time or date');
    expect(problem(() => plan({ column: 'region', strategy: 'list', interval: 'day' }))).toContain('interval applies to strategy range only');
    expect(problem(() => plan({ column: 'id', strategy: 'hash' }))).toContain('strategy hash needs a modulus');
    expect(problem(() => plan({ column: 'id', strategy: 'list', modulus: 3 }))).toContain('modulus applies to strategy hash only');
    expect(problem(() => plan({ column: 'id', strategy: 'hash', modulus: 3, default_partition: true }))).toContain('cannot have a default partition');
    expect(problem(() => plan({ column: 'tags', strategy: 'list' }))).toContain('partition by a scalar column');
  });

  it('a keyed load method needs the partition column among the keys', () => {
    for (const merge of ['upsert', 'update', 'delete', 'history'] as const) {
      expect(problem(() => plan({ column: 'at', strategy: 'range', interval: 'day' }, ['id'], merge))).toContain(`load method ${merge} keys the table on (id)`);
      expect(plan({ column: 'at', strategy: 'range', interval: 'day' }, ['id', 'at'], merge)?.path).toEqual(['at']);
    }
    expect(problem(() => plan({ column: 'geo__country', strategy: 'list' }, ['id'], 'upsert'))).toContain('add "geo__country" to stream_overrides."s".key_properties');
  });
});
