import type { ValidateFunction } from 'ajv';
import { InputError } from '../../errors.js';
import { toPlainNumbers } from '../../protocol/exact-json.js';
import { findLoneSurrogate, findNul } from '../nul.js';
import { compileValidator, describeErrors } from '../validator.js';
import { PyModule } from './py-builtins.js';
import { compilePy, type Compiled, type MapEnv } from './py-compile.js';
import { parsePy } from './py-parse.js';
import { fromPy, resetBudget, setOwn, toPy, truthy } from './py-values.js';
import type { MapSpec } from './stream-maps.js';

/** A record a stream map could not map: it concerns that mapped stream only (validation errors concern them all). */
export class MapError extends InputError {}

/** A compiled stream map: the record it becomes, or null when its filter drops it. */
export type MapTransform = (record: Record<string, unknown>, line: number, exact: { value: boolean }) => Record<string, unknown> | null;

interface Step {
  name: string;
  expr: string;
  run: Compiled | null;
  /** The mapped property's schema: a computed value must fit it, as the column was made from it. */
  check?: ValidateFunction;
}

/**
 * Compiles a stream's map once (each expression parsed and compiled to a closure); the result
 * runs per record in the record pipeline, on whichever thread reads the record. A failing
 * expression, or a value that does not fit the mapped property's type, is an InputError
 * naming the line, stream and property, so on_invalid_record decides what happens to the record.
 */
export function compileMapTransform(spec: MapSpec, stream: string): MapTransform {
  const scope = { properties: new Set(spec.readable) };
  const steps: Step[] = spec.properties.map(([name, expr]) => ({
    name,
    expr: expr ?? '',
    run: expr === null ? null : compilePy(parsePy(expr), scope),
    check: expr === null || !Object.hasOwn(spec.schemas, name) ? undefined : compileValidator(spec.schemas[name]),
  }));
  const filter = spec.filter === undefined ? undefined : compilePy(parsePy(spec.filter), scope);
  const keys = spec.keys;
  const config = spec.config;
  const failed = (line: number, what: string, expr: string, reason: string): never => {
    throw new MapError(`stream map ${what} ${JSON.stringify(expr)} failed: ${reason}`, { line, stream });
  };
  const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
  return (record, line, exact) => {
    const env: MapEnv = { record, self: null, config };
    if (filter) {
      let keep: unknown;
      try {
        resetBudget();
        keep = filter(env);
      } catch (e) {
        failed(line, '__filter__', spec.filter!, reasonOf(e));
      }
      if (!truthy(keep)) return null;
    }
    let out: Record<string, unknown>;
    if (spec.includeByDefault) out = { ...record };
    else {
      out = {};
      for (const k of keys) if (Object.hasOwn(record, k)) setOwn(out, k, record[k]);
    }
    for (const step of steps) {
      if (step.run === null) {
        delete out[step.name];
        continue;
      }
      env.self = Object.hasOwn(record, step.name) ? toPy(record[step.name]) : null;
      let value: unknown;
      try {
        resetBudget();
        value = fromPy(step.run(env), exact);
      } catch (e) {
        failed(line, `for property ${JSON.stringify(step.name)}:`, step.expr, reasonOf(e));
      }
      checkValue(step, value, exact.value, line, failed);
      setOwn(out, step.name, value);
    }
    return out;
  };
}

/** A computed value must be data (no function, NaN or infinity, NUL or lone surrogate) of the mapped property's type. */
function checkValue(step: Step, value: unknown, exact: boolean, line: number, failed: (line: number, what: string, expr: string, reason: string) => never): void {
  const what = `for property ${JSON.stringify(step.name)}:`;
  if (typeof value === 'function' || value instanceof PyModule) failed(line, what, step.expr, 'the result is a function or module, not a value');
  if (typeof value === 'number' && !Number.isFinite(value)) failed(line, what, step.expr, `the result ${value} is not a JSON number`);
  if (value !== null && typeof value === 'object') {
    if (findNul(value, '') !== undefined || findLoneSurrogate(value, '') !== undefined) failed(line, what, step.expr, 'the result holds a NUL character or an unpaired surrogate, which PostgreSQL cannot store');
  } else if (typeof value === 'string' && /[\u0000\ud800-\udfff]/.test(value) && (value.includes('\u0000') || findLoneSurrogate(value, '') !== undefined)) {
    failed(line, what, step.expr, 'the result holds a NUL character or an unpaired surrogate, which PostgreSQL cannot store');
  }
  if (step.check && !step.check(exact ? toPlainNumbers(value) : value)) {
    failed(line, what, step.expr, `the result ${truncate(JSON.stringify(exact ? toPlainNumbers(value) : value))} does not fit the property's type (${describeErrors(step.check).replace(/^\/ /, '')}); declare its type with __schema__`);
  }
}

const truncate = (s: string | undefined) => (s === undefined ? 'undefined' : s.length > 80 ? `${s.slice(0, 77)}...` : s);
