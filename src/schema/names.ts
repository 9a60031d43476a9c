import { createHash } from 'node:crypto';
import { MAX_IDENTIFIER_BYTES } from '../sql/dialect.js';

export type NameStyle = 'preserve' | 'lower' | 'snake';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
export { MAX_IDENTIFIER_BYTES };

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** Applies the name style: names are kept as sent (quoted) unless asked otherwise. */
export function styleName(name: string, style: NameStyle = 'preserve'): string {
  if (style === 'lower') return name.toLowerCase();
  if (style === 'snake') {
    return name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toLowerCase() || '_';
  }
  return name;
}

/**
 * A name that fits PostgreSQL's 63-byte limit. Longer names keep their first bytes and get a
 * stable hash of the whole name, so the same long name always maps to the same identifier.
 */
export function fitIdentifier(name: string): string {
  const clean = name.replace(/\u0000/g, '');
  if (Buffer.byteLength(clean) <= MAX_IDENTIFIER_BYTES && clean === name) return name;
  return `${truncateUtf8(clean, MAX_IDENTIFIER_BYTES - 9)}_${shortHash(name)}`;
}

/**
 * Assigns distinct column names to property paths. Two properties whose names would be the
 * same column (after styling or shortening) never share it: the later one gets a hash suffix.
 */
export function assignColumnNames(properties: string[], style: NameStyle = 'preserve', taken: Iterable<string> = []): string[] {
  const used = new Set<string>(taken);
  return properties.map((prop) => {
    let name = fitIdentifier(styleName(prop, style));
    for (let salt = 0; used.has(name); salt++) {
      name = `${truncateUtf8(styleName(prop, style), MAX_IDENTIFIER_BYTES - 9)}_${shortHash(salt ? `${prop}#${salt}` : prop)}`;
    }
    used.add(name);
    return name;
  });
}

export interface TableName {
  schema: string;
  table: string;
}

/**
 * Where a stream loads: `a-b` → schema a, table b (or default_target_schema, table b);
 * a stream without a dash goes to default_target_schema or public.
 */
export function tableNameFor(stream: string, opts: { defaultSchema?: string; prefix?: string; style?: NameStyle }): TableName {
  const parts = stream.split('-');
  const table = (parts.length > 1 ? parts[parts.length - 1] : '') || stream;
  const schema = opts.defaultSchema || (parts.length > 1 ? parts[parts.length - 2] : '') || 'public';
  return {
    schema: fitIdentifier(styleName(schema, opts.style)),
    table: fitIdentifier(styleName(`${opts.prefix ?? ''}${table}`, opts.style)),
  };
}
