import type { ResolvedConfig } from '../config/settings.js';
import { StreamBuffer } from '../batch/stream-buffer.js';
import { newLane } from '../batch/load-lanes.js';
import type { Sink } from '../batch/batcher.js';
import { KEYED_MERGES, type SyncResult } from '../load/batch.js';
import type { JsonSchema, SchemaMessage } from '../protocol/messages.js';
import type { MapSpec } from '../stream/maps/stream-maps.js';
import { columnOfProperty } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import { RecordPipeline } from '../stream/record-pipeline.js';
import { STAMPED_COLUMNS } from '../stream/record-metadata.js';
import { binaryTypeSupported } from '../stream/binary/index.js';
import type { StreamPlan } from '../stream/stream-plan.js';
import type { StreamStats } from '../metrics.js';

export interface StreamSink extends Sink {
  plan: StreamPlan;
  schemaKey: string;
  /** The last SCHEMA message, to set up the next overwrite cycle. */
  schema: SchemaMessage;
  /** The stream's numbers for METRIC lines and the summary. */
  stats: StreamStats;
  /** The stream's record pipeline; its version is bumped on every rebuild. */
  pipeline: RecordPipeline;
  /** Where the stream's records come from: the input stream, its schema as sent (records are validated against it) and the stream map. */
  origin: StreamOrigin;
  /** overwrite: the table the fresh one replaces, the sequence its states wait behind, records so far. */
  overwrite?: { live: TableName; hold: number; records: number };
}

export interface StreamOrigin {
  source: string;
  schema: JsonSchema;
  map?: MapSpec;
}

/** Run-wide values every stream's pipeline and buffer need. */
export interface RunInfo {
  sequenceBase: number;
  syncStartedAt: string;
}

/** Types the buffer's binary stamps are written in. */
const STAMP_TYPES: Record<string, readonly string[]> = {
  _sdc_sequence: ['bigint'],
  _sdc_batched_at: ['timestamp with time zone', 'timestamptz'],
};

/**
 * How a stream's rows travel in COPY: binary when the config asks for it and the table allows
 * it (every column type has a binary encoder; not partitioned, not on Citus; no embeddings,
 * which read the batch's CSV rows back), else CSV.
 */
export function copyFormatOf(
  config: ResolvedConfig,
  stream: string,
  sync: SyncResult,
  columns: ReadonlyArray<{ name: string; metadata?: string; actualType: string }>,
  stamped: ReadonlyArray<{ metadata?: string; actualType: string }>,
): 'binary' | 'csv' {
  if (config.copy_format !== 'binary' || sync.partition || sync.citus) return 'csv';
  if (config.embeddings?.tables.some((t) => t.stream === stream)) return 'csv';
  if (!stamped.every((c) => STAMP_TYPES[c.metadata!]?.includes(c.actualType.toLowerCase()))) return 'csv';
  return columns.every((c) => binaryTypeSupported(c.actualType)) ? 'binary' : 'csv';
}

/**
 * Builds (or, after a schema change, rebuilds in place) a stream's sink from its plan and the
 * synced table: the record pipeline, COPY column order, how batches merge. A rebuilt sink keeps
 * its lane (order of database work) and overwrite cycle.
 */
export function buildStreamSink(
  config: ResolvedConfig,
  plan: StreamPlan,
  message: SchemaMessage,
  schemaKey: string,
  table: TableName,
  sync: SyncResult,
  version: number,
  run: RunInfo,
  stats: StreamStats,
  origin: StreamOrigin,
  previous?: StreamSink,
): StreamSink {
  const columns = sync.columns.map((c) => ({ ...c, actualType: sync.types.get(c.name) ?? c.pgType }));
  const stamped = columns.filter((c) => c.metadata && STAMPED_COLUMNS.includes(c.metadata));
  const encoded = columns.filter((c) => !stamped.includes(c));
  const columnOf = (prop: string) => columnOfProperty(columns, prop)!;
  const binary = copyFormatOf(config, plan.stream, sync, columns, stamped) === 'binary';
  const pipeline = new RecordPipeline({
    stream: plan.stream,
    version,
    schema: origin.schema,
    keys: plan.keys,
    columns: encoded,
    validate: config.validate_records,
    sanitizeNul: config.sanitize_null_text_characters,
    keyIdentity: KEYED_MERGES.includes(plan.merge),
    bookmark: plan.bookmark,
    syncStartedAt: run.syncStartedAt,
    source: origin.source,
    ...(origin.map ? { map: origin.map } : {}),
    ...(binary ? { format: 'binary' as const } : {}),
  });
  // stamped columns lead each row, in STAMPED_COLUMNS order
  const stampOrder = STAMPED_COLUMNS.filter((m) => stamped.some((c) => c.metadata === m)).map((m) => stamped.find((c) => c.metadata === m)!.name);
  if (stampOrder.length !== 0 && stampOrder.length !== STAMPED_COLUMNS.length) throw new Error('internal: a stream has some but not all stamped metadata columns');
  const fields = {
    table,
    copyColumns: [...stampOrder, ...encoded.map((c) => c.name)],
    batchShape: {
      merge: plan.merge,
      keyColumns: plan.merge === 'append' ? [] : plan.keys.map(columnOf),
      orderColumn: plan.bookmark ? columnOf(plan.bookmark) : plan.metadata ? '_sdc_sequence' : undefined,
      dataColumns: columns.filter((c) => !c.metadata).map((c) => c.name),
      hardDelete: config.hard_delete && (plan.merge === 'upsert' || plan.merge === 'update'),
      partition: sync.partition,
      ...(binary ? { format: 'binary' as const, types: [...stampOrder.map((n) => stamped.find((c) => c.name === n)!.actualType), ...encoded.map((c) => c.actualType)] } : {}),
    },
    plan,
    schemaKey,
    schema: message,
    pipeline,
    stats,
    origin,
  };
  const buffer = () =>
    new StreamBuffer({
      ...(stampOrder.length ? { stamp: { sequenceBase: run.sequenceBase } } : {}),
      ...(binary ? { binary: { fields: fields.copyColumns.length } } : {}),
    });
  if (previous) return Object.assign(previous, fields, previous.buffer.size === 0 ? { buffer: buffer() } : {});
  return { ...newLane(plan.stream, table), buffer: buffer(), ...fields };
}
