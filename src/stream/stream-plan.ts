import type { ResolvedConfig } from '../config/settings.js';
import { InputError } from '../errors.js';
import type { SchemaMessage } from '../protocol/messages.js';
import { buildColumnPlan, isFlattenableObject, type ColumnSpec } from '../schema/columns.js';
import { tableNameFor, type TableName } from '../schema/names.js';
import { resolveSchema } from '../schema/resolve.js';
import { planPartitioning, type PartitionPlan } from './partition-plan.js';
import { KEYED_MERGES, mergeModeFor, type LoadMethod, type MergeMode } from '../load/batch.js';
import { citusRequestFor, type CitusRequest } from '../load/citus-placement.js';

/** Everything decided about a stream from its SCHEMA message and the config. */
export interface StreamPlan {
  stream: string;
  table: TableName;
  keys: string[];
  method: LoadMethod;
  merge: MergeMode;
  /** Load into a fresh table swapped in when the stream completes. */
  overwrite: boolean;
  metadata: boolean;
  columns: ColumnSpec[];
  /** The bookmark property that orders records of one key (upsert), if the tap names one. */
  bookmark?: string;
  /** stream_overrides.<stream>.partition_by, checked against the columns and keys. */
  partition?: PartitionPlan;
  /** Something the user should know (a fallback), for the log. */
  notice?: string;
  /** What the stream asks of its table on Citus (stream_overrides citus_table, distribution_column). */
  citus: CitusRequest;
}

export function planStream(config: ResolvedConfig, message: SchemaMessage, line: number): StreamPlan {
  const stream = message.stream;
  const override = config.stream_overrides?.[stream];
  const keys = override?.key_properties ?? message.key_properties;
  // local $refs followed and allOf merged, for type mapping and flattening (validation reads the schema as sent)
  const schema = resolveSchema(message.schema);
  const properties = schema.properties ?? {};
  if (config.primary_key_required && keys.length === 0) {
    throw new InputError('the stream has no key_properties and primary_key_required is set', { line, stream });
  }
  for (const k of keys) {
    if (!(k in properties)) throw new InputError(`key property "${k}" is not among the schema's properties`, { line, stream });
    if (config.flattening_enabled && config.flattening_max_depth > 0 && isFlattenableObject(properties[k])) {
      throw new InputError(
        `key property "${k}" is an object, which flattening splits into columns (${k}__…), so no primary key can be on it; key the stream on scalar properties, or set flattening_max_depth to 0 to keep "${k}" as one jsonb key column`,
        { line, stream },
      );
    }
  }
  let method: LoadMethod = override?.load_method ?? config.load_method ?? (keys.length ? 'upsert' : 'append-only');
  let notice: string | undefined;
  if ((method === 'update' || method === 'delete') && keys.length === 0) {
    throw new InputError(
      `load_method ${method} ${method === 'update' ? 'updates' : 'deletes'} rows by key, but the stream has no key_properties; set stream_overrides.${JSON.stringify(stream)}.key_properties, or use another load_method for this stream`,
      { line, stream },
    );
  }
  if ((method === 'upsert' || method === 'history') && keys.length === 0) {
    notice = `load_method ${method} needs key_properties; the stream has none, so it is loaded append-only`;
    method = 'append-only';
  }
  const merge = mergeModeFor(method, keys);
  const metadata = config.add_record_metadata || config.hard_delete || method === 'history';
  const plan = buildColumnPlan(schema, keys, {
    flatten: config.flattening_enabled,
    maxDepth: config.flattening_max_depth,
    metadata,
    nameStyle: config.name_style,
    interpretContentEncoding: config.interpret_content_encoding,
  });
  const named = tableNameFor(stream, { defaultSchema: config.default_target_schema, prefix: config.table_prefix, style: config.name_style });
  const table = { schema: override?.schema ?? named.schema, table: override?.table ?? named.table };
  const bookmarks = message.bookmark_properties ?? [];
  const bookmark = KEYED_MERGES.includes(merge) && bookmarks.length === 1 && bookmarks[0] in properties && !keys.includes(bookmarks[0]) ? bookmarks[0] : undefined;
  const partition = planPartitioning(stream, override?.partition_by, plan.columns, keys, merge);
  return {
    stream,
    table,
    keys,
    method,
    merge,
    overwrite: method === 'overwrite',
    metadata,
    columns: plan.columns,
    bookmark,
    partition,
    notice,
    citus: citusRequestFor(stream, override, keys, plan.columns),
  };
}
