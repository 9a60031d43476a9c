import type { JsonSchema, SchemaMessage } from '../../protocol/messages.js';
import { resolveSchema } from '../../schema/resolve.js';
import { compilePy } from './py-compile.js';
import { setOwn } from './py-values.js';
import { MapSyntaxError, parsePy } from './py-parse.js';
import { inferSchema } from './py-types.js';

/**
 * The Singer SDK's stream maps (`stream_maps`, `stream_map_config`), with its semantics:
 * `<stream>: null` drops a stream, `{"__alias__": …}` renames it, `<new>: {"__source__": <stream>}`
 * adds a copy, `__filter__` keeps records whose expression is truthy, `__key_properties__`
 * replaces the key, `__else__: null` keeps only mapped (and key) properties, `<property>: null`
 * drops a property, `<property>: "<expr>"` sets it. Stream names may be fnmatch patterns, and a
 * top-level `__else__: null` drops every stream no map names. Our addition: `__schema__`
 * declares the JSON Schema of mapped properties where the expression's form does not tell.
 */

/** What a mapped stream does to a record: plain data, sent to encode workers in the pipeline spec. */
export interface MapSpec {
  /** Mapped properties in config order: an expression, or null to drop the property. */
  properties: Array<[string, string | null]>;
  filter?: string;
  /** Keep the properties no map names (false under `__else__: null`). */
  includeByDefault: boolean;
  /** The mapped stream's key properties (kept under `__else__: null`). */
  keys: string[];
  /** Property names expressions may read by name (the source schema's). */
  readable: string[];
  /** The mapped schema of each property an expression sets (its values are checked against it). */
  schemas: Record<string, JsonSchema>;
  /** `stream_map_config`, seen by expressions as `config`. */
  config: unknown;
}

/** One stream the target loads for a source stream's SCHEMA. */
export interface MappedStream {
  stream: string;
  /** The SCHEMA the table is planned from (mapped name, properties and keys). */
  message: SchemaMessage;
  /** undefined when the records load as they come. */
  map?: MapSpec;
}

export const NULL_STRING = '__NULL__';
const OPTIONS = new Set(['__alias__', '__source__', '__filter__', '__key_properties__', '__else__', '__schema__']);
const isNull = (v: unknown) => v === null || v === NULL_STRING;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A stream-map problem, naming the stream and property. */
export class StreamMapError extends Error {}

/** Python's fnmatch on POSIX: *, ?, [seq] and [!seq], case-sensitive. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        body = body.startsWith('!') ? '^' + body.slice(1).replace(/\\/g, '\\\\') : body.replace(/\\/g, '\\\\').replace(/^\^/, '\\^');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(name);
}

/** Checks the shape and the expressions' syntax of `stream_maps` when the config loads; returns problems. */
export function checkStreamMaps(maps: unknown): string[] {
  if (maps === undefined || maps === null) return [];
  if (!isObject(maps)) return ['stream_maps must be an object of stream name to map'];
  const problems: string[] = [];
  for (const [stream, def] of Object.entries(maps)) {
    const at = `stream_maps.${stream}`;
    if (stream === '__else__') {
      if (!isNull(def)) problems.push(`${at} must be null or "${NULL_STRING}" (drop the streams no map names)`);
      continue;
    }
    if (stream.startsWith('__')) problems.push(`${at}: the option ${stream} is not expected at the top level`);
    else if (typeof def === 'string' && !isNull(def)) problems.push(`${at}: a stream map is null, "${NULL_STRING}" or an object, not the string ${JSON.stringify(def)}`);
    else if (!isNull(def) && !isObject(def)) problems.push(`${at}: a stream map is null, "${NULL_STRING}" or an object`);
    if (!isObject(def)) continue;
    for (const [key, value] of Object.entries(def)) {
      if (key.startsWith('__') && !OPTIONS.has(key)) problems.push(`${at}.${key}: unknown option (known: ${[...OPTIONS].join(', ')})`);
      else if ((key === '__alias__' || key === '__source__') && (typeof value !== 'string' || value === '')) problems.push(`${at}.${key} must be a stream name`);
      else if (key === '__else__' && !isNull(value)) problems.push(`${at}.__else__ must be null or "${NULL_STRING}" (keep only mapped properties)`);
      else if (key === '__key_properties__' && value !== null && !(Array.isArray(value) && value.every((k) => typeof k === 'string'))) problems.push(`${at}.__key_properties__ must be a list of property names or null`);
      else if (key === '__schema__' && !(isObject(value) && Object.values(value).every(isObject))) problems.push(`${at}.__schema__ must map property names to JSON Schemas`);
      else if ((key === '__filter__' || !key.startsWith('__')) && !isNull(value) && typeof value !== 'string') problems.push(`${at}.${key} must be an expression (a string), null or "${NULL_STRING}"`);
      else if ((key === '__filter__' || !key.startsWith('__')) && typeof value === 'string' && !isNull(value)) {
        try {
          parsePy(value);
        } catch (e) {
          if (!(e instanceof MapSyntaxError)) throw e;
          problems.push(`${at}.${key}: ${e.message} in ${JSON.stringify(value)}`);
        }
      }
    }
  }
  return problems;
}

/** The streams a source stream's SCHEMA becomes under the maps (none when it is dropped). */
export function mapStreams(maps: Record<string, unknown> | undefined, config: unknown, message: SchemaMessage): MappedStream[] {
  const source = message.stream;
  if (!maps || Object.keys(maps).length === 0) return [{ stream: source, message }];
  const dropUnmapped = '__else__' in maps && isNull(maps.__else__);
  let primary: MappedStream | null = dropUnmapped ? null : { stream: source, message };
  const extra: MappedStream[] = [];
  for (const [key, value] of Object.entries(maps)) {
    if (key === '__else__') continue;
    const def = isObject(value) ? value : undefined;
    let from = key;
    let alias = key;
    let isPrimary = true;
    if (def && typeof def.__source__ === 'string') {
      from = def.__source__;
      isPrimary = false;
    } else if (def && typeof def.__alias__ === 'string') alias = def.__alias__;
    if (source !== from) {
      if (!fnmatch(source, from)) continue;
      if (alias === from) alias = source;
    }
    const mapped = def ? mapOne(alias, def, config, message) : null;
    if (isPrimary) primary = mapped;
    else if (mapped) extra.push(mapped);
  }
  return primary ? [primary, ...extra] : extra;
}

function mapOne(stream: string, def: Record<string, unknown>, config: unknown, message: SchemaMessage): MappedStream {
  const fail = (what: string): never => {
    throw new StreamMapError(`stream map for stream ${JSON.stringify(stream)}${stream !== message.stream ? ` (from ${JSON.stringify(message.stream)})` : ''}: ${what}`);
  };
  const raw = resolveSchema(message.schema);
  const rawProps = raw.properties ?? {};
  const keys = '__key_properties__' in def ? ((def.__key_properties__ as string[] | null) ?? []) : message.key_properties;
  const includeByDefault = !('__else__' in def && isNull(def.__else__));
  const declaredSchemas = (def.__schema__ ?? {}) as Record<string, JsonSchema>;
  // own properties only: a property may be named constructor or __proto__
  const own = (o: Record<string, JsonSchema>, k: string) => (Object.hasOwn(o, k) ? o[k] : undefined);
  const properties: Record<string, JsonSchema> = {};
  for (const k of includeByDefault ? Object.keys(rawProps) : keys.filter((k) => Object.hasOwn(rawProps, k))) setOwn(properties, k, rawProps[k]);
  const mapped: Array<[string, string | null]> = [];
  const scope = { properties: new Set(Object.keys(rawProps)) };
  const compile = (name: string, expr: string) => {
    try {
      const node = parsePy(expr);
      compilePy(node, scope);
      return node;
    } catch (e) {
      if (e instanceof MapSyntaxError) return fail(`property ${JSON.stringify(name)}: ${e.message} in ${JSON.stringify(expr)}`);
      throw e;
    }
  };
  for (const [name, expr] of Object.entries(def)) {
    if (OPTIONS.has(name)) continue;
    if (isNull(expr)) {
      if (keys.includes(name)) fail(`removing key property ${JSON.stringify(name)} is not permitted; use __key_properties__ to name other keys (or null for none)`);
      delete properties[name];
      mapped.push([name, null]);
      continue;
    }
    const node = compile(name, expr as string);
    const existing = own(properties, name) ?? own(rawProps, expr as string);
    const declared = own(declaredSchemas, name);
    const inferred = declared ?? inferSchema(node, rawProps, Object.hasOwn(rawProps, name) ? name : undefined) ?? existing ?? { type: 'string' };
    setOwn(properties, name, declared || keys.includes(name) ? inferred : nullable(inferred));
    mapped.push([name, expr as string]);
  }
  for (const name of Object.keys(declaredSchemas)) if (!mapped.some(([n]) => n === name)) fail(`__schema__ names ${JSON.stringify(name)}, which the map does not set`);
  if (typeof def.__filter__ === 'string') compile('__filter__', def.__filter__);
  for (const k of keys) if (!Object.hasOwn(properties, k)) fail(`key property ${JSON.stringify(k)} of [${keys.join(', ')}] is not among the mapped stream's properties`);
  const schema: JsonSchema = { ...raw, properties };
  if (Array.isArray(raw.required)) schema.required = raw.required.filter((r) => Object.hasOwn(properties, r));
  const bookmarks = message.bookmark_properties?.filter((b) => Object.hasOwn(properties, b));
  return {
    stream,
    message: { type: 'SCHEMA', stream, schema, key_properties: keys, ...(bookmarks ? { bookmark_properties: bookmarks } : {}) },
    map: {
      properties: mapped,
      filter: typeof def.__filter__ === 'string' ? def.__filter__ : undefined,
      includeByDefault,
      keys,
      readable: Object.keys(rawProps),
      schemas: Object.fromEntries(mapped.filter(([, e]) => e !== null).map(([n]) => [n, properties[n]])),
      config: config ?? {},
    },
  };
}

function nullable(s: JsonSchema): JsonSchema {
  if (Object.keys(s).length === 0 || s.anyOf || s.oneOf) return s;
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return types.length === 0 || types.includes('null') ? s : { ...s, type: [...types, 'null'] };
}
