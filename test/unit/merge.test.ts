import { describe, expect, it } from 'vitest';
import { qualified, quoteIdent } from '../../src/sql/quote.js';
import {
  buildActivateVersionDeleteSql,
  buildActivateVersionSoftDeleteSql,
  buildCopySql,
  buildCreateStagingSql,
  buildDeleteMarkedSql,
  buildMergeSql,
  buildUpsertLiveSql,
  buildUpsertSql,
  STAGING_TABLE,
} from '../../src/sql/merge.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

const stage = `"${STAGING_TABLE}"`;

describe('buildCopySql', () => {
  it('copies CSV into the given (already quoted) table and columns', () => {
    expect(buildCopySql(qualified('s', 't'), ['a', 'B c'])).toBe('COPY "s"."t" ("a", "B c") FROM STDIN WITH (FORMAT csv)');
    expect(buildCopySql(quoteIdent(STAGING_TABLE), ['a'])).toBe(`COPY ${stage} ("a") FROM STDIN WITH (FORMAT csv)`);
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    const pieces = lexSql(buildCopySql(qualified(name, name), [name, 'x']));
    expect(pieces.identifiers).toEqual([name, name, name, 'x']);
    expect(pieces.skeleton).toBe('COPY "?"."?" ("?", "?") FROM STDIN WITH (FORMAT csv)');
  });
});

describe('buildCreateStagingSql', () => {
  it('creates a temporary table shaped like the target, dropped at commit', () => {
    expect(buildCreateStagingSql('s', 't', ['id', 'v'])).toBe(
      `CREATE TEMP TABLE ${stage} ON COMMIT DROP AS SELECT "id", "v" FROM "s"."t" WITH NO DATA`,
    );
  });
});

describe('buildUpsertSql', () => {
  it('inserts from staging and updates non-key columns on conflict', () => {
    expect(buildUpsertSql('s', 't', ['id', 'name', 'n'], ['id'])).toBe(
      `INSERT INTO "s"."t" AS t ("id", "name", "n") SELECT "id", "name", "n" FROM ${stage} ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "n" = EXCLUDED."n"`,
    );
  });

  it('never lets an older record overwrite a newer row when a sequence column is given', () => {
    const sql = buildUpsertSql('s', 't', ['id', 'v', '_sdc_sequence'], ['id'], '_sdc_sequence');
    expect(sql).toBe(
      `INSERT INTO "s"."t" AS t ("id", "v", "_sdc_sequence") SELECT "id", "v", "_sdc_sequence" FROM ${stage} ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v", "_sdc_sequence" = EXCLUDED."_sdc_sequence"` +
        ` WHERE t."_sdc_sequence" IS NULL OR EXCLUDED."_sdc_sequence" IS NULL OR t."_sdc_sequence" <= EXCLUDED."_sdc_sequence"`,
    );
  });

  it('does nothing on conflict when every column is a key', () => {
    expect(buildUpsertSql('s', 't', ['a', 'b'], ['a', 'b'], '_sdc_sequence')).toBe(
      `INSERT INTO "s"."t" AS t ("a", "b") SELECT "a", "b" FROM ${stage} ON CONFLICT ("a", "b") DO NOTHING`,
    );
  });

  it('uses every key column in the conflict target', () => {
    expect(buildUpsertSql('s', 't', ['a', 'b', 'c'], ['b', 'a'])).toContain('ON CONFLICT ("b", "a") DO UPDATE SET "c" = EXCLUDED."c"');
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    const sql = buildUpsertSql(name, name, [name, `${name}2`, 'seq'], [name], 'seq');
    const pieces = lexSql(sql);
    expect(hasNoInjection(pieces.skeleton)).toBe(true);
    expect(pieces.skeleton).toBe(
      'INSERT INTO "?"."?" AS t ("?", "?", "?") SELECT "?", "?", "?" FROM "?" ON CONFLICT ("?") DO UPDATE SET "?" = EXCLUDED."?", "?" = EXCLUDED."?" WHERE t."?" IS NULL OR EXCLUDED."?" IS NULL OR t."?" <= EXCLUDED."?"',
    );
    expect(pieces.identifiers.slice(0, 5)).toEqual([name, name, name, `${name}2`, 'seq']);
  });
});

describe('hard-delete builders', () => {
  it('deletes rows whose staged record is marked deleted, by key, newer marks only', () => {
    expect(buildDeleteMarkedSql('s', 't', ['a', 'b'], '_sdc_sequence')).toBe(
      `DELETE FROM "s"."t" AS t USING ${stage} AS s WHERE t."a" = s."a" AND t."b" = s."b" AND s."_sdc_deleted_at" IS NOT NULL` +
        ` AND (t."_sdc_sequence" IS NULL OR s."_sdc_sequence" IS NULL OR t."_sdc_sequence" <= s."_sdc_sequence")`,
    );
    expect(buildDeleteMarkedSql('s', 't', ['id'])).toBe(
      `DELETE FROM "s"."t" AS t USING ${stage} AS s WHERE t."id" = s."id" AND s."_sdc_deleted_at" IS NOT NULL`,
    );
  });

  it('does not insert records marked deleted', () => {
    const live = buildUpsertLiveSql('s', 't', ['id', 'v', '_sdc_deleted_at'], ['id'], '_sdc_sequence');
    const plain = buildUpsertSql('s', 't', ['id', 'v', '_sdc_deleted_at'], ['id'], '_sdc_sequence');
    expect(live).toBe(plain.replace(`FROM ${stage} ON CONFLICT`, `FROM ${stage} WHERE "_sdc_deleted_at" IS NULL ON CONFLICT`));
    expect(live).toContain('WHERE "_sdc_deleted_at" IS NULL ON CONFLICT');
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    for (const sql of [buildDeleteMarkedSql(name, name, [name], name), buildUpsertLiveSql(name, name, [name, 'v'], [name], name)]) {
      const pieces = lexSql(sql);
      expect(hasNoInjection(pieces.skeleton)).toBe(true);
      expect(pieces.identifiers).toContain(name);
    }
  });

  it('adds the live filter even when a hostile table name mimics the staging text', () => {
    const name = `${STAGING_TABLE}" ON CONFLICT`;
    const sql = buildUpsertLiveSql(name, name, ['id', 'v'], ['id']);
    expect(lexSql(sql).skeleton).toContain(' FROM "?" WHERE "?" IS NULL ON CONFLICT ("?")');
  });
});

describe('ACTIVATE_VERSION builders', () => {
  it('deletes rows of older or unknown versions, version as $1', () => {
    expect(buildActivateVersionDeleteSql('s', 't')).toBe('DELETE FROM "s"."t" WHERE "_sdc_table_version" IS NULL OR "_sdc_table_version" < $1');
  });

  it('marks rows of older versions deleted once, time as $2', () => {
    expect(buildActivateVersionSoftDeleteSql('s', 't')).toBe(
      'UPDATE "s"."t" SET "_sdc_deleted_at" = $2 WHERE ("_sdc_table_version" IS NULL OR "_sdc_table_version" < $1) AND "_sdc_deleted_at" IS NULL',
    );
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    for (const sql of [buildActivateVersionDeleteSql(name, name), buildActivateVersionSoftDeleteSql(name, name)]) {
      const pieces = lexSql(sql);
      expect(hasNoInjection(pieces.skeleton)).toBe(true);
      expect(pieces.identifiers.slice(0, 2)).toEqual([name, name]);
    }
  });
});

describe('buildMergeSql', () => {
  it('merges by key with the order guard, deletes marked rows and inserts the rest', () => {
    expect(buildMergeSql('s', 't', ['id', 'v', '_sdc_deleted_at'], ['id'], '_sdc_sequence', true)).toBe(
      `MERGE INTO "s"."t" AS t USING ${stage} AS s ON t."id" = s."id"` +
        ` WHEN MATCHED AND s."_sdc_deleted_at" IS NOT NULL AND (t."_sdc_sequence" IS NULL OR s."_sdc_sequence" IS NULL OR t."_sdc_sequence" <= s."_sdc_sequence") THEN DELETE` +
        ` WHEN MATCHED AND (t."_sdc_sequence" IS NULL OR s."_sdc_sequence" IS NULL OR t."_sdc_sequence" <= s."_sdc_sequence") THEN UPDATE SET "v" = s."v", "_sdc_deleted_at" = s."_sdc_deleted_at"` +
        ` WHEN NOT MATCHED AND s."_sdc_deleted_at" IS NULL THEN INSERT ("id", "v", "_sdc_deleted_at") VALUES (s."id", s."v", s."_sdc_deleted_at")`,
    );
  });

  it('has no UPDATE branch when every column is a key, and quotes hostile names', () => {
    const sql = buildMergeSql('s"x', 't', ['a"b'], ['a"b'], undefined, false);
    expect(sql).toBe(`MERGE INTO "s""x"."t" AS t USING ${stage} AS s ON t."a""b" = s."a""b" WHEN NOT MATCHED THEN INSERT ("a""b") VALUES (s."a""b")`);
  });
});
