import { InputError } from '../errors.js';
import type { SchemaMessage } from '../protocol/messages.js';
import { compileValidator } from '../stream/validator.js';
import type { TableName } from '../schema/names.js';
import { strategyFor } from '../load/strategies/index.js';
import { planStream, type StreamPlan } from '../stream/stream-plan.js';
import type { RouteContext } from './context.js';
import { buildStreamSink, type StreamSink } from './sinks.js';

/**
 * SCHEMA: plans the stream, brings its table in line (create, add, widen, move the key) and
 * (re)builds its sink and record pipeline. A changed schema first drains the stream's buffered
 * and in-flight rows, which were encoded for the old table. An unchanged schema does nothing.
 */
export async function onSchema(r: RouteContext, message: SchemaMessage, line: number): Promise<void> {
  const stream = message.stream;
  const schemaKey = JSON.stringify([message.schema, message.key_properties, message.bookmark_properties]);
  const existing = r.streams.get(stream);
  if (existing && existing.schemaKey === schemaKey) return;
  const plan = planStream(r.config, message, line);
  if (r.config.validate_records) checkSchema(message, line);
  if (plan.notice && !existing) r.log.warn({ stream }, plan.notice);
  const shape = { name: stream, keys: plan.keys, merge: plan.merge, method: plan.method };
  r.enricher?.check({ ...shape, columns: plan.columns });
  if (existing) {
    r.log.info({ stream, line }, 'Schema has changed for stream; draining its buffer before evolving the table');
    r.batcher.flush(existing);
    await existing.chain;
    if (r.batcher.lanes.fatal) throw r.batcher.lanes.fatal;
  }
  const table = existing?.overwrite ? existing.table : plan.table;
  const sink = await buildSink(r, plan, message, schemaKey, table, existing);
  r.streams.set(stream, sink);
  r.batcher.register(sink);
  await r.enricher?.prepare({ ...shape, table: plan.table, columns: sink.pipeline.columns });
  r.announce(sink);
}

/** A schema its records cannot be validated against is an input error now, before any table is made (exit 65, never 70). */
function checkSchema(message: SchemaMessage, line: number): void {
  try {
    compileValidator(message.schema);
  } catch (e) {
    throw new InputError(`the stream's JSON Schema cannot be used to validate records: ${(e as Error).message.split('\n')[0]}`, { line, stream: message.stream });
  }
}

/** Syncs the table with the plan and the load strategy's needs, then (re)builds the stream's sink. */
export async function buildSink(r: RouteContext, plan: StreamPlan, message: SchemaMessage, schemaKey: string, table: TableName, previous?: StreamSink): Promise<StreamSink> {
  const needs = strategyFor(plan.merge).tableNeeds(plan.keys);
  const sync = await r.sync({ stream: plan.stream, table, columns: plan.columns, ...needs });
  return buildStreamSink(r.config, plan, message, schemaKey, table, sync, r.nextVersion(), r.run, r.metrics.stream(plan.stream), previous);
}
