import type { JsonSchema } from '../protocol/messages.js';

/** How a value is written into a column; derived from the column's PostgreSQL type. */
export type ValueKind =
  | 'text'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'timestamp'
  /** timestamp without time zone: offsets are converted to UTC wall-clock time. */
  | 'wallclock'
  | 'date'
  | 'time'
  | 'uuid'
  | 'json'
  | 'array'
  | 'bytea';

export interface TypeMapOptions {
  interpretContentEncoding?: boolean;
}

interface Collected {
  types: Set<string>;
  stringFormats: Set<string>;
  plainString: boolean;
  items: JsonSchema[];
  minimum?: number;
  maximum?: number;
  contentEncoding?: string;
  untyped: boolean;
}

/** Gathers the JSON types a property allows, following anyOf / oneOf branches. */
function collect(schema: JsonSchema, into: Collected): void {
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  const declared = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (declared.length === 0 && branches.length === 0) into.untyped = true;
  for (const t of declared) {
    into.types.add(t);
    if (t === 'string') {
      if (schema.format) into.stringFormats.add(schema.format);
      else into.plainString = true;
      if (schema.contentEncoding) into.contentEncoding = schema.contentEncoding;
    }
    if (t === 'array' && schema.items && !Array.isArray(schema.items)) into.items.push(schema.items);
    if (t === 'array' && (!schema.items || Array.isArray(schema.items))) into.items.push({});
    if (t === 'integer' || t === 'number') {
      const min = schema.minimum ?? schema.exclusiveMinimum;
      const max = schema.maximum ?? schema.exclusiveMaximum;
      if (typeof min === 'number') into.minimum = Math.min(into.minimum ?? min, min);
      else into.minimum = -Infinity;
      if (typeof max === 'number') into.maximum = Math.max(into.maximum ?? max, max);
      else into.maximum = Infinity;
    }
  }
  for (const b of branches) collect(b, into);
}

function collected(schema: JsonSchema): Collected {
  const c: Collected = { types: new Set(), stringFormats: new Set(), plainString: false, items: [], untyped: false };
  collect(schema, c);
  c.types.delete('null');
  return c;
}

function integerType(min = -Infinity, max = Infinity): string {
  if (min >= -32768 && max <= 32767) return 'smallint';
  if (min >= -2147483648 && max <= 2147483647) return 'integer';
  return 'bigint';
}

/** The scalar PostgreSQL type for a string property with the given formats. */
function stringType(c: Collected, options: TypeMapOptions): string {
  const f = c.stringFormats;
  if (f.has('date-time')) return 'timestamptz';
  if (!c.plainString && f.size === 1) {
    if (f.has('date')) return 'date';
    if (f.has('time')) return 'time';
    if (f.has('uuid')) return 'uuid';
  }
  if (options.interpretContentEncoding && c.contentEncoding === 'base16') return 'bytea';
  return 'text';
}

/** Element type of a native array, or null when the items are not one scalar type. */
function arrayElementType(items: JsonSchema[], options: TypeMapOptions): string | null {
  if (items.length !== 1) return null;
  const c = collected(items[0]);
  if (c.untyped || c.types.size === 0) return null;
  const t = [...c.types];
  if (t.length === 1 && t[0] === 'string') return stringType(c, options) === 'bytea' ? null : stringType(c, options);
  if (t.every((x) => x === 'integer')) return 'bigint';
  if (t.every((x) => x === 'integer' || x === 'number')) return 'numeric';
  if (t.length === 1 && t[0] === 'boolean') return 'boolean';
  return null;
}

/**
 * A type name and nothing more (it is written into DDL unquoted): one identifier, optionally
 * `varying` / `precision`, a `(n[, m])` modifier, `with[out] time zone`, and `[]`s.
 */
const SQL_TYPE_NAME = /^[a-z_][a-z0-9_]*(?: (?:varying|precision))?(?:\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?(?: with(?:out)? time zone)?(?:\[\])*$/i;

/**
 * Maps a property's JSON Schema to a PostgreSQL column type. Precedence (first rule that
 * applies): x-sql-datatype; no type → jsonb; object → jsonb; array of one scalar type (alone,
 * or with string) → native array; other arrays → jsonb; string with other scalars → text;
 * string formats (date-time → timestamptz, date, time, uuid, base16 → bytea) → text;
 * integer → smallint/integer/bigint by bounds; number → numeric; boolean → boolean;
 * boolean mixed with numbers → jsonb.
 */
export function pgTypeFor(schema: JsonSchema, options: TypeMapOptions = {}): string {
  const sqlType = schema['x-sql-datatype'];
  if (typeof sqlType === 'string' && SQL_TYPE_NAME.test(sqlType)) return sqlType.toLowerCase();
  const c = collected(schema);
  if (c.untyped || c.types.size === 0) return 'jsonb';
  const t = c.types;
  if (t.has('object')) return 'jsonb';
  if (t.has('array')) {
    const onlyWithString = [...t].every((x) => x === 'array' || x === 'string');
    const element = onlyWithString ? arrayElementType(c.items, options) : null;
    if (element && (!t.has('string') || element === 'text')) return `${element}[]`;
    return 'jsonb';
  }
  if (t.has('string')) return t.size === 1 ? stringType(c, options) : 'text';
  if (t.has('boolean')) return t.size === 1 ? 'boolean' : 'jsonb';
  if (t.has('number')) return 'numeric';
  if (t.has('integer')) return integerType(c.minimum, c.maximum);
  return 'jsonb';
}

/** How values are encoded for a column of this PostgreSQL type. */
export function valueKindOf(pgType: string): ValueKind {
  const t = pgType.toLowerCase().trim();
  if (t.endsWith('[]')) return 'array';
  if (t === 'text' || t.startsWith('character') || t.startsWith('varchar') || t === 'citext' || t === 'name') return 'text';
  if (t === 'smallint' || t === 'integer' || t === 'bigint' || t === 'int' || t === 'int2' || t === 'int4' || t === 'int8') return 'integer';
  if (t.startsWith('numeric') || t.startsWith('decimal') || t === 'real' || t === 'double precision' || t === 'float4' || t === 'float8') return 'number';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t.startsWith('timestamp')) return /without time zone$/.test(t) || /^timestamp(\(\d+\))?$/.test(t) ? 'wallclock' : 'timestamp';
  if (t === 'date') return 'date';
  if (t.startsWith('time')) return 'time';
  if (t === 'uuid') return 'uuid';
  if (t === 'jsonb' || t === 'json') return 'json';
  if (t === 'bytea') return 'bytea';
  return 'text';
}

/** Element kind of a native array type such as text[] or timestamptz[]. */
export function elementKindOf(pgType: string): ValueKind {
  return valueKindOf(pgType.replace(/\[\]$/, ''));
}
