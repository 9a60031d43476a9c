import type { Sink } from '../batch/batcher.js';
import { newLane } from '../batch/load-lanes.js';
import { StreamBuffer } from '../batch/stream-buffer.js';
import type { InputError } from '../errors.js';
import type { LineItem } from '../input/line-stage.js';
import type { ColumnSpec } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import { recordMeta } from '../stream/record-metadata.js';
import { compileRowEncoder, type RowEncoder } from '../stream/row-encoder.js';
import type { RouteContext } from './context.js';
import type { StreamSink } from './sinks.js';

/** Table, in each target schema, that keeps records the target rejected (on_invalid_record: dead_letter). */
export const DEAD_LETTER_TABLE = '_sdc_rejected_records';

export const DEAD_LETTER_COLUMNS: ColumnSpec[] = [
  { name: 'stream', path: ['stream'], pgType: 'text' },
  { name: 'line', path: ['line'], pgType: 'bigint' },
  { name: 'error', path: ['error'], pgType: 'text' },
  { name: 'record', path: ['record'], pgType: 'jsonb' },
  { name: '_sdc_received_at', path: [], metadata: '_sdc_received_at', pgType: 'timestamptz' },
];

/** A target schema's dead-letter sink (it loads like any sink) and row encoder. */
export interface DeadLetters {
  sink: Sink;
  encode: RowEncoder;
}

/**
 * A record its stream's pipeline rejected: with on_invalid_record fail the error ends the run;
 * with skip it is counted and logged (the first 100); with dead_letter it is stored, with its
 * error, in the target schema's _sdc_rejected_records table.
 */
export function reject(r: RouteContext, sink: StreamSink, item: Extract<LineItem, { kind: 'invalid' }>, seq: number): void | Promise<void> {
  const error: InputError = item.error;
  if (r.config.on_invalid_record === 'fail') throw error;
  if (r.config.on_invalid_record === 'skip') {
    r.counts.skipped++;
    if (r.counts.skipped <= 100) r.log.warn({ stream: sink.name, line: item.line }, `skipped invalid record: ${error.message}`);
    return;
  }
  const add = (dl: DeadLetters) => {
    r.counts.deadLettered++;
    const row = dl.encode({ stream: sink.name, line: item.line, error: error.message, record: item.message.record }, recordMeta(item.message, r.now(), r.run.syncStartedAt), item.exact);
    r.batcher.add(dl.sink, row, seq, item.line, undefined, undefined);
  };
  const schema = sink.plan.table.schema;
  const existing = r.deadLetters.get(schema);
  if (existing) return add(existing);
  return (async () => {
    const table: TableName = { schema, table: DEAD_LETTER_TABLE };
    const sync = await r.sync({ stream: DEAD_LETTER_TABLE, table, columns: DEAD_LETTER_COLUMNS, primaryKey: [] });
    const dl: DeadLetters = {
      sink: {
        ...newLane(`${DEAD_LETTER_TABLE} (${schema})`, table),
        buffer: new StreamBuffer(),
        copyColumns: DEAD_LETTER_COLUMNS.map((c) => c.name),
        batchShape: { merge: 'append', keyColumns: [], hardDelete: false },
      },
      encode: compileRowEncoder(DEAD_LETTER_COLUMNS.map((c) => ({ ...c, actualType: sync.types.get(c.name) ?? c.pgType }))),
    };
    r.deadLetters.set(schema, dl);
    r.batcher.register(dl.sink);
    add(dl);
  })();
}
