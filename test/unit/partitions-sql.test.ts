import { describe, expect, it } from 'vitest';
import { STAGING_TABLE } from '../../src/sql/merge.js';
import {
  buildBatchBoundsSql,
  buildBoundConditionSql,
  buildBoundSql,
  buildCountNewKeysSql,
  buildCreateLikePartitionedSql,
  buildCreatePartitionSql,
  buildCreatePartitionedTableSql,
  buildInsertFromStagingSql,
  buildMovePartitionSql,
  partitionName,
} from '../../src/sql/partitions.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

const stage = `"${STAGING_TABLE}"`;

describe('partitionName', () => {
  it('names range partitions by their start, at the interval width', () => {
    const b = { kind: 'range', from: '2024-03-04', to: '2024-03-11' } as const;
    expect(partitionName('events', b, 'day')).toBe('events__20240304');
    expect(partitionName('events', b, 'week')).toBe('events__20240304');
    expect(partitionName('events', { kind: 'range', from: '2024-03-01', to: '2024-04-01' }, 'month')).toBe('events__202403');
    expect(partitionName('events', { kind: 'range', from: '2024-01-01', to: '2025-01-01' }, 'year')).toBe('events__2024');
  });

  it('names list partitions by a plain value, else by its hash; NULL, hash and default get suffixes no value can take', () => {
    expect(partitionName('t', { kind: 'list', value: 'eu-west_1' })).toBe('t__eu-west_1');
    expect(partitionName('t', { kind: 'list', value: 'null' })).toBe('t__null');
    expect(partitionName('t', { kind: 'list', value: null })).toBe('t___null');
    expect(partitionName('t', { kind: 'list', value: "it's" })).toMatch(/^t___v[0-9a-f]{8}$/);
    expect(partitionName('t', { kind: 'list', value: '_null' })).not.toBe('t___null');
    expect(partitionName('t', { kind: 'hash', modulus: 8, remainder: 7 })).toBe('t___h7');
    expect(partitionName('t', { kind: 'default' })).toBe('t___default');
  });

  it('stays within 63 bytes, stably, for long table names', () => {
    const long = 'x'.repeat(70);
    const a = partitionName(long, { kind: 'range', from: '2024-01-01', to: '2024-01-02' }, 'day');
    const b = partitionName(long, { kind: 'range', from: '2024-01-02', to: '2024-01-03' }, 'day');
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(partitionName(long, { kind: 'range', from: '2024-01-01', to: '2024-01-02' }, 'day')).toBe(a);
  });
});

describe('partition DDL', () => {
  it('creates the table PARTITION BY its strategy and key', () => {
    expect(buildCreatePartitionedTableSql('s', 't', [{ name: 'id', pgType: 'bigint' }, { name: 'at', pgType: 'timestamptz' }], ['id', 'at'], 'range', 'at')).toBe(
      'CREATE TABLE IF NOT EXISTS "s"."t" ("id" bigint NOT NULL, "at" timestamptz NOT NULL, PRIMARY KEY ("id", "at")) PARTITION BY RANGE ("at")',
    );
    expect(buildCreatePartitionedTableSql('s', 't', [{ name: 'r', pgType: 'text' }], [], 'list', 'r')).toBe('CREATE TABLE IF NOT EXISTS "s"."t" ("r" text) PARTITION BY LIST ("r")');
  });

  it('writes each kind of bound', () => {
    expect(buildBoundSql({ kind: 'range', from: '2024-01-01', to: '2024-02-01' })).toBe("FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')");
    expect(buildBoundSql({ kind: 'list', value: "o'k" })).toBe("FOR VALUES IN ('o''k')");
    expect(buildBoundSql({ kind: 'list', value: null })).toBe('FOR VALUES IN (NULL)');
    expect(buildBoundSql({ kind: 'hash', modulus: 4, remainder: 3 })).toBe('FOR VALUES WITH (MODULUS 4, REMAINDER 3)');
    expect(buildBoundSql({ kind: 'default' })).toBe('DEFAULT');
    expect(buildCreatePartitionSql('s', 't', 't__eu', "FOR VALUES IN ('eu')")).toBe(`CREATE TABLE IF NOT EXISTS "s"."t__eu" PARTITION OF "s"."t" FOR VALUES IN ('eu')`);
  });

  it('reads the bounds a staged batch needs', () => {
    expect(buildBatchBoundsSql('at', 'range', 'week')).toBe(
      `SELECT DISTINCT to_char(date_trunc('week', "at"), 'YYYY-MM-DD') AS lo, to_char(date_trunc('week', "at") + interval '1 week', 'YYYY-MM-DD') AS hi FROM ${stage}`,
    );
    expect(buildBatchBoundsSql('r', 'list')).toBe(`SELECT DISTINCT "r"::text AS v FROM ${stage}`);
  });

  it('moves rows of a new bound out of the default partition: create detached, move, attach', () => {
    expect(buildMovePartitionSql('s', 't', 't__eu', 't___default', ['id', 'r'], { kind: 'list', value: 'eu' }, 'r')).toEqual([
      'CREATE TABLE "s"."t__eu" (LIKE "s"."t" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
      `WITH moved AS (DELETE FROM "s"."t___default" WHERE "r" = 'eu' RETURNING "id", "r") INSERT INTO "s"."t__eu" ("id", "r") SELECT "id", "r" FROM moved`,
      `ALTER TABLE "s"."t" ATTACH PARTITION "s"."t__eu" FOR VALUES IN ('eu')`,
    ]);
    expect(buildBoundConditionSql('at', { kind: 'range', from: '2024-01-01', to: '2024-01-02' })).toBe(`"at" >= '2024-01-01' AND "at" < '2024-01-02'`);
    expect(buildBoundConditionSql('r', { kind: 'list', value: null })).toBe('"r" IS NULL');
  });

  it('inserts staged rows and counts new keys for partitioned tables', () => {
    expect(buildInsertFromStagingSql('s', 't', ['a', 'b'])).toBe(`INSERT INTO "s"."t" ("a", "b") SELECT "a", "b" FROM ${stage}`);
    expect(buildCountNewKeysSql('s', 't', ['id', 'at'], true)).toBe(
      `SELECT count(*)::int AS n FROM ${stage} AS s WHERE NOT EXISTS (SELECT 1 FROM "s"."t" AS t WHERE t."id" = s."id" AND t."at" = s."at") AND s."_sdc_deleted_at" IS NULL`,
    );
  });

  it('builds an overwrite fresh table LIKE the live one with the key the server printed, refusing anything else', () => {
    expect(buildCreateLikePartitionedSql('s', 'f', 't', 'RANGE (at)')).toBe('CREATE TABLE "s"."f" (LIKE "s"."t" INCLUDING ALL) PARTITION BY RANGE (at)');
    expect(buildCreateLikePartitionedSql('s', 'f', 't', 'LIST ("a;b")')).toContain('PARTITION BY LIST ("a;b")');
    expect(() => buildCreateLikePartitionedSql('s', 'f', 't', 'RANGE (at); DROP TABLE x')).toThrow(/unexpected partition key/);
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    const sqls = [
      buildCreatePartitionedTableSql(name, name, [{ name, pgType: 'text' }], [name], 'list', name),
      buildCreatePartitionSql(name, name, partitionName(name, { kind: 'list', value: name }), buildBoundSql({ kind: 'list', value: name })),
      buildBatchBoundsSql(name, 'range', 'day'),
      ...buildMovePartitionSql(name, name, name, name, [name], { kind: 'list', value: name }, name),
      buildCountNewKeysSql(name, name, [name], false),
    ];
    for (const sql of sqls) expect(hasNoInjection(lexSql(sql).skeleton)).toBe(true);
  });
});
