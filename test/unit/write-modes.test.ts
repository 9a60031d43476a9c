import { describe, expect, it } from 'vitest';
import { STAGING_TABLE } from '../../src/sql/merge.js';
import { buildDeleteByKeySql, buildUpdateByKeySql } from '../../src/sql/write-modes.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

const stage = `"${STAGING_TABLE}"`;

describe('buildUpdateByKeySql', () => {
  it('sets the non-key columns of rows that exist by key, and inserts nothing', () => {
    expect(buildUpdateByKeySql('s', 't', ['id', 'v', 'w'], ['id'])).toBe(`UPDATE "s"."t" AS t SET "v" = s."v", "w" = s."w" FROM ${stage} AS s WHERE t."id" = s."id"`);
  });

  it('keeps a newer stored row (order column) and skips delete markers when asked', () => {
    expect(buildUpdateByKeySql('s', 't', ['a', 'b', 'v', 'u'], ['a', 'b'], 'u', true)).toBe(
      `UPDATE "s"."t" AS t SET "v" = s."v", "u" = s."u" FROM ${stage} AS s WHERE t."a" = s."a" AND t."b" = s."b" AND s."_sdc_deleted_at" IS NULL AND (t."u" IS NULL OR s."u" IS NULL OR t."u" <= s."u")`,
    );
  });

  it('has nothing to do when the batch holds only key columns', () => {
    expect(buildUpdateByKeySql('s', 't', ['id'], ['id'])).toBeUndefined();
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    const pieces = lexSql(buildUpdateByKeySql(name, name, [name, `${name}2`], [name], `${name}2`)!);
    expect(pieces.identifiers.slice(0, 2)).toEqual([name, name]);
    expect(hasNoInjection(pieces.skeleton)).toBe(true);
  });
});

describe('buildDeleteByKeySql', () => {
  it('deletes the rows whose keys arrive', () => {
    expect(buildDeleteByKeySql('s', 't', ['id'])).toBe(`DELETE FROM "s"."t" AS t USING ${stage} AS s WHERE t."id" = s."id"`);
  });

  it('keeps a stored row newer than the delete record', () => {
    expect(buildDeleteByKeySql('s', 't', ['id'], '_sdc_sequence')).toBe(
      `DELETE FROM "s"."t" AS t USING ${stage} AS s WHERE t."id" = s."id" AND (t."_sdc_sequence" IS NULL OR s."_sdc_sequence" IS NULL OR t."_sdc_sequence" <= s."_sdc_sequence")`,
    );
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    const pieces = lexSql(buildDeleteByKeySql(name, name, [name], name));
    expect(pieces.identifiers.slice(0, 2)).toEqual([name, name]);
    expect(hasNoInjection(pieces.skeleton)).toBe(true);
  });
});
