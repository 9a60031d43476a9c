import { describe, expect, it } from 'vitest';
import { usingExpression } from '../../src/sql/ddl.js';
import { normalizeType, reconcileColumn as decide } from '../../src/schema/widen.js';

/** The decision for column "c", with its USING expression as the DDL builder writes it. */
function reconcileColumn(column: string, existing: string, desired: string) {
  const change = decide(existing, desired);
  return change.action === 'keep' ? change : { action: 'alter', pgType: change.pgType, using: usingExpression(column, change.pgType, change.convert) };
}

const keep = { action: 'keep' };
const alter = (pgType: string, using: string) => ({ action: 'alter', pgType, using });

describe('normalizeType', () => {
  it.each([
    ['INT4', 'integer'],
    ['int', 'integer'],
    ['int2', 'smallint'],
    ['int8', 'bigint'],
    ['bool', 'boolean'],
    ['float8', 'double precision'],
    ['float4', 'real'],
    ['timestamp with time zone', 'timestamptz'],
    ['timestamp without time zone', 'timestamp'],
    ['time without time zone', 'time'],
    ['character varying', 'varchar'],
    [' Text ', 'text'],
    ['int8[]', 'bigint[]'],
    ['timestamp with time zone[]', 'timestamptz[]'],
    ['numeric(10,2)', 'numeric(10,2)'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeType(input)).toBe(expected);
  });
});

describe('reconcileColumn: unchanged', () => {
  it.each([
    ['bigint', 'bigint'],
    ['int8', 'bigint'],
    ['integer', 'int4'],
    ['timestamp with time zone', 'timestamptz'],
    ['boolean', 'bool'],
    ['text[]', 'text[]'],
    ['bigint[]', 'int8[]'],
    ['JSONB', 'jsonb'],
  ])('keeps %s when %s is wanted', (existing, desired) => {
    expect(reconcileColumn('c', existing, desired)).toEqual(keep);
  });
});

describe('reconcileColumn: integers and numbers widen', () => {
  it.each([
    ['smallint', 'integer'],
    ['smallint', 'bigint'],
    ['integer', 'bigint'],
    ['smallint', 'numeric'],
    ['integer', 'numeric'],
    ['bigint', 'numeric'],
    ['numeric(10,2)', 'numeric'],
    ['double precision', 'numeric'],
  ])('%s → %s', (existing, desired) => {
    expect(reconcileColumn('c', existing, desired)).toEqual(alter(desired, `"c"::${desired}`));
  });

  it('widens int4 (catalog alias) to bigint', () => {
    expect(reconcileColumn('c', 'int4', 'int8')).toEqual(alter('bigint', '"c"::bigint'));
  });

  it('goes to numeric rather than to a float, so no integer digit is lost', () => {
    expect(reconcileColumn('c', 'bigint', 'double precision')).toEqual(alter('numeric', '"c"::numeric'));
    expect(reconcileColumn('c', 'integer', 'real')).toEqual(alter('numeric', '"c"::numeric'));
    expect(reconcileColumn('c', 'smallint', 'float8')).toEqual(alter('numeric', '"c"::numeric'));
  });

  it('keeps a float column only when the wanted type fits in it exactly', () => {
    expect(reconcileColumn('c', 'double precision', 'smallint')).toEqual(keep);
    expect(reconcileColumn('c', 'double precision', 'integer')).toEqual(keep);
    // bigint values beyond 2^53 (and integer values beyond 2^24 in real) would be rounded
    expect(reconcileColumn('c', 'double precision', 'bigint')).toEqual(alter('numeric', '"c"::numeric'));
    expect(reconcileColumn('c', 'real', 'integer')).toEqual(alter('numeric', '"c"::numeric'));
    expect(reconcileColumn('c', 'real', 'bigint')).toEqual(alter('numeric', '"c"::numeric'));
  });
});

describe('reconcileColumn: narrowing keeps the wider column', () => {
  it.each([
    ['bigint', 'integer'],
    ['bigint', 'smallint'],
    ['integer', 'smallint'],
    ['numeric', 'bigint'],
    ['numeric', 'numeric(10,2)'],
    ['numeric', 'double precision'],
    ['timestamptz', 'date'],
    ['timestamp', 'date'],
    ['timestamp', 'timestamptz'],
    ['text', 'bigint'],
    ['text', 'timestamptz'],
    ['text', 'boolean'],
    ['text', 'text[]'],
    ['text', 'bigint[]'],
    ['jsonb', 'text'],
    ['jsonb', 'bigint[]'],
    ['json', 'integer'],
    ['character varying', 'integer'],
    ['citext', 'uuid'],
  ])('%s stays when %s is wanted', (existing, desired) => {
    expect(reconcileColumn('c', existing, desired)).toEqual(keep);
  });
});

describe('reconcileColumn: dates', () => {
  it('widens date to timestamptz', () => {
    expect(reconcileColumn('d', 'date', 'timestamptz')).toEqual(alter('timestamptz', '"d"::timestamptz'));
    expect(reconcileColumn('d', 'date', 'timestamp without time zone')).toEqual(alter('timestamptz', '"d"::timestamptz'));
  });
});

describe('reconcileColumn: to jsonb', () => {
  it.each(['bigint', 'boolean', 'timestamptz', 'text[]', 'bigint[]', 'numeric'])('%s becomes jsonb when objects are now allowed', (existing) => {
    expect(reconcileColumn('c', existing, 'jsonb')).toEqual(alter('jsonb', 'to_jsonb("c")'));
  });

  it.each(['text', 'character varying', 'citext'])('%s stays (values land as JSON text) when jsonb is wanted', (existing) => {
    expect(reconcileColumn('c', existing, 'jsonb')).toEqual(keep);
  });

  it('goes to jsonb when array types change', () => {
    expect(reconcileColumn('c', 'bigint[]', 'text[]')).toEqual(alter('jsonb', 'to_jsonb("c")'));
    expect(reconcileColumn('c', 'text[]', 'bigint[]')).toEqual(alter('jsonb', 'to_jsonb("c")'));
    expect(reconcileColumn('c', 'bigint', 'bigint[]')).toEqual(alter('jsonb', 'to_jsonb("c")'));
    expect(reconcileColumn('c', 'text[]', 'text')).toEqual(alter('jsonb', 'to_jsonb("c")'));
  });
});

describe('reconcileColumn: to text', () => {
  it.each([
    ['bigint', 'text'],
    ['boolean', 'text'],
    ['uuid', 'text'],
    ['timestamptz', 'text'],
    ['date', 'text'],
    ['boolean', 'bigint'],
    ['bigint', 'boolean'],
    ['uuid', 'bigint'],
    ['date', 'time'],
    ['numeric', 'timestamptz'],
    ['bytea', 'text'],
  ])('%s becomes text when %s is wanted', (existing, desired) => {
    expect(reconcileColumn('c', existing, desired)).toEqual(alter('text', '"c"::text'));
  });

  it('widens a length-limited varchar to text', () => {
    expect(reconcileColumn('c', 'character varying(16)', 'text')).toEqual(alter('text', '"c"::text'));
    expect(reconcileColumn('c', 'varchar(3)', 'text')).toEqual(alter('text', '"c"::text'));
  });
});

describe('reconcileColumn: hostile column names', () => {
  it.each(['a"b', '"; DROP TABLE x; --', 'with space', 'dots.in.name', '"', ')'])('quotes %j in the USING expression', (name) => {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    expect(reconcileColumn(name, 'integer', 'bigint')).toEqual(alter('bigint', `${quoted}::bigint`));
    expect(reconcileColumn(name, 'integer', 'jsonb')).toEqual(alter('jsonb', `to_jsonb(${quoted})`));
    expect(reconcileColumn(name, 'integer', 'boolean')).toEqual(alter('text', `${quoted}::text`));
  });
});
