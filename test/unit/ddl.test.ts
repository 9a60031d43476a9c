import { describe, expect, it } from 'vitest';
import {
  buildAddColumnSql,
  buildAddPrimaryKeySql,
  buildAlterColumnTypeSql,
  buildCommentColumnSql,
  buildCreateSchemaSql,
  buildCreateTableSql,
  DESCRIBE_TABLE_SQL,
} from '../../src/sql/ddl.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

describe('buildCreateSchemaSql', () => {
  it('creates the schema if missing', () => {
    expect(buildCreateSchemaSql('raw')).toBe('CREATE SCHEMA IF NOT EXISTS "raw"');
  });
});

describe('buildCreateTableSql', () => {
  it('creates a table with typed columns', () => {
    expect(buildCreateTableSql('public', 'events', [{ name: 'id', pgType: 'bigint' }, { name: 'data', pgType: 'jsonb' }], [])).toBe(
      'CREATE TABLE IF NOT EXISTS "public"."events" ("id" bigint, "data" jsonb)',
    );
  });

  it('marks key columns NOT NULL and adds the primary key in key order', () => {
    const sql = buildCreateTableSql(
      's',
      't',
      [
        { name: 'a', pgType: 'text' },
        { name: 'b', pgType: 'bigint' },
        { name: 'c', pgType: 'text' },
      ],
      ['b', 'a'],
    );
    expect(sql).toBe('CREATE TABLE IF NOT EXISTS "s"."t" ("a" text NOT NULL, "b" bigint NOT NULL, "c" text, PRIMARY KEY ("b", "a"))');
  });

  it('keeps case-sensitive names apart', () => {
    const sql = buildCreateTableSql('s', 't', [{ name: 'Id', pgType: 'text' }, { name: 'id', pgType: 'text' }], ['id']);
    expect(sql).toBe('CREATE TABLE IF NOT EXISTS "s"."t" ("Id" text, "id" text NOT NULL, PRIMARY KEY ("id"))');
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes everywhere', (name) => {
    const sql = buildCreateTableSql(name, name, [{ name, pgType: 'text' }, { name: 'other', pgType: 'bigint' }], [name]);
    const pieces = lexSql(sql);
    expect(pieces.identifiers).toEqual([name, name, name, 'other', name]);
    expect(pieces.skeleton).toBe('CREATE TABLE IF NOT EXISTS "?"."?" ("?" text NOT NULL, "?" bigint, PRIMARY KEY ("?"))');
    expect(hasNoInjection(pieces.skeleton)).toBe(true);
  });
});

describe('ALTER TABLE builders', () => {
  it('adds a column if missing', () => {
    expect(buildAddColumnSql('s', 't', { name: 'new col', pgType: 'timestamptz' })).toBe(
      'ALTER TABLE "s"."t" ADD COLUMN IF NOT EXISTS "new col" timestamptz',
    );
  });

  it('changes a column type with a USING expression', () => {
    expect(buildAlterColumnTypeSql('s', 't', 'n', 'bigint', '"n"::bigint')).toBe('ALTER TABLE "s"."t" ALTER COLUMN "n" TYPE bigint USING "n"::bigint');
  });

  it('adds a primary key', () => {
    expect(buildAddPrimaryKeySql('s', 't', ['a', 'b'])).toBe('ALTER TABLE "s"."t" ADD PRIMARY KEY ("a", "b")');
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    for (const sql of [
      buildAddColumnSql(name, name, { name, pgType: 'text' }),
      buildAlterColumnTypeSql(name, name, name, 'text', 'NULL'),
      buildAddPrimaryKeySql(name, name, [name, name]),
      buildCreateSchemaSql(name),
    ]) {
      const pieces = lexSql(sql);
      expect(pieces.identifiers.every((i) => i === name)).toBe(true);
      expect(hasNoInjection(pieces.skeleton)).toBe(true);
    }
  });
});

describe('buildCommentColumnSql', () => {
  it('comments a column with a quoted literal', () => {
    expect(buildCommentColumnSql('s', 't', 'c', "it's")).toBe('COMMENT ON COLUMN "s"."t"."c" IS \'it\'\'s\'');
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes and the comment inside one literal', (name) => {
    const comment = `'; DROP TABLE x; -- ${name}`;
    const pieces = lexSql(buildCommentColumnSql(name, name, name, comment));
    expect(pieces.skeleton).toBe('COMMENT ON COLUMN "?"."?"."?" IS \'?\'');
    expect(pieces.identifiers).toEqual([name, name, name]);
    expect(pieces.literals).toEqual([comment]);
  });
});

describe('DESCRIBE_TABLE_SQL', () => {
  it('takes schema and table as parameters, not as text', () => {
    expect(DESCRIBE_TABLE_SQL).toContain('n.nspname = $1');
    expect(DESCRIBE_TABLE_SQL).toContain('c.relname = $2');
    expect(DESCRIBE_TABLE_SQL).toContain('NOT a.attisdropped');
  });
});
