import { describe, expect, it } from 'vitest';
import { assignColumnNames, fitIdentifier, MAX_IDENTIFIER_BYTES, shortHash, styleName, tableNameFor, truncateUtf8 } from '../../src/schema/names.js';

const bytes = (s: string) => Buffer.byteLength(s);

describe('truncateUtf8', () => {
  it('cuts to at most the given bytes without splitting a character', () => {
    expect(truncateUtf8('abcdef', 3)).toBe('abc');
    expect(truncateUtf8('ééé', 5)).toBe('éé');
    expect(truncateUtf8('😀😀', 7)).toBe('😀');
    expect(truncateUtf8('a😀', 4)).toBe('a');
    expect(truncateUtf8('short', 63)).toBe('short');
  });
});

describe('fitIdentifier', () => {
  it('keeps names up to 63 bytes unchanged', () => {
    const n63 = 'x'.repeat(63);
    expect(fitIdentifier(n63)).toBe(n63);
    expect(fitIdentifier('Mixed Case "quoted" name')).toBe('Mixed Case "quoted" name');
    const euro63 = '€'.repeat(21); // 3 bytes each
    expect(bytes(euro63)).toBe(63);
    expect(fitIdentifier(euro63)).toBe(euro63);
  });

  it('shortens a 64-byte name to 63 bytes with a hash suffix', () => {
    const name = 'y'.repeat(64);
    const fitted = fitIdentifier(name);
    expect(bytes(fitted)).toBe(MAX_IDENTIFIER_BYTES);
    expect(fitted).toBe(`${'y'.repeat(54)}_${shortHash(name)}`);
    expect(fitted).toMatch(/_[0-9a-f]{8}$/);
  });

  it('never splits a multi-byte character and stays within 63 bytes', () => {
    for (const ch of ['é', '€', '😀', '日']) {
      for (let n = 10; n < 60; n++) {
        const name = 'a' + ch.repeat(n);
        const fitted = fitIdentifier(name);
        expect(bytes(fitted)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
        expect(fitted).not.toContain('\uFFFD');
        expect(Buffer.from(fitted, 'utf8').toString('utf8')).toBe(fitted);
        if (bytes(name) <= MAX_IDENTIFIER_BYTES) expect(fitted).toBe(name);
        else expect(name.startsWith(fitted.slice(0, -9))).toBe(true);
      }
    }
  });

  it('is stable, and distinguishes long names sharing a prefix', () => {
    const a = 'p'.repeat(60) + '_first';
    const b = 'p'.repeat(60) + '_second';
    expect(fitIdentifier(a)).toBe(fitIdentifier(a));
    expect(fitIdentifier(a)).not.toBe(fitIdentifier(b));
    expect(fitIdentifier(a).slice(0, 54)).toBe(fitIdentifier(b).slice(0, 54));
  });

  it('removes NUL characters, adding a hash so the name stays distinct', () => {
    const fitted = fitIdentifier('a\u0000b');
    expect(fitted).not.toContain('\u0000');
    expect(fitted).toBe(`ab_${shortHash('a\u0000b')}`);
    expect(fitted).not.toBe('ab');
  });
});

describe('styleName', () => {
  it('preserves names by default', () => {
    expect(styleName('CamelCase Name-1')).toBe('CamelCase Name-1');
    expect(styleName('CamelCase', 'preserve')).toBe('CamelCase');
  });

  it('lower-cases with lower', () => {
    expect(styleName('CamelCase Name-1', 'lower')).toBe('camelcase name-1');
  });

  it.each([
    ['camelCase', 'camel_case'],
    ['someHTTPValue', 'some_httpvalue'],
    ['already_snake', 'already_snake'],
    ['user-id', 'user_id'],
    ['a.b.c', 'a_b_c'],
    ['  spaced  name  ', 'spaced_name'],
    ['__leading', 'leading'],
    ['trailing!!', 'trailing'],
    ['id2Name', 'id2_name'],
    ['!!!', '_'],
    ['', '_'],
  ])('snake: %j → %j', (input, expected) => {
    expect(styleName(input, 'snake')).toBe(expected);
  });
});

describe('assignColumnNames', () => {
  it('keeps distinct names as they are', () => {
    expect(assignColumnNames(['id', 'Name', 'a__b'])).toEqual(['id', 'Name', 'a__b']);
  });

  it('gives a hash suffix to a later property that styles to the same name', () => {
    const names = assignColumnNames(['userId', 'user_id', 'USER-ID'], 'snake');
    expect(names[0]).toBe('user_id');
    expect(names[1]).toMatch(/^user_id_[0-9a-f]{8}$/);
    expect(names[2]).toMatch(/^user_id_[0-9a-f]{8}$/);
    expect(new Set(names).size).toBe(3);
  });

  it('avoids names already taken (metadata columns)', () => {
    const names = assignColumnNames(['_SDC_SEQUENCE', 'id'], 'lower', ['_sdc_sequence']);
    expect(names[0]).not.toBe('_sdc_sequence');
    expect(names[0]).toMatch(/^_sdc_sequence_[0-9a-f]{8}$/);
    expect(names[1]).toBe('id');
  });

  it('is deterministic', () => {
    const props = ['A', 'a', 'b'.repeat(80), 'B'.repeat(80)];
    expect(assignColumnNames(props, 'lower')).toEqual(assignColumnNames(props, 'lower'));
  });

  it('keeps every name within 63 bytes', () => {
    for (const name of assignColumnNames(['é'.repeat(70), 'é'.repeat(70) + 'x', 'É'.repeat(70)], 'lower')) {
      expect(bytes(name)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    }
  });

  it('never gives two properties the same column: long names that style alike', () => {
    const names = assignColumnNames(['A'.repeat(70), 'a'.repeat(70)], 'lower');
    expect(new Set(names).size).toBe(2);
  });

  it('never gives two properties the same column: the same path twice or three times', () => {
    // flattening can produce the same joined path: a__b (top level) and a.b (nested)
    expect(new Set(assignColumnNames(['a__b', 'a__b'])).size).toBe(2);
    expect(new Set(assignColumnNames(['a__b__c', 'a__b__c', 'a__b__c'])).size).toBe(3);
    expect(new Set(assignColumnNames(['l'.repeat(70), 'l'.repeat(70)])).size).toBe(2);
  });

  it('never gives two properties the same column: a property named like a hash-suffixed name', () => {
    const suffixed = `a_${shortHash('A')}`;
    const names = assignColumnNames(['a', suffixed, 'A'], 'lower');
    expect(new Set(names).size).toBe(3);
  });

  it.each<['preserve' | 'lower' | 'snake']>([['preserve'], ['lower'], ['snake']])('gives distinct names to many colliding properties (%s)', (style) => {
    const props = ['x', 'X', 'x_', '_x', 'x '.repeat(40), 'X '.repeat(40), 'x'.repeat(70), 'X'.repeat(70), 'x'.repeat(70) + '!'];
    const names = assignColumnNames(props, style);
    expect(new Set(names).size).toBe(props.length);
    for (const n of names) expect(bytes(n)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
  });
});

describe('tableNameFor', () => {
  it('maps a-b to schema a, table b', () => {
    expect(tableNameFor('sales-orders', {})).toEqual({ schema: 'sales', table: 'orders' });
  });

  it('uses the last two parts of a longer name', () => {
    expect(tableNameFor('db-sales-orders', {})).toEqual({ schema: 'sales', table: 'orders' });
  });

  it('puts a name without a dash into public', () => {
    expect(tableNameFor('orders', {})).toEqual({ schema: 'public', table: 'orders' });
  });

  it('uses default_target_schema when set', () => {
    expect(tableNameFor('sales-orders', { defaultSchema: 'raw' })).toEqual({ schema: 'raw', table: 'orders' });
    expect(tableNameFor('orders', { defaultSchema: 'raw' })).toEqual({ schema: 'raw', table: 'orders' });
  });

  it('treats an empty default_target_schema as unset', () => {
    expect(tableNameFor('sales-orders', { defaultSchema: '' })).toEqual({ schema: 'sales', table: 'orders' });
    expect(tableNameFor('orders', { defaultSchema: '' })).toEqual({ schema: 'public', table: 'orders' });
  });

  it('prepends the table prefix to the table only', () => {
    expect(tableNameFor('sales-orders', { prefix: 'tap_' })).toEqual({ schema: 'sales', table: 'tap_orders' });
    expect(tableNameFor('orders', { prefix: 'tap_' })).toEqual({ schema: 'public', table: 'tap_orders' });
  });

  it('applies the name style to schema and table', () => {
    expect(tableNameFor('Sales-OrderItems', { style: 'snake' })).toEqual({ schema: 'sales', table: 'order_items' });
    expect(tableNameFor('Sales-OrderItems', { style: 'lower' })).toEqual({ schema: 'sales', table: 'orderitems' });
    expect(tableNameFor('Sales-OrderItems', {})).toEqual({ schema: 'Sales', table: 'OrderItems' });
  });

  it('keeps hostile names as data for the quoting helper', () => {
    expect(tableNameFor('x"; DROP TABLE y; /*', {})).toEqual({ schema: 'public', table: 'x"; DROP TABLE y; /*' });
    expect(tableNameFor('evil"schema-x"; DROP TABLE y;', {})).toEqual({ schema: 'evil"schema', table: 'x"; DROP TABLE y;' });
    expect(tableNameFor('my.schema-my table', {})).toEqual({ schema: 'my.schema', table: 'my table' });
  });

  it('fits long names into 63 bytes', () => {
    const t = tableNameFor(`s-${'t'.repeat(100)}`, { prefix: 'p_' });
    expect(bytes(t.table)).toBe(MAX_IDENTIFIER_BYTES);
    expect(t.table.startsWith('p_ttt')).toBe(true);
  });
});
