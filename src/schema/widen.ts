import type { ColumnConversion } from '../sql/ddl.js';

/** What to do with an existing column when the stream wants `desired`. */
export type ColumnChange = { action: 'keep' } | { action: 'alter'; pgType: string; convert: ColumnConversion };

const aliases: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int: 'integer',
  int8: 'bigint',
  bool: 'boolean',
  float8: 'double precision',
  float4: 'real',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time without time zone': 'time',
  'character varying': 'varchar',
};

export function normalizeType(pgType: string): string {
  let t = pgType.toLowerCase().trim();
  const isArray = t.endsWith('[]');
  if (isArray) t = t.slice(0, -2);
  t = aliases[t] ?? t;
  return isArray ? `${t}[]` : t;
}

const numericRank: Record<string, number> = { smallint: 1, integer: 2, bigint: 3, real: 4, 'double precision': 5, numeric: 6 };

function rank(t: string): number | undefined {
  if (t.startsWith('numeric')) return t === 'numeric' ? 6 : 5.5;
  return numericRank[t];
}

const isTextual = (t: string) => t === 'text' || t === 'citext' || t === 'varchar' || t === 'character varying';
const isLimitedText = (t: string) => /^(?:varchar|character varying|character|char|bpchar)\b/.test(t);
/** Types a float column holds exactly. */
const floatHolds: Record<string, string[]> = { 'double precision': ['smallint', 'integer', 'real'], real: ['smallint'] };
const isJson = (t: string) => t === 'jsonb' || t === 'json';

/**
 * Decides how an existing column follows a wanted type, never losing a value and never
 * changing a column that can store the values: it widens (smallint → integer → bigint →
 * numeric, date → timestamptz, scalar → text, non-text → jsonb when objects or arrays are now
 * allowed) and keeps a wider column on narrowing; a text column stays text.
 */
export function reconcileColumn(existingType: string, desiredType: string): ColumnChange {
  const existing = normalizeType(existingType);
  const desired = normalizeType(desiredType);
  if (existing === desired || isJson(existing)) return { action: 'keep' };
  // a text column holds any JSON value as its JSON text: an existing table (made by another
  // loader, e.g. MeltanoLabs' TEXT for untyped properties) keeps its column type
  if (isJson(desired) && isTextual(existing)) return { action: 'keep' };
  if (isJson(desired)) return { action: 'alter', pgType: 'jsonb', convert: 'to_jsonb' };
  if (existing.endsWith('[]') || desired.endsWith('[]')) {
    if (isTextual(existing) && desired.endsWith('[]')) return { action: 'keep' };
    return { action: 'alter', pgType: 'jsonb', convert: 'to_jsonb' };
  }
  if (isTextual(existing)) return { action: 'keep' };
  if (isLimitedText(existing)) return { action: 'alter', pgType: 'text', convert: 'cast' };
  const re = rank(existing);
  const rd = rank(desired);
  if (re !== undefined && rd !== undefined) {
    const toNumeric: ColumnChange = { action: 'alter', pgType: 'numeric', convert: 'cast' };
    if (existing === 'numeric') return { action: 'keep' };
    if (existing.startsWith('numeric')) return toNumeric;
    const holds = floatHolds[existing];
    if (holds) return holds.includes(desired) ? { action: 'keep' } : toNumeric;
    if (rd <= re) return { action: 'keep' };
    if (desired === 'real' || desired === 'double precision') return toNumeric;
    return { action: 'alter', pgType: desired, convert: 'cast' };
  }
  if (existing === 'date' && (desired === 'timestamptz' || desired === 'timestamp')) {
    return { action: 'alter', pgType: 'timestamptz', convert: 'cast' };
  }
  if ((existing === 'timestamptz' || existing === 'timestamp') && desired === 'date') return { action: 'keep' };
  if (existing === 'timestamp' && desired === 'timestamptz') return { action: 'keep' };
  return { action: 'alter', pgType: 'text', convert: 'cast' };
}
