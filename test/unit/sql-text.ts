/**
 * A tiny SQL lexer for the SQL-builder tests: splits SQL text into quoted identifiers, string
 * literals and the rest, the way PostgreSQL's scanner does (standard_conforming_strings on).
 * Used to prove that hostile names only ever appear inside quoted identifiers.
 */
export interface SqlPieces {
  /** Decoded quoted identifiers, in order. */
  identifiers: string[];
  /** Decoded string literals, in order. */
  literals: string[];
  /** The SQL with every quoted identifier replaced by `"?"` and every literal by `'?'`. */
  skeleton: string;
}

export function lexSql(sql: string): SqlPieces {
  const identifiers: string[] = [];
  const literals: string[] = [];
  let skeleton = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new Error(`unterminated ${c} in: ${sql}`);
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += sql[i++];
      }
      if (c === '"') {
        if (value === '') throw new Error('zero-length quoted identifier');
        identifiers.push(value);
        skeleton += '"?"';
      } else {
        literals.push(value);
        skeleton += "'?'";
      }
    } else {
      skeleton += c;
      i++;
    }
  }
  return { identifiers, literals, skeleton };
}

/** Names an attacker would like to see break out of their quotes. */
export const HOSTILE_NAMES = [
  '"; DROP TABLE x; --',
  'a"b',
  '"',
  '""',
  'with space',
  'dots.in.name',
  "it's",
  'semi;colon',
  '/* comment */',
  '-- comment',
  'Mixed"Case"',
  ')',
  '$1',
  'é😀',
];

/** Asserts a skeleton holds no statement separator or comment (what an injection needs). */
export function hasNoInjection(skeleton: string): boolean {
  return !skeleton.includes(';') && !skeleton.includes('--') && !skeleton.includes('/*');
}
