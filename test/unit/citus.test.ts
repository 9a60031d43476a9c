import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode } from '../../src/errors.js';
import {
  citusRequestFor,
  describePlacement,
  keyChangeProblem,
  placementForNewTable,
  placementFromCatalog,
  samePlacement,
  typeChangeProblem,
  type Placement,
} from '../../src/load/citus-placement.js';
import type { ColumnSpec } from '../../src/schema/columns.js';
import { buildCreateDistributedTableSql, buildCreateReferenceTableSql, buildDeleteMarkedByKeyListSql } from '../../src/sql/citus.js';
import { CITUS_MERGE_UNSUPPORTED, CITUS_NULL_DISTRIBUTION_VALUE } from '../../src/sql/dialect.js';
import { qualified } from '../../src/sql/quote.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

const col = (name: string, pgType = 'bigint', path: string[] = [name]): ColumnSpec => ({ name, path, pgType });
const seq: ColumnSpec = { name: '_sdc_sequence', path: [], metadata: '_sdc_sequence', pgType: 'bigint' };
const columns = [col('id'), col('org', 'text'), col('v', 'text'), seq];

describe('Citus SQL builders', () => {
  it('distribute a table on a column, co-located with a table or a Citus group', () => {
    expect(buildCreateDistributedTableSql('s', 't', 'id', 'default')).toBe(`SELECT create_distributed_table('"s"."t"', 'id', colocate_with => 'default')`);
    expect(buildCreateDistributedTableSql('s', 't', 'id', '"s"."u"')).toBe(`SELECT create_distributed_table('"s"."t"', 'id', colocate_with => '"s"."u"')`);
  });

  it('a single-shard table has a NULL distribution column', () => {
    expect(buildCreateDistributedTableSql('s', 'dl', null, 'none')).toBe(`SELECT create_distributed_table('"s"."dl"', NULL, colocate_with => 'none')`);
  });

  it('a reference table', () => {
    expect(buildCreateReferenceTableSql('s', 't')).toBe(`SELECT create_reference_table('"s"."t"')`);
  });

  it('hard delete on a reference table takes the keys from an uncorrelated subquery, with the order guard', () => {
    expect(buildDeleteMarkedByKeyListSql('s', 't', ['id', 'k'])).toBe(
      `DELETE FROM "s"."t" AS t WHERE (t."id", t."k") IN (SELECT s."id", s."k" FROM "target_postgres_stage" AS s WHERE s."_sdc_deleted_at" IS NOT NULL)`,
    );
    expect(buildDeleteMarkedByKeyListSql('s', 't', ['id'], 'at')).toBe(
      `DELETE FROM "s"."t" AS t WHERE (t."id") IN (SELECT s."id" FROM "target_postgres_stage" AS s JOIN "s"."t" AS c ON c."id" = s."id" WHERE s."_sdc_deleted_at" IS NOT NULL AND (c."at" IS NULL OR s."at" IS NULL OR c."at" <= s."at"))`,
    );
  });

  it.each(HOSTILE_NAMES)('keeps hostile names %j quoted in the reference-table hard delete', (name) => {
    const pieces = lexSql(buildDeleteMarkedByKeyListSql(name, name, [name], name));
    expect(pieces.identifiers.every((i) => i === name || i === 'target_postgres_stage' || i === '_sdc_deleted_at')).toBe(true);
    expect(hasNoInjection(pieces.skeleton)).toBe(true);
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside literals Citus reads as a quoted name and an exact column', (name) => {
    const d = lexSql(buildCreateDistributedTableSql(name, name, name, qualified(name, 'peer')));
    expect(d.literals).toEqual([qualified(name, name), name, qualified(name, 'peer')]);
    expect(d.skeleton).toBe(`SELECT create_distributed_table('?', '?', colocate_with => '?')`);
    const r = lexSql(buildCreateReferenceTableSql(name, name));
    expect(r.literals).toEqual([qualified(name, name)]);
    expect(hasNoInjection(d.skeleton) && hasNoInjection(r.skeleton)).toBe(true);
  });
});

describe('placementForNewTable', () => {
  const keyed = { keys: ['id', 'org'] };
  it('auto: a keyed stream is distributed on its first key property, with the column type for co-location', () => {
    expect(placementForNewTable('auto', true, keyed, columns)).toEqual({ kind: 'hash', column: 'id', type: 'bigint' });
  });

  it('distribution_column picks another key property', () => {
    expect(placementForNewTable('auto', true, { ...keyed, distributionProperty: 'org' }, columns)).toEqual({ kind: 'hash', column: 'org', type: 'text' });
  });

  it('uses the column a property loads into (names may differ from properties)', () => {
    const renamed = [col('Id_1', 'bigint', ['Id']), seq];
    expect(placementForNewTable('auto', true, { keys: ['Id'] }, renamed)).toEqual({ kind: 'hash', column: 'Id_1', type: 'bigint' });
  });

  it('a keyless stream spreads on _sdc_sequence, or on its distribution_column', () => {
    expect(placementForNewTable('auto', true, { keys: [] }, columns)).toEqual({ kind: 'hash', column: '_sdc_sequence', type: 'bigint' });
    expect(placementForNewTable('auto', true, { keys: [], distributionProperty: 'org' }, columns)).toEqual({ kind: 'hash', column: 'org', type: 'text' });
  });

  it('without a key or metadata columns (the dead-letter table): a single shard, or local on Citus before 12', () => {
    expect(placementForNewTable('auto', true, undefined, [col('stream', 'text'), col('record', 'jsonb')])).toEqual({ kind: 'single-shard' });
    expect(placementForNewTable('auto', false, undefined, [col('stream', 'text')])).toEqual({ kind: 'local' });
  });

  it('citus_table reference and local win over auto', () => {
    expect(placementForNewTable('auto', true, { ...keyed, table: 'reference' }, columns)).toEqual({ kind: 'reference' });
    expect(placementForNewTable('auto', true, { ...keyed, table: 'local' }, columns)).toEqual({ kind: 'local' });
  });

  it('off: local, except streams that ask for a Citus table', () => {
    expect(placementForNewTable('off', true, keyed, columns)).toEqual({ kind: 'local' });
    expect(placementForNewTable('off', true, undefined, columns)).toEqual({ kind: 'local' });
    expect(placementForNewTable('off', true, { ...keyed, table: 'reference' }, columns)).toEqual({ kind: 'reference' });
    expect(placementForNewTable('off', true, { ...keyed, table: 'distributed' }, columns)).toEqual({ kind: 'hash', column: 'id', type: 'bigint' });
    expect(placementForNewTable('off', true, { ...keyed, distributionProperty: 'org' }, columns)).toEqual({ kind: 'hash', column: 'org', type: 'text' });
  });
});

describe('placementFromCatalog', () => {
  it('classifies pg_dist_partition rows', () => {
    expect(placementFromCatalog(undefined)).toEqual({ kind: 'local' });
    expect(placementFromCatalog({ partmethod: 'h', repmodel: 's', colocationid: 3, column: 'id', column_type: 'bigint' })).toEqual({ kind: 'hash', column: 'id', type: 'bigint' });
    expect(placementFromCatalog({ partmethod: 'n', repmodel: 't', colocationid: 2, column: null, column_type: null })).toEqual({ kind: 'reference' });
    expect(placementFromCatalog({ partmethod: 'n', repmodel: 's', colocationid: 7, column: null, column_type: null })).toEqual({ kind: 'single-shard' });
    expect(placementFromCatalog({ partmethod: 'n', repmodel: 's', colocationid: 0, column: null, column_type: null })).toEqual({ kind: 'citus-local' });
  });
});

describe('samePlacement and describePlacement', () => {
  const hash = (column: string): Placement => ({ kind: 'hash', column, type: 'bigint' });
  it('compares layouts: the distribution column matters, its type does not; Citus local counts as local', () => {
    expect(samePlacement(hash('id'), { kind: 'hash', column: 'id', type: 'integer' })).toBe(true);
    expect(samePlacement(hash('id'), hash('org'))).toBe(false);
    expect(samePlacement({ kind: 'citus-local' }, { kind: 'local' })).toBe(true);
    expect(samePlacement({ kind: 'reference' }, { kind: 'local' })).toBe(false);
    expect(samePlacement({ kind: 'single-shard' }, { kind: 'single-shard' })).toBe(true);
  });

  it('says what a layout is', () => {
    expect(describePlacement(hash('id'))).toBe('distributed on "id"');
    expect(describePlacement({ kind: 'reference' })).toBe('a reference table');
    expect(describePlacement({ kind: 'single-shard' })).toBe('a single-shard distributed table');
    expect(describePlacement({ kind: 'local' })).toBe('a plain table on the coordinator');
  });
});

describe('what a Citus table cannot take', () => {
  const p: Placement = { kind: 'hash', column: 'id', type: 'integer' };
  it('a type change of the distribution column is refused, with what to do; other columns and other layouts pass', () => {
    const m = typeChangeProblem(p, 'app.t', 'id', 'integer', 'bigint', "the stream's schema changed");
    expect(m).toContain('column "id" of table app.t should become bigint (the stream\'s schema changed), but it is the table\'s Citus distribution column');
    expect(m).toContain("SELECT undistribute_table('app.t')");
    expect(m).not.toContain('\n');
    expect(typeChangeProblem(p, 'app.t', 'v', 'integer', 'bigint', 'x')).toBeUndefined();
    expect(typeChangeProblem({ kind: 'reference' }, 'app.t', 'id', 'integer', 'bigint', 'x')).toBeUndefined();
    expect(typeChangeProblem({ kind: 'local' }, 'app.t', 'id', 'integer', 'bigint', 'x')).toBeUndefined();
  });

  it('a key without the distribution column is refused; a key with it, no key, or a reference table pass', () => {
    expect(keyChangeProblem(p, 'app.t', ['org'])).toContain('key_properties now make the key (org), but table app.t is distributed on "id"');
    expect(keyChangeProblem(p, 'app.t', ['org', 'id'])).toBeUndefined();
    expect(keyChangeProblem(p, 'app.t', [])).toBeUndefined();
    expect(keyChangeProblem({ kind: 'reference' }, 'app.t', ['org'])).toBeUndefined();
  });
});

describe('citusRequestFor (stream_overrides, checked at SCHEMA time)', () => {
  const fails = (f: () => unknown): ConfigError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).exitCode).toBe(ExitCode.usage);
      return e as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('passes the overrides through with the key', () => {
    expect(citusRequestFor('s', undefined, ['id'], columns)).toEqual({ table: undefined, distributionProperty: undefined, keys: ['id'] });
    expect(citusRequestFor('s', { distribution_column: 'org' }, ['id', 'org'], columns)).toEqual({ table: undefined, distributionProperty: 'org', keys: ['id', 'org'] });
    expect(citusRequestFor('s', { citus_table: 'reference' }, ['id'], columns)).toMatchObject({ table: 'reference' });
    expect(citusRequestFor('s', { distribution_column: 'v' }, [], columns)).toMatchObject({ distributionProperty: 'v', keys: [] });
  });

  it('a distribution column outside the key is a config error naming stream, setting and what to do', () => {
    const e = fails(() => citusRequestFor('orders', { distribution_column: 'v' }, ['id'], columns));
    expect(e.message).toBe(
      `stream "orders": stream_overrides.orders.distribution_column "v" is not one of the stream's key_properties (id): a Citus table's primary key must include its distribution column; name one of them, or add "v" to key_properties`,
    );
  });

  it('a keyless stream needs a top-level property that is a column', () => {
    expect(fails(() => citusRequestFor('e', { distribution_column: 'nope' }, [], columns)).message).toContain('"nope" is not a top-level property');
    const flattened = [col('a__b', 'text', ['a', 'b'])];
    expect(fails(() => citusRequestFor('e', { distribution_column: 'a' }, [], flattened)).message).toContain('"a" is not a top-level property');
  });

  it('a distribution column with a reference or local table is a contradiction', () => {
    expect(fails(() => citusRequestFor('d', { citus_table: 'reference', distribution_column: 'id' }, ['id'], columns)).message).toBe(
      'stream "d": stream_overrides.d.distribution_column is set, but citus_table is reference, which has no distribution column; remove one of the two',
    );
    expect(fails(() => citusRequestFor('d', { citus_table: 'local', distribution_column: 'id' }, ['id'], columns)).message).toContain('citus_table is local');
  });
});

describe('Citus messages the target recognises', () => {
  it('MERGE refusals (Citus 13.2 texts)', () => {
    expect(CITUS_MERGE_UNSUPPORTED.test('MERGE INTO an distributed table from Postgres table is not yet supported')).toBe(true);
    expect(CITUS_MERGE_UNSUPPORTED.test('Reference table as target is not allowed in MERGE command')).toBe(true);
    expect(CITUS_MERGE_UNSUPPORTED.test('duplicate key value violates unique constraint "t_pkey"')).toBe(false);
  });

  it('a row without a distribution column value', () => {
    expect(CITUS_NULL_DISTRIBUTION_VALUE.test('the partition column of table app.e cannot be NULL')).toBe(true);
    expect(CITUS_NULL_DISTRIBUTION_VALUE.test('null value in column "id" violates not-null constraint')).toBe(false);
  });
});
