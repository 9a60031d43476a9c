import { describe, expect, it } from 'vitest';
import { buildBeginSql } from '../../src/load/transaction.js';

describe('buildBeginSql', () => {
  it('opens every transaction with what loads rely on, transaction-scoped', () => {
    expect(buildBeginSql({})).toBe("BEGIN; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'");
    expect(buildBeginSql({ statementTimeoutMs: 30000, lockTimeoutMs: 500.7 })).toBe(
      "BEGIN; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL statement_timeout = 30000; SET LOCAL lock_timeout = 500",
    );
  });
});
