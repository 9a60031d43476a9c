import { describe, expect, it } from 'vitest';
import { columnList, qualified, quoteIdent, quoteLiteral } from '../../src/sql/quote.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

describe('quoteIdent', () => {
  it('always quotes, keeping case', () => {
    expect(quoteIdent('users')).toBe('"users"');
    expect(quoteIdent('MixedCase')).toBe('"MixedCase"');
    expect(quoteIdent('select')).toBe('"select"');
  });

  it('doubles embedded quotes', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('"')).toBe('""""');
    expect(quoteIdent('"; DROP TABLE x; --')).toBe('"""; DROP TABLE x; --"');
  });

  it('keeps dots inside one identifier', () => {
    expect(quoteIdent('schema.table')).toBe('"schema.table"');
  });

  it.each(HOSTILE_NAMES)('reads back as exactly one identifier: %j', (name) => {
    const pieces = lexSql(quoteIdent(name));
    expect(pieces.identifiers).toEqual([name]);
    expect(pieces.skeleton).toBe('"?"');
  });

  it('rejects NUL characters', () => {
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
  });
});

describe('qualified', () => {
  it('quotes schema and table separately', () => {
    expect(qualified('public', 'users')).toBe('"public"."users"');
    expect(qualified('a.b', 'c"d')).toBe('"a.b"."c""d"');
  });

  it.each(HOSTILE_NAMES)('stays two identifiers for %j', (name) => {
    const pieces = lexSql(qualified(name, name));
    expect(pieces.identifiers).toEqual([name, name]);
    expect(pieces.skeleton).toBe('"?"."?"');
  });
});

describe('quoteLiteral', () => {
  it('quotes and doubles single quotes', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('')).toBe("''");
  });

  it.each(["'; DROP TABLE x; --", "\\'", "''", 'back\\slash'])('reads back as one literal: %j', (value) => {
    const pieces = lexSql(quoteLiteral(value));
    expect(pieces.literals).toEqual([value]);
    expect(pieces.skeleton).toBe("'?'");
  });

  it('rejects NUL characters', () => {
    expect(() => quoteLiteral('\u0000')).toThrow(/NUL/);
  });
});

describe('columnList', () => {
  it('joins quoted names with commas', () => {
    expect(columnList(['a', 'B', 'c d'])).toBe('"a", "B", "c d"');
    expect(columnList([])).toBe('');
  });

  it('keeps every hostile name inside its quotes', () => {
    const pieces = lexSql(columnList(HOSTILE_NAMES));
    expect(pieces.identifiers).toEqual(HOSTILE_NAMES);
    expect(hasNoInjection(pieces.skeleton)).toBe(true);
    expect(pieces.skeleton).toBe(HOSTILE_NAMES.map(() => '"?"').join(', '));
  });
});
