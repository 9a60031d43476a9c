/** The one place identifiers become SQL text: always quoted, embedded quotes doubled. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.table, both quoted. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** A string literal (for comments and catalog lookups built as text). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

export function columnList(names: readonly string[]): string {
  return names.map(quoteIdent).join(', ');
}
