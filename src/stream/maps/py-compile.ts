import { ExactNumber } from '../../protocol/exact-json.js';
import { callMethod, DATE_FIELDS, FUNCTIONS, METHOD_NAMES, PyModule, type PyFunction } from './py-builtins.js';
import { binary, unaryMinus } from './py-ops.js';
import { MapSyntaxError, type CmpOp, type PyNode } from './py-parse.js';
import { PyDate, PyError, pyCompare, pyContains, pyEquals, setOwn, spend, toPy, truthy, typeName } from './py-values.js';

/** What an expression sees: the record (as `_`, `record` and by property name), `self` and `config`. */
export interface MapEnv {
  record: Record<string, unknown>;
  self: unknown;
  config: unknown;
}

export type Compiled = (env: MapEnv) => unknown;

export interface CompileScope {
  /** The stream's property names (readable by name). */
  properties: ReadonlySet<string>;
}

const MODULE_MEMBERS = new Set<string>();
(function collect(m: PyModule) {
  for (const [k, v] of Object.entries(m.members)) {
    MODULE_MEMBERS.add(k);
    if (v instanceof PyModule) collect(v);
  }
})(new PyModule('', FUNCTIONS as Record<string, PyFunction | PyModule>));

const RESERVED = new Set(['_', 'record', 'self', 'config']);

function readName(id: string, scope: CompileScope): Compiled {
  if (id === '_' || id === 'record') return (env) => env.record;
  if (id === 'self') return (env) => env.self;
  if (id === 'config') return (env) => env.config;
  if (scope.properties.has(id)) return (env) => (Object.hasOwn(env.record, id) ? toPy(env.record[id]) : null);
  if (Object.hasOwn(FUNCTIONS, id)) {
    const f = FUNCTIONS[id];
    return () => f;
  }
  if (id === 'fake' || id === 'Faker') throw new MapSyntaxError(`${id} (Faker fake data) is not supported; hash values with md5() or sha256() instead`);
  throw new MapSyntaxError(`name '${id}' is neither a property of the stream's schema nor a supported function (properties the schema lacks can be read with record.get('${id}'))`);
}

function index(obj: unknown, key: unknown): unknown {
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (typeof key !== 'bigint' && typeof key !== 'boolean') throw new PyError('TypeError', `${typeName(obj)} indices must be integers, not ${typeName(key)}`);
    if (typeof obj === 'string') spend(obj.length);
    const seq = typeof obj === 'string' ? Array.from(obj) : obj;
    let i = Number(key);
    if (i < 0) i += seq.length;
    if (i < 0 || i >= seq.length) throw new PyError('IndexError', `${typeName(obj)} index out of range`);
    return toPy(seq[i]);
  }
  if (obj !== null && typeof obj === 'object' && !(obj instanceof PyDate) && !(obj instanceof ExactNumber) && !(obj instanceof PyModule)) {
    if (typeof key === 'string' && Object.hasOwn(obj, key)) return toPy((obj as Record<string, unknown>)[key]);
    throw new PyError('KeyError', typeof key === 'string' ? `'${key}'` : String(key));
  }
  throw new PyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
}

function slice(obj: unknown, lo: unknown, hi: unknown, step: unknown): unknown {
  if (!Array.isArray(obj) && typeof obj !== 'string') throw new PyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
  const seq = typeof obj === 'string' ? Array.from(obj) : obj;
  const int = (v: unknown, name: string): number | undefined => {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'bigint') throw new PyError('TypeError', `slice ${name} must be an integer or None`);
    return Number(v);
  };
  const n = seq.length;
  const st = int(step, 'step') ?? 1;
  if (st === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const clamp = (v: number | undefined, dflt: number) => (v === undefined ? dflt : v < 0 ? Math.max(v + n, st < 0 ? -1 : 0) : Math.min(v, st < 0 ? n - 1 : n));
  const a = clamp(int(lo, 'start'), st < 0 ? n - 1 : 0);
  const b = clamp(int(hi, 'stop'), st < 0 ? -1 : n);
  const out: unknown[] = [];
  spend(Math.abs(b - a));
  for (let i = a; st > 0 ? i < b : i > b; i += st) out.push(seq[i]);
  return typeof obj === 'string' ? out.join('') : out.map(toPy);
}

function compare(op: CmpOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b, op) < 0;
    case '<=':
      return pyCompare(a, b, op) <= 0;
    case '>':
      return pyCompare(a, b, op) > 0;
    case '>=':
      return pyCompare(a, b, op) >= 0;
    case 'in':
      return pyContains(b, a);
    case 'not in':
      return !pyContains(b, a);
    case 'is':
      return a === b || (a === null && b === null);
    case 'is not':
      return !(a === b || (a === null && b === null));
  }
}

function compileCall(node: Extract<PyNode, { t: 'call' }>, scope: CompileScope): Compiled {
  const args = node.args.map((a) => compilePy(a, scope));
  const evalArgs = (env: MapEnv) => args.map((a) => a(env));
  const fn = node.fn;
  if (fn.t === 'name' && Object.hasOwn(FUNCTIONS, fn.id)) {
    const f = FUNCTIONS[fn.id];
    if (f instanceof PyModule) throw new MapSyntaxError(`${fn.id} is a module, not a function`);
    return (env) => f(evalArgs(env));
  }
  if (fn.t === 'attr') {
    const obj = compilePy(fn.obj, scope);
    if (!METHOD_NAMES.has(fn.name) && !MODULE_MEMBERS.has(fn.name)) throw new MapSyntaxError(`the method ${fn.name}() is not supported`);
    const name = fn.name;
    return (env) => {
      const o = obj(env);
      if (o instanceof PyModule) {
        const member = Object.hasOwn(o.members, name) ? o.members[name] : undefined;
        if (typeof member !== 'function') throw new PyError('AttributeError', `module '${o.name}' has no function '${name}'`);
        return member(evalArgs(env));
      }
      return callMethod(o, name, evalArgs(env));
    };
  }
  if (fn.t === 'name') readName(fn.id, scope);
  throw new MapSyntaxError('only the supported functions and methods can be called');
}

/** Compiles a parsed expression once; the closure evaluates it per record. */
export function compilePy(node: PyNode, scope: CompileScope): Compiled {
  switch (node.t) {
    case 'int':
    case 'float':
    case 'str':
    case 'const': {
      const v = node.value;
      return () => v;
    }
    case 'name':
      return readName(node.id, scope);
    case 'list':
    case 'tuple': {
      const items = node.items.map((i) => compilePy(i, scope));
      return (env) => items.map((i) => i(env));
    }
    case 'dict': {
      const keys = node.keys.map((k) => compilePy(k, scope));
      const values = node.values.map((v) => compilePy(v, scope));
      return (env) => {
        const out: Record<string, unknown> = {};
        keys.forEach((k, i) => {
          const key = k(env);
          if (typeof key !== 'string') throw new PyError('TypeError', 'only str dict keys are supported in a stream map');
          spend(1);
          setOwn(out, key, values[i](env));
        });
        return out;
      };
    }
    case 'attr': {
      if (!Object.hasOwn(DATE_FIELDS, node.name) && !MODULE_MEMBERS.has(node.name)) {
        throw new MapSyntaxError(METHOD_NAMES.has(node.name) ? `${node.name} is a method: call it, ${node.name}()` : `the attribute .${node.name} is not supported`);
      }
      const obj = compilePy(node.obj, scope);
      const name = node.name;
      return (env) => {
        const o = obj(env);
        if (o instanceof PyModule && Object.hasOwn(o.members, name)) return o.members[name];
        if (o instanceof PyDate && Object.hasOwn(DATE_FIELDS, name)) return DATE_FIELDS[name](o);
        throw new PyError('AttributeError', `'${typeName(o)}' object has no attribute '${name}'`);
      };
    }
    case 'index': {
      const obj = compilePy(node.obj, scope);
      const key = compilePy(node.index, scope);
      return (env) => index(obj(env), key(env));
    }
    case 'slice': {
      const obj = compilePy(node.obj, scope);
      const none = () => null;
      const [lo, hi, step] = [node.lo, node.hi, node.step].map((n) => (n ? compilePy(n, scope) : none));
      return (env) => slice(obj(env), lo(env), hi(env), step(env));
    }
    case 'call':
      return compileCall(node, scope);
    case 'unary': {
      const arg = compilePy(node.arg, scope);
      if (node.op === 'not') return (env) => !truthy(arg(env));
      const op = node.op;
      return (env) => unaryMinus(arg(env), op);
    }
    case 'bin': {
      const l = compilePy(node.left, scope);
      const r = compilePy(node.right, scope);
      const op = node.op;
      return (env) => binary(op, l(env), r(env));
    }
    case 'bool': {
      const l = compilePy(node.left, scope);
      const r = compilePy(node.right, scope);
      return node.op === 'and'
        ? (env) => {
            const v = l(env);
            return truthy(v) ? r(env) : v;
          }
        : (env) => {
            const v = l(env);
            return truthy(v) ? v : r(env);
          };
    }
    case 'cmp': {
      const first = compilePy(node.first, scope);
      const rest = node.rest.map((n) => compilePy(n, scope));
      const ops = node.ops;
      return (env) => {
        let left = first(env);
        for (let i = 0; i < ops.length; i++) {
          const right = rest[i](env);
          if (!compare(ops[i], left, right)) return false;
          left = right;
        }
        return true;
      };
    }
    case 'if': {
      const test = compilePy(node.test, scope);
      const body = compilePy(node.body, scope);
      const orelse = compilePy(node.orelse, scope);
      return (env) => (truthy(test(env)) ? body(env) : orelse(env));
    }
  }
}

export { RESERVED };
