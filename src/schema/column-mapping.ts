import type { ColumnSpec } from './columns.js';
import { MAX_IDENTIFIER_BYTES, shortHash, truncateUtf8 } from './names.js';

/**
 * The property → column mapping is kept in the database as a column comment wherever the
 * column's name is not simply the property path (shortened, styled or de-duplicated names), so
 * later runs map every property to the same column whatever order the schema lists them in.
 */
const PREFIX = 'target-postgres property: ';

export function mappingComment(path: string[]): string {
  return PREFIX + JSON.stringify(path);
}

export function parseMappingComment(comment: string | null | undefined): string[] | undefined {
  if (!comment || !comment.startsWith(PREFIX)) return undefined;
  try {
    const path = JSON.parse(comment.slice(PREFIX.length));
    return Array.isArray(path) && path.every((p) => typeof p === 'string') ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The key a property is known by when its column carries no comment: its joined path. */
export const propertyKey = (path: string[]) => path.join('__');

/** True when a column needs a mapping comment (its name is not the plain property path). */
export function needsMappingComment(column: ColumnSpec): boolean {
  return !column.metadata && column.name !== propertyKey(column.path);
}

/**
 * Resolves final column names against the table's existing columns: a property keeps the column
 * it was mapped to before; a proposed name that another property already owns gets a hash suffix.
 */
export function resolveColumnNames(columns: ColumnSpec[], existing: Array<{ name: string; comment: string | null }>): ColumnSpec[] {
  const columnOf = new Map<string, string>();
  const ownerOf = new Map<string, string>();
  for (const e of existing) {
    const path = parseMappingComment(e.comment);
    const key = path ? propertyKey(path) : e.name;
    ownerOf.set(e.name, key);
    if (path) columnOf.set(key, e.name);
  }
  const used = new Set<string>();
  return columns.map((c) => {
    if (c.metadata) {
      used.add(c.name);
      return c;
    }
    const key = propertyKey(c.path);
    let name = columnOf.get(key) ?? c.name;
    for (let salt = 0; (ownerOf.has(name) && ownerOf.get(name) !== key) || used.has(name); salt++) {
      name = `${truncateUtf8(c.name, MAX_IDENTIFIER_BYTES - 9)}_${shortHash(salt ? `${key}#${salt}` : key)}`;
    }
    used.add(name);
    return name === c.name ? c : { ...c, name };
  });
}
