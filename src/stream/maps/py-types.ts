import type { JsonSchema } from '../../protocol/messages.js';
import type { PyNode } from './py-parse.js';

/**
 * The JSON Schema of what an expression yields, read from its form, so that a mapped property
 * gets a column of the right type: a property read as is keeps its schema, int()/len() give
 * integers, comparisons booleans, md5() and string methods strings, and so on. undefined when
 * the form does not tell (the caller then applies the SDK's rule).
 */
export function inferSchema(node: PyNode, properties: Record<string, JsonSchema>, self: string | undefined): JsonSchema | undefined {
  const t = (type: string, format?: string): JsonSchema => (format ? { type, format } : { type });
  switch (node.t) {
    case 'int':
      return t('integer');
    case 'float':
      return t('number');
    case 'str':
      return t('string');
    case 'const':
      return node.value === null ? undefined : t('boolean');
    case 'name':
      if (node.id === 'self') return self !== undefined ? properties[self] : undefined;
      if (node.id === '_' || node.id === 'record' || node.id === 'config') return node.id === 'config' ? undefined : { type: 'object', properties };
      return Object.hasOwn(properties, node.id) ? properties[node.id] : undefined;
    case 'index': {
      const o = node.obj;
      if (o.t === 'name' && (o.id === '_' || o.id === 'record') && node.index.t === 'str') {
        return Object.hasOwn(properties, node.index.value) ? properties[node.index.value] : undefined;
      }
      const inner = inferSchema(o, properties, self);
      if (inner && types(inner).includes('object') && inner.properties && node.index.t === 'str' && Object.hasOwn(inner.properties, node.index.value)) return inner.properties[node.index.value];
      if (inner && isType(inner, 'string')) return t('string');
      if (inner && isType(inner, 'array') && inner.items && !Array.isArray(inner.items)) return inner.items;
      return undefined;
    }
    case 'slice': {
      // a slice of a string is a string (without the source's format or length), of a list a list
      const inner = inferSchema(node.obj, properties, self);
      if (!inner) return undefined;
      const ts = types(inner).filter((x) => x !== 'null');
      if (ts.length === 1 && ts[0] === 'string') return t('string');
      if (ts.length === 1 && ts[0] === 'array') return inner.items && !Array.isArray(inner.items) ? { type: 'array', items: inner.items } : { type: 'array' };
      return undefined;
    }
    case 'call':
      return callSchema(node, properties, self);
    case 'unary':
      if (node.op === 'not') return t('boolean');
      return numberKind(inferSchema(node.arg, properties, self));
    case 'bin': {
      const l = inferSchema(node.left, properties, self);
      const r = inferSchema(node.right, properties, self);
      if (node.op === '+' && isType(l, 'string') && isType(r, 'string')) return t('string');
      if (node.op === '*' && (isType(l, 'string') || isType(r, 'string'))) return t('string');
      const a = numberKind(l);
      const b = numberKind(r);
      if (!a || !b) return undefined;
      if (node.op === '/') return t('number');
      return a.type === 'integer' && b.type === 'integer' ? t('integer') : t('number');
    }
    case 'cmp':
      return t('boolean');
    case 'bool':
    case 'if': {
      const [x, y] = node.t === 'if' ? [node.body, node.orelse] : [node.left, node.right];
      const a = x.t === 'const' && x.value === null ? null : inferSchema(x, properties, self);
      const b = y.t === 'const' && y.value === null ? null : inferSchema(y, properties, self);
      if (a === null) return b ?? undefined;
      if (b === null) return a;
      if (!a || !b) return undefined;
      return JSON.stringify(strip(a)) === JSON.stringify(strip(b)) ? a : undefined;
    }
    default:
      return undefined;
  }
}

function callSchema(node: Extract<PyNode, { t: 'call' }>, properties: Record<string, JsonSchema>, self: string | undefined): JsonSchema | undefined {
  const fn = node.fn;
  if (fn.t === 'name') {
    switch (fn.id) {
      case 'int':
      case 'len':
      case 'round':
        return fn.id === 'round' && node.args.length === 2 ? { type: 'number' } : { type: 'integer' };
      case 'float':
        return { type: 'number' };
      case 'str':
      case 'md5':
      case 'sha256':
        return { type: 'string' };
      case 'bool':
        return { type: 'boolean' };
      case 'abs':
        return numberKind(node.args[0] && inferSchema(node.args[0], properties, self));
    }
    return undefined;
  }
  if (fn.t !== 'attr') return undefined;
  switch (fn.name) {
    case 'fromisoformat':
    case 'strptime':
      return fn.obj.t === 'attr' && fn.obj.name === 'date' ? { type: 'string', format: 'date' } : { type: 'string', format: 'date-time' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'split':
      return { type: 'array', items: { type: 'string' } };
    case 'startswith':
    case 'endswith':
    case 'isdigit':
    case 'isalpha':
      return { type: 'boolean' };
    case 'find':
    case 'count':
      return { type: 'integer' };
    case 'timestamp':
      return { type: 'number' };
    case 'get':
    case 'keys':
    case 'values':
    case 'items':
    case 'loads':
      return undefined;
    default:
      return { type: 'string' };
  }
}

const types = (s: JsonSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
const isType = (s: JsonSchema | undefined, type: string) => !!s && types(s).filter((x) => x !== 'null').every((x) => x === type) && types(s).includes(type);
const strip = (s: JsonSchema) => ({ ...s, type: types(s).filter((x) => x !== 'null') });

function numberKind(s: JsonSchema | undefined): JsonSchema | undefined {
  if (!s) return undefined;
  const ts = types(s).filter((x) => x !== 'null');
  if (ts.length === 1 && (ts[0] === 'integer' || ts[0] === 'number')) return { type: ts[0] };
  if (ts.length === 2 && ts.includes('integer') && ts.includes('number')) return { type: 'number' };
  return undefined;
}
