import type { JsonSchema } from '../protocol/messages.js';
import { assignColumnNames, type NameStyle } from './names.js';
import { pgTypeFor, type TypeMapOptions } from './type-map.js';

/** One column the stream writes: where its value comes from and its wanted type. */
export interface ColumnSpec {
  name: string;
  /** Property path in the record; empty for metadata columns. */
  path: string[];
  /** Metadata column filled by the target rather than read from the record. */
  metadata?: MetadataField;
  pgType: string;
}

export type MetadataField =
  | '_sdc_extracted_at'
  | '_sdc_received_at'
  | '_sdc_batched_at'
  | '_sdc_deleted_at'
  | '_sdc_sequence'
  | '_sdc_table_version'
  | '_sdc_sync_started_at';

/** The Meltano SDK's metadata columns, in its order, with their types. */
export const METADATA_COLUMNS: ReadonlyArray<[MetadataField, string]> = [
  ['_sdc_extracted_at', 'timestamptz'],
  ['_sdc_received_at', 'timestamptz'],
  ['_sdc_batched_at', 'timestamptz'],
  ['_sdc_deleted_at', 'timestamptz'],
  ['_sdc_sequence', 'bigint'],
  ['_sdc_table_version', 'bigint'],
  ['_sdc_sync_started_at', 'bigint'],
];

export interface ColumnPlanOptions extends TypeMapOptions {
  flatten: boolean;
  maxDepth: number;
  metadata: boolean;
  nameStyle?: NameStyle;
}

export interface ColumnPlan {
  columns: ColumnSpec[];
  /** Column names of the key properties, in key order. */
  keyColumns: string[];
}

export function isFlattenableObject(schema: JsonSchema): boolean {
  const t = schema.type;
  const types = t === undefined ? [] : Array.isArray(t) ? t : [t];
  const nonNull = types.filter((x) => x !== 'null');
  return nonNull.length === 1 && nonNull[0] === 'object' && !!schema.properties && Object.keys(schema.properties).length > 0 && !schema.anyOf;
}

/** Expands properties into (path, schema) leaves, flattening objects down to maxDepth. */
function leaves(properties: Record<string, JsonSchema>, opts: ColumnPlanOptions, prefix: string[] = []): Array<[string[], JsonSchema]> {
  const out: Array<[string[], JsonSchema]> = [];
  for (const [name, schema] of Object.entries(properties)) {
    const path = [...prefix, name];
    if (opts.flatten && prefix.length < opts.maxDepth && isFlattenableObject(schema)) {
      out.push(...leaves(schema.properties!, opts, path));
    } else {
      out.push([path, schema ?? {}]);
    }
  }
  return out;
}

/** The column a top-level property loads into, if any. */
export function columnOfProperty(columns: readonly ColumnSpec[], property: string): string | undefined {
  return columns.find((c) => c.path.length === 1 && c.path[0] === property)?.name;
}

/** Turns a stream's JSON Schema into the columns it loads. */
export function buildColumnPlan(schema: JsonSchema, keyProperties: string[], opts: ColumnPlanOptions): ColumnPlan {
  const props = { ...(schema.properties ?? {}) };
  // the target's own metadata columns are governed by add_record_metadata; a tap's own _sdc_*
  // properties (tap-s3-csv's _sdc_source_file, say) are data and always load
  for (const [field] of METADATA_COLUMNS) delete props[field];

  const found = leaves(props, opts);
  const reserved = opts.metadata ? METADATA_COLUMNS.map(([n]) => n) : [];
  const names = assignColumnNames(
    found.map(([path]) => path.join('__')),
    opts.nameStyle,
    reserved,
  );
  const columns: ColumnSpec[] = found.map(([path, s], i) => ({ name: names[i], path, pgType: pgTypeFor(s, opts) }));
  if (opts.metadata) {
    for (const [field, type] of METADATA_COLUMNS) columns.push({ name: field, path: [], metadata: field, pgType: type });
  }
  const keyColumns = keyProperties.map((k) => columnOfProperty(columns, k) ?? k);
  return { columns, keyColumns };
}
