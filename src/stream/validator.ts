import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../protocol/messages.js';
import { isDateTime, TIME } from './formats.js';

const Ajv = AjvModule.default ?? AjvModule;
type AddFormats = (ajv: InstanceType<typeof Ajv>, formats: string[]) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;


function createAjv() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, allowUnionTypes: true });
  addFormats(ajv, ['date', 'uuid', 'email', 'uri', 'ipv4', 'ipv6', 'hostname']);
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('time', { type: 'string', validate: (s: string) => TIME.test(s) });
  ajv.addFormat('singer.decimal', { type: 'string', validate: (s: string) => /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s) });
  return ajv;
}

let shared: ReturnType<typeof createAjv> | undefined;
const cache = new Map<string, ValidateFunction>();

/** Compiles (once per distinct schema) a validator for records of a stream. */
export function compileValidator(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = cache.get(key);
  if (!fn) {
    shared ??= createAjv();
    const { $schema: _ignored, $id: _id, ...rest } = schema as Record<string, unknown>;
    fn = shared.compile(rest);
    cache.set(key, fn);
  }
  return fn;
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
