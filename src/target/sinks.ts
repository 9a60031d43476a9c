import type { ResolvedConfig } from '../config/settings.js';
import type { Batch } from '../load/loader.js';
import type { SyncResult } from '../load/table-sync.js';
import type { SchemaMessage } from '../protocol/messages.js';
import type { TableName } from '../schema/names.js';
import { propertyReader } from '../stream/row-encoder.js';
import { StreamEncoder } from '../stream/stream-encoder.js';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE } from './dead-letter.js';
import { newLane, type Lane } from './load-queue.js';
import { StreamBuffer } from './stream-buffer.js';
import type { StreamPlan } from './stream-plan.js';
import type { EncoderSpec } from './worker-protocol.js';

/** A sink: where one stream's (or one dead-letter table's) rows wait for their flush. */
export interface Sink extends Lane {
  buffer: StreamBuffer;
  batchedAt: string;
  copyColumns: string[];
  batchShape: Pick<Batch, 'merge' | 'keyColumns' | 'orderColumn' | 'dataColumns' | 'hardDelete'>;
}

export interface StreamSink extends Sink {
  plan: StreamPlan;
  /** Bumped on every rebuild; encode workers tag their rows with the version they used. */
  version: number;
  schemaKey: string;
  /** The last SCHEMA message, to set up the next overwrite cycle. */
  schema: SchemaMessage;
  encoder: StreamEncoder;
  readOrder?: (record: Record<string, unknown>) => unknown;
  /** overwrite: the table the fresh one replaces, the line its states wait behind, records so far. */
  overwrite?: { live: TableName; hold: number; records: number };
}

/**
 * Builds (or, after a schema change, rebuilds in place) a stream's sink from its plan and the
 * synced table: column order, encoder, how batches merge. A rebuilt sink keeps its lane (order
 * of database work), buffer and overwrite cycle.
 */
export function buildStreamSink(
  config: ResolvedConfig,
  plan: StreamPlan,
  message: SchemaMessage,
  schemaKey: string,
  table: TableName,
  sync: SyncResult,
  version: number,
  nowIso: string,
  previous?: StreamSink,
): StreamSink {
  const columns = sync.columns.map((c) => ({ ...c, actualType: sync.types.get(c.name) ?? c.pgType }));
  const columnOf = (prop: string) => columns.find((c) => c.path.length === 1 && c.path[0] === prop)!.name;
  const encoder = new StreamEncoder(plan.stream, message.schema, plan.keys, columns, {
    validate: config.validate_records,
    sanitizeNul: config.sanitize_null_text_characters,
    keyIdentity: plan.merge === 'upsert',
  });
  const fields = {
    table,
    batchedAt: nowIso,
    copyColumns: columns.map((c) => c.name),
    batchShape: {
      merge: plan.merge,
      keyColumns: plan.merge === 'append' ? [] : plan.keys.map(columnOf),
      orderColumn: plan.bookmark ? columnOf(plan.bookmark) : plan.metadata ? '_sdc_sequence' : undefined,
      dataColumns: columns.filter((c) => !c.metadata).map((c) => c.name),
      hardDelete: config.hard_delete && plan.merge === 'upsert',
    },
    plan,
    version,
    schemaKey,
    schema: message,
    encoder,
    readOrder: plan.bookmark ? propertyReader(plan.bookmark) : undefined,
  };
  if (previous) return Object.assign(previous, fields);
  return { ...newLane(plan.stream, table), buffer: new StreamBuffer(), ...fields };
}

/** The sink of a target schema's _sdc_rejected_records table. */
export function buildDeadLetterSink(table: TableName, nowIso: string): Sink {
  return {
    ...newLane(`${DEAD_LETTER_TABLE} (${table.schema})`, table),
    buffer: new StreamBuffer(),
    batchedAt: nowIso,
    copyColumns: DEAD_LETTER_COLUMNS.map((c) => c.name),
    batchShape: { merge: 'append', keyColumns: [], hardDelete: false },
  };
}

/** What an encode worker needs to encode the stream's records as the main thread would. */
export function encoderSpecOf(sink: StreamSink, config: ResolvedConfig): EncoderSpec {
  return {
    stream: sink.name,
    version: sink.version,
    schema: sink.schema.schema,
    keys: sink.plan.keys,
    columns: sink.encoder.columns.map((c) => ({ ...c })),
    validate: config.validate_records,
    sanitizeNul: config.sanitize_null_text_characters,
    keyIdentity: sink.plan.merge === 'upsert',
    bookmark: sink.plan.bookmark,
  };
}
