import { InputError } from '../../errors.js';
import { PyModule } from './py-builtins.js';
import { compilePy, type Compiled, type MapEnv } from './py-compile.js';
import { parsePy } from './py-parse.js';
import { fromPy, toPy, truthy } from './py-values.js';
import type { MapSpec } from './stream-maps.js';

/** A compiled stream map: the record it becomes, or null when its filter drops it. */
export type MapTransform = (record: Record<string, unknown>, line: number, exact: { value: boolean }) => Record<string, unknown> | null;

/**
 * Compiles a stream's map once (each expression parsed and compiled to a closure); the result
 * runs per record in the record pipeline, on whichever thread reads the record. A failing
 * expression is an InputError naming the line, stream and property, so on_invalid_record
 * decides what happens to the record.
 */
export function compileMapTransform(spec: MapSpec, stream: string): MapTransform {
  const scope = { properties: new Set(spec.readable) };
  const steps: Array<[string, string, Compiled | null]> = spec.properties.map(([name, expr]) => [name, expr ?? '', expr === null ? null : compilePy(parsePy(expr), scope)]);
  const filter = spec.filter === undefined ? undefined : compilePy(parsePy(spec.filter), scope);
  const keys = spec.keys;
  const config = spec.config;
  const failed = (line: number, what: string, expr: string, e: unknown): never => {
    const reason = e instanceof Error ? e.message : String(e);
    throw new InputError(`stream map ${what} ${JSON.stringify(expr)} failed: ${reason}`, { line, stream });
  };
  return (record, line, exact) => {
    const env: MapEnv = { record, self: null, config };
    if (filter) {
      let keep: unknown;
      try {
        keep = filter(env);
      } catch (e) {
        failed(line, '__filter__', spec.filter!, e);
      }
      if (!truthy(keep)) return null;
    }
    let out: Record<string, unknown>;
    if (spec.includeByDefault) out = { ...record };
    else {
      out = {};
      for (const k of keys) if (Object.hasOwn(record, k)) out[k] = record[k];
    }
    for (const [name, expr, run] of steps) {
      if (run === null) {
        delete out[name];
        continue;
      }
      env.self = Object.hasOwn(record, name) ? toPy(record[name]) : null;
      let value: unknown;
      try {
        value = run(env);
      } catch (e) {
        failed(line, `for property ${JSON.stringify(name)}:`, expr, e);
      }
      if (typeof value === 'number' && !Number.isFinite(value)) failed(line, `for property ${JSON.stringify(name)}:`, expr, new Error(`the result ${value} is not a JSON number`));
      if (typeof value === 'function' || value instanceof PyModule) {
        failed(line, `for property ${JSON.stringify(name)}:`, expr, new Error('the result is a function or module, not a value'));
      }
      Object.defineProperty(out, name, { value: fromPy(value, exact), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
}
