import { InputError } from '../errors.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  contentEncoding?: string;
  'x-sql-datatype'?: string;
  [key: string]: unknown;
}

export interface SchemaMessage {
  type: 'SCHEMA';
  stream: string;
  schema: JsonSchema;
  key_properties: string[];
  bookmark_properties?: string[];
}

export interface RecordMessage {
  type: 'RECORD';
  stream: string;
  record: Record<string, unknown>;
  time_extracted?: string;
  version?: number;
}

export interface StateMessage {
  type: 'STATE';
  value: unknown;
}

export interface ActivateVersionMessage {
  type: 'ACTIVATE_VERSION';
  stream: string;
  version: number;
}

/** The Singer SDK's BATCH message: records in files, listed in the manifest. */
export interface BatchMessage {
  type: 'BATCH';
  stream: string;
  encoding: { format: string; compression?: string };
  manifest: string[];
  version?: number;
}

export type Message = SchemaMessage | RecordMessage | StateMessage | ActivateVersionMessage | BatchMessage;

/** The stream a (possibly malformed) line names, for error messages. */
export function streamNamedInText(text: string): string | undefined {
  const m = /"stream"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as string;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function requireStream(m: Record<string, unknown>, line: number, type: string): string {
  if (typeof m.stream !== 'string' || m.stream === '') throw new InputError(`${type} message has no "stream" name`, { line });
  return m.stream;
}

/**
 * Checks a parsed line's shape and returns it as a typed message, or null for an unknown
 * message type (to be ignored). The `type` is case-insensitive.
 */
export function toMessage(value: unknown, line: number): Message | null {
  if (!isObject(value)) throw new InputError('line is not a JSON object', { line });
  const rawType = value.type;
  if (typeof rawType !== 'string') throw new InputError('message has no "type"', { line });
  const type = rawType.toUpperCase();
  switch (type) {
    case 'RECORD': {
      const stream = requireStream(value, line, type);
      if (!isObject(value.record)) throw new InputError('RECORD message has no "record" object', { line, stream });
      if (value.version !== undefined && value.version !== null && typeof value.version !== 'number' && typeof value.version !== 'object') {
        throw new InputError('RECORD "version" must be a number', { line, stream });
      }
      if (rawType !== 'RECORD') value.type = 'RECORD';
      return value as unknown as RecordMessage;
    }
    case 'SCHEMA': {
      const stream = requireStream(value, line, type);
      const schema = value.schema;
      if (!isObject(schema)) throw new InputError('SCHEMA message has no "schema" object', { line, stream });
      if (!isObject(schema.properties)) {
        throw new InputError(`Line is missing required properties key(s): ${pythonRepr(schema)} (a SCHEMA needs "properties")`, { line, stream });
      }
      const keys = value.key_properties ?? [];
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
        throw new InputError('SCHEMA "key_properties" must be an array of property names', { line, stream });
      }
      const bookmarks = value.bookmark_properties;
      return {
        type: 'SCHEMA',
        stream,
        schema: schema as JsonSchema,
        key_properties: keys as string[],
        bookmark_properties: Array.isArray(bookmarks) ? (bookmarks.filter((b) => typeof b === 'string') as string[]) : undefined,
      };
    }
    case 'STATE':
      return { type: 'STATE', value: value.value };
    case 'ACTIVATE_VERSION': {
      const stream = requireStream(value, line, type);
      if (value.version === undefined || value.version === null) throw new InputError('ACTIVATE_VERSION message has no "version"', { line, stream });
      return { type: 'ACTIVATE_VERSION', stream, version: Number(value.version) };
    }
    case 'BATCH': {
      const stream = requireStream(value, line, type);
      const encoding = value.encoding;
      if (!isObject(encoding) || typeof encoding.format !== 'string') throw new InputError('BATCH message has no "encoding" with a "format"', { line, stream });
      if (encoding.compression !== undefined && encoding.compression !== null && typeof encoding.compression !== 'string') throw new InputError('BATCH "encoding.compression" must be a string', { line, stream });
      const manifest = value.manifest;
      if (!Array.isArray(manifest) || !manifest.every((m) => typeof m === 'string')) throw new InputError('BATCH message has no "manifest" list of file URLs', { line, stream });
      if (value.version !== undefined && value.version !== null && typeof value.version !== 'number') throw new InputError('BATCH "version" must be a number', { line, stream });
      return {
        type: 'BATCH',
        stream,
        encoding: { format: encoding.format, ...(typeof encoding.compression === 'string' ? { compression: encoding.compression } : {}) },
        manifest: manifest as string[],
        ...(typeof value.version === 'number' ? { version: value.version } : {}),
      };
    }
    default:
      return null;
  }
}

/** Python-like repr of a small JSON object, as the Singer SDK prints it in its errors. */
function pythonRepr(value: unknown): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}
