import type { JsonSchema } from '../protocol/messages.js';

/**
 * A stream's schema with local `$ref`s (`#/definitions/…`, `#/$defs/…`, any JSON pointer into
 * the same document) replaced by what they point to, and `allOf` branches merged into their
 * parent, so type mapping and flattening see a date-time behind a `$ref` as a date-time (pure).
 * A reference that cannot be followed (remote, missing, or a cycle) becomes an untyped schema:
 * its values load as jsonb, never lost.
 */
export function resolveSchema(root: JsonSchema): JsonSchema {
  return resolve(root, root, new Set()) as JsonSchema;
}

function resolve(node: unknown, root: JsonSchema, following: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => resolve(n, root, following));
  if (node === null || typeof node !== 'object') return node;
  const schema = node as Record<string, unknown>;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    const { $ref: _ref, ...siblings } = schema;
    const target = ref.startsWith('#') && !following.has(ref) ? pointer(root, ref.slice(1)) : undefined;
    if (target === undefined) return resolve(siblings, root, following);
    following.add(ref);
    const resolved = resolve(target, root, following) as Record<string, unknown>;
    following.delete(ref);
    return Object.keys(siblings).length ? merge(resolved, resolve(siblings, root, following) as Record<string, unknown>) : resolved;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples' || k === 'definitions' || k === '$defs') out[k] = v;
    else if (k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, resolve(sub, root, following)]));
    } else out[k] = resolve(v, root, following);
  }
  if (Array.isArray(out.allOf)) {
    const branches = out.allOf as Array<Record<string, unknown>>;
    delete out.allOf;
    return branches.reduce((acc, b) => merge(acc, b), out);
  }
  return out;
}

/** The value at a JSON pointer (`/definitions/a~1b`) in the document, or undefined. */
function pointer(root: unknown, path: string): unknown {
  if (path === '') return root;
  let at: unknown = root;
  for (const raw of path.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const typesOf = (t: unknown): string[] | undefined => (t === undefined ? undefined : Array.isArray(t) ? (t as string[]) : [t as string]);

/** Two schemas that must both hold, as one: types intersect, properties and required unite. */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (!(k in out)) out[k] = v;
    else if (k === 'type') {
      const ta = typesOf(out.type)!;
      const tb = typesOf(v)!;
      const both = ta.filter((t) => tb.includes(t) || (t === 'integer' && tb.includes('number')));
      const extra = tb.filter((t) => t === 'integer' && ta.includes('number'));
      const types = [...new Set([...both, ...extra])];
      if (types.length === 0) delete out.type; // no value can satisfy both: left untyped (jsonb)
      else out.type = types.length === 1 ? types[0] : types;
    } else if (k === 'properties') out[k] = { ...(out[k] as object), ...(v as object) };
    else if (k === 'required') out[k] = [...new Set([...(out[k] as string[]), ...(v as string[])])];
  }
  return out;
}
