import type { ValidateFunction } from 'ajv';
import { ajv as loadAjv, ajvAddFormats as loadAddFormats, ajvFullFormats as loadFullFormats } from '../lazy-modules.js';
import type { JsonSchema } from '../protocol/messages.js';
import { isDateTime, TIME } from './formats.js';

function createAjv() {
  const Ajv = loadAjv();
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, allowUnionTypes: true });
  // multipleOf checked in decimal, on the number's shortest text: 19.99 is a multiple of 0.01
  // (in binary floating point it is not)
  ajv.addKeyword({
    keyword: EXACT_MULTIPLE_OF,
    type: 'number',
    schemaType: 'number',
    errors: true,
    validate: function exactMultipleOf(this: unknown, divisor: number, data: number): boolean {
      if (isMultipleOfExact(data, divisor)) return true;
      (exactMultipleOf as unknown as { errors: unknown[] }).errors = [{ keyword: 'multipleOf', message: `must be a multiple of ${divisor}`, params: { multipleOf: divisor } }];
      return false;
    },
  });
  loadAddFormats()(ajv, [...CHECKED_FORMATS]);
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('time', { type: 'string', validate: (s: string) => TIME.test(s) });
  ajv.addFormat('singer.decimal', { type: 'string', validate: (s: string) => /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s) });
  return ajv;
}

/** The formats ajv checks (the rest it ignores, with strict: false). */
const CHECKED_FORMATS = ['date', 'uuid', 'email', 'uri', 'ipv4', 'ipv6', 'hostname'] as const;

/**
 * The check ajv applies to a string of the given format, for code that checks values without
 * ajv (the transcoder): a function; undefined for a format ajv ignores; null for one it checks
 * in a way not offered here.
 */
export function stringFormatCheck(name: string): ((s: string) => boolean) | undefined | null {
  if (name === 'date-time') return isDateTime;
  if (name === 'time') return (s) => TIME.test(s);
  if (name === 'singer.decimal') return null;
  if (!(CHECKED_FORMATS as readonly string[]).includes(name)) return undefined;
  const f = loadFullFormats()[name];
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === 'function') return f as (s: string) => boolean;
  const v = (f as { validate?: unknown } | undefined)?.validate;
  if (v instanceof RegExp) return (s) => v.test(s);
  if (typeof v === 'function') return v as (s: string) => boolean;
  return null;
}

let shared: ReturnType<typeof createAjv> | undefined;
const cache = new Map<string, ValidateFunction>();

/**
 * Loads ajv and sets it up, ahead of the first schema: the main thread does it while it waits
 * for the database to answer the connection (ajv and ajv-formats take 80-100 ms to load), not
 * after the first SCHEMA message, when the encode workers wait for the stream's pipeline. A
 * failure is left to the first compileValidator, which throws it where it is reported.
 */
export function prepareValidation(): void {
  try {
    shared ??= createAjv();
  } catch {
    // reported by compileValidator
  }
}

const EXACT_MULTIPLE_OF = 'x-target-postgres-multipleOf';

/**
 * Compiles (once per distinct schema) a validator for records of a stream. Taps send every
 * JSON Schema dialect from draft-04 on: draft-04's boolean exclusiveMinimum/exclusiveMaximum
 * are read as the numeric bounds later drafts use. A schema ajv cannot use throws.
 */
export function compileValidator(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = cache.get(key);
  if (!fn) {
    shared ??= createAjv();
    const { $schema: _ignored, $id: _id, id: _draft4Id, ...rest } = schema as Record<string, unknown>;
    fn = shared.compile(normalizeDialect(rest) as Record<string, unknown>);
    cache.set(key, fn);
  }
  return fn;
}

/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas']);

/** A copy of a schema in the dialect ajv validates (see compileValidator). */
export function normalizeDialect(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeDialect);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples') out[k] = v;
    else if (SCHEMA_MAPS.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // keys here are names (a property called "maximum"), each value a schema
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, normalizeDialect(sub)]));
    } else out[k] = normalizeDialect(v);
  }
  for (const [bound, exclusive] of [['maximum', 'exclusiveMaximum'], ['minimum', 'exclusiveMinimum']] as const) {
    if (typeof out[exclusive] !== 'boolean') continue;
    if (out[exclusive] === true && typeof out[bound] === 'number') {
      out[exclusive] = out[bound];
      delete out[bound];
    } else delete out[exclusive];
  }
  if (typeof out.multipleOf === 'number') {
    out[EXACT_MULTIPLE_OF] = out.multipleOf;
    delete out.multipleOf;
  }
  return out;
}

/** A decimal number's digits and power of ten (123.45 → 12345, -2). */
function decimalOf(text: string): { digits: bigint; exp: number } | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  return { digits: BigInt(m[1] + m[2] + fraction), exp: Number(m[4] ?? 0) - fraction.length };
}

/** Whether `value` is a whole multiple of `divisor`, in decimal arithmetic on their shortest texts. */
export function isMultipleOfExact(value: number | string, divisor: number | string): boolean {
  const a = decimalOf(String(value));
  const b = decimalOf(String(divisor));
  if (!a || !b || b.digits === 0n || Math.abs(a.exp - b.exp) > 10_000) return Number(value) % Number(divisor) === 0;
  const e = Math.min(a.exp, b.exp);
  return (a.digits * 10n ** BigInt(a.exp - e)) % (b.digits * 10n ** BigInt(b.exp - e)) === 0n;
}

/** All violations of the last validation, one `path: message` each. */
export function describeErrors(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .map((e) => {
      const path = e.instancePath || '/';
      const extra = e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
      return `${path} ${e.message}${extra}`;
    })
    .join('; ');
}
