import type { JsonSchema } from '../../protocol/messages.js';
import type { ColumnSpec, MetadataField } from '../../schema/columns.js';
import { elementKindOf, valueKindOf, type ValueKind } from '../../schema/type-map.js';
import { stringFormatCheck } from '../validator.js';

/** JSON types as bits. `number` admits integers too. */
export const T = { null: 1, string: 2, integer: 4, number: 8, boolean: 16, object: 32, array: 64 } as const;
const ANY = 127;

/** What a value must be: the part of a property's schema the transcoder checks itself. */
export interface ValueCheck {
  types: number;
  format?: (s: string) => boolean;
  /** The format is date-time: checked on the bytes. */
  dateTime?: boolean;
  /** Checks of an object's named properties (others are allowed unless `closed`). */
  properties?: Array<{ name: Uint8Array; check: ValueCheck }>;
  closed?: boolean;
  items?: ValueCheck;
}

/** A property of the record (or of a flattened object): where its value goes. */
export interface PropNode {
  name: Uint8Array;
  /**
   * The key as a tap writes it, quotes and colon included (`"name":`), when its JSON form is
   * its bytes (no quote, backslash or control character in the name): matched in one pass.
   */
  quoted?: Uint8Array;
  check: ValueCheck;
  /** The slot its value token is kept in (a flattened object's slot only marks it seen). */
  slot?: number;
  /** A flattened object: its own properties (checked and placed like the record's). */
  children?: PropNode[];
}

/** One field of the row, in COPY order. */
export type FieldPlan =
  | { meta: MetadataField; type: string }
  | { slot: number; kind: ValueKind; element?: ValueKind; type: string };

export interface TranscodePlan {
  props: PropNode[];
  slots: number;
  fields: FieldPlan[];
  /** Slots of the `required` top-level properties. */
  required: number[];
  /** Slots of the key properties, and of the bookmark, when the pipeline needs them. */
  keySlots: number[];
  orderSlot?: number;
  /** The slot of the record's _sdc_deleted_at, when the row has that metadata column and the schema that property. */
  deletedSlot?: number;
}

/** Schema keywords that constrain nothing the transcoder must check. */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', '$comment', 'readOnly', 'writeOnly', 'deprecated', 'inclusion', 'selected', 'selected-by-default', 'contentMediaType', 'contentEncoding', '$schema', '$id', 'id']);
const OUTPUT_KINDS = new Set<ValueKind>(['text', 'integer', 'number', 'boolean', 'timestamp', 'date', 'time', 'uuid', 'json', 'array']);
const ELEMENT_KINDS = new Set<ValueKind>(['text', 'integer', 'number', 'boolean', 'timestamp', 'date', 'time', 'uuid']);

class Ineligible extends Error {}
const no = (why: string): never => {
  throw new Ineligible(why);
};

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function typeBits(schema: JsonSchema): number {
  const t = schema.type;
  if (t === undefined) return ANY;
  const list = Array.isArray(t) ? t : [t];
  let bits = 0;
  for (const name of list) {
    const b = (T as Record<string, number>)[name as string];
    if (b === undefined) no(`type ${String(name)}`);
    bits |= b;
  }
  return bits;
}

/** The checks of a schema in the subset the transcoder handles; anything else makes the stream ineligible. */
export function checkOf(schema: unknown): ValueCheck {
  if (schema === true || schema === undefined) return { types: ANY };
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return no('a schema that is not an object');
  const s = schema as JsonSchema;
  const check: ValueCheck = { types: typeBits(s) };
  for (const [k, v] of Object.entries(s)) {
    if (k === 'type' || ANNOTATIONS.has(k) || k.startsWith('x-')) continue;
    if (k === 'format') {
      const f = stringFormatCheck(String(v));
      if (f === null) return no(`format ${String(v)}`);
      if (f) check.format = f;
      if (v === 'date-time') check.dateTime = true;
    } else if (k === 'properties') {
      if (v === null || typeof v !== 'object') return no('properties');
      check.properties = Object.entries(v as Record<string, unknown>).map(([name, sub]) => ({ name: utf8(name), check: checkOf(sub) }));
    } else if (k === 'additionalProperties') {
      if (v === false) check.closed = true;
      else if (v !== true && !(v !== null && typeof v === 'object' && Object.keys(v).length === 0)) return no('additionalProperties with a schema');
    } else if (k === 'items') {
      if (Array.isArray(v)) return no('tuple items');
      check.items = checkOf(v);
    } else return no(`keyword ${k}`);
  }
  return check;
}

/**
 * The transcoder's plan for a stream: which record properties feed which row fields, and what
 * each value must be. Undefined (with the reason) when some part of the schema or of the
 * columns is outside what the transcoder handles; the stream then takes the generic path.
 */
export function buildTranscodePlan(
  schema: JsonSchema,
  columns: ReadonlyArray<ColumnSpec & { actualType: string }>,
  keys: readonly string[],
  bookmark: string | undefined,
): { plan: TranscodePlan } | { reason: string } {
  try {
    return { plan: plan(schema, columns, keys, bookmark) };
  } catch (e) {
    if (e instanceof Ineligible) return { reason: e.message };
    throw e;
  }
}

function plan(schema: JsonSchema, columns: ReadonlyArray<ColumnSpec & { actualType: string }>, keys: readonly string[], bookmark: string | undefined): TranscodePlan {
  const top: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  const required = top.required;
  delete top.required;
  const rootCheck = checkOf(top);
  if (rootCheck.closed) no('additionalProperties: false');
  if ((rootCheck.types & T.object) === 0) no('a record schema that is not an object');
  const props = schema.properties ?? {};
  let slots = 0;
  const leafSlot = new Map<string, number>();
  const pathKey = (path: readonly string[]) => JSON.stringify(path);
  const wanted = new Set(columns.filter((c) => !c.metadata).map((c) => pathKey(c.path)));
  const prefixes = new Set<string>();
  for (const c of columns) for (let n = 1; n < c.path.length; n++) prefixes.add(pathKey(c.path.slice(0, n)));

  const nodesOf = (properties: Record<string, unknown>, prefix: string[]): PropNode[] =>
    Object.entries(properties).map(([name, sub]) => {
      const path = [...prefix, name];
      const key = pathKey(path);
      const check = checkOf(sub);
      const node: PropNode = { name: utf8(name), check };
      // eslint-disable-next-line no-control-regex
      if (!/["\\\x00-\x1f]/.test(name)) node.quoted = utf8(`"${name}":`);
      if (wanted.has(key)) {
        node.slot = slots++;
        leafSlot.set(key, node.slot);
      } else if (prefixes.has(key)) {
        if ((check.types & ~(T.object | T.null)) !== 0 || !check.properties) no(`flattened property ${name} is not an object schema`);
        node.slot = slots++;
        node.children = nodesOf((sub as JsonSchema).properties as Record<string, unknown>, path);
      }
      return node;
    });
  const nodes = nodesOf(props as Record<string, unknown>, []);
  // the record's _sdc_deleted_at feeds that metadata column: its token is kept too
  const deleted = nodes.find((n) => Buffer.from(n.name).toString() === '_sdc_deleted_at');
  let deletedSlot: number | undefined;
  if (columns.some((c) => c.metadata === '_sdc_deleted_at') && deleted) {
    if (deleted.children) no('_sdc_deleted_at is an object');
    deletedSlot = deleted.slot ??= slots++;
  }

  const fields: FieldPlan[] = columns.map((c) => {
    if (c.metadata) {
      if (c.metadata === '_sdc_batched_at' || c.metadata === '_sdc_sequence') no('stamped columns among the encoded ones');
      return { meta: c.metadata, type: c.actualType };
    }
    const slot = leafSlot.get(pathKey(c.path));
    if (slot === undefined) return no(`column ${c.name} has no property in the schema`);
    const kind = valueKindOf(c.actualType);
    if (!OUTPUT_KINDS.has(kind)) no(`column type ${c.actualType}`);
    if (kind === 'json' && c.actualType.toLowerCase().trim() !== 'jsonb') no(`column type ${c.actualType}`);
    if (kind !== 'array') return { slot, kind, type: c.actualType };
    const element = elementKindOf(c.actualType);
    if (!ELEMENT_KINDS.has(element)) no(`array of ${element}`);
    return { slot, kind, element, type: c.actualType };
  });
  const topSlot = (name: string) => {
    const s = leafSlot.get(pathKey([name]));
    if (s === undefined) no(`key or bookmark ${name} is not a column`);
    return s!;
  };
  if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === 'string'))) no('required');
  return {
    props: nodes,
    slots,
    fields,
    required: ((required as string[] | undefined) ?? []).map(topSlot),
    keySlots: keys.map(topSlot),
    ...(bookmark !== undefined ? { orderSlot: topSlot(bookmark) } : {}),
    ...(deletedSlot !== undefined ? { deletedSlot } : {}),
  };
}
