import { describe, expect, it } from 'vitest';
import { buildCreatePerformanceIndexSql, buildRenameIndexSql, indexShape, performanceIndexesFor } from '../../src/sql/performance-indexes.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

describe('performance indexes', () => {
  it('index _sdc_table_version for hard deletes, its live rows for soft ones, with stable names', () => {
    const [hard] = performanceIndexesFor('events', true);
    expect(buildCreatePerformanceIndexSql('s', 'events', hard)).toBe('CREATE INDEX IF NOT EXISTS "events__sdc_table_version_idx" ON "s"."events" ("_sdc_table_version")');
    const [soft] = performanceIndexesFor('events', false);
    expect(buildCreatePerformanceIndexSql('s', 'events', soft)).toBe(
      'CREATE INDEX IF NOT EXISTS "events__sdc_table_version_live_idx" ON "s"."events" ("_sdc_table_version") WHERE "_sdc_deleted_at" IS NULL',
    );
    expect(performanceIndexesFor('events', false)).toEqual([soft]);
  });

  it('fits long names into 63 bytes, stably and distinctly', () => {
    const a = performanceIndexesFor('t'.repeat(60), false)[0].name;
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(63);
    expect(performanceIndexesFor('t'.repeat(60), false)[0].name).toBe(a);
    expect(performanceIndexesFor('t'.repeat(61), false)[0].name).not.toBe(a);
  });

  it('recognises an equal index under any name by what follows USING', () => {
    const [soft] = performanceIndexesFor('t', false);
    expect(indexShape('CREATE INDEX other_name ON s.t USING btree (_sdc_table_version) WHERE (_sdc_deleted_at IS NULL)')).toBe(soft.shape);
    expect(indexShape('CREATE INDEX x ON ONLY s.t USING btree (_sdc_table_version)')).toBe(performanceIndexesFor('t', true)[0].shape);
    expect(buildRenameIndexSql('s', 'a', 'b')).toBe('ALTER INDEX "s"."a" RENAME TO "b"');
  });

  it.each(HOSTILE_NAMES)('keeps hostile name %j inside quotes', (name) => {
    for (const index of [...performanceIndexesFor(name, true), ...performanceIndexesFor(name, false)]) {
      expect(hasNoInjection(lexSql(buildCreatePerformanceIndexSql(name, name, index)).skeleton)).toBe(true);
    }
  });
});
