import { ConfigError, InputError } from '../errors.js';
import type { SchemaMessage } from '../protocol/messages.js';
import { mapStreams, StreamMapError, type MappedStream } from '../stream/maps/stream-maps.js';
import { compileValidator } from '../stream/validator.js';
import type { TableName } from '../schema/names.js';
import { strategyFor } from '../load/strategies/index.js';
import { performanceIndexesFor } from '../sql/performance-indexes.js';
import { planStream, type StreamPlan } from '../stream/stream-plan.js';
import type { RouteContext } from './context.js';
import { buildStreamSink, type StreamOrigin, type StreamSink } from './sinks.js';

/**
 * SCHEMA: applies the stream maps (the input stream becomes none, one or several streams),
 * then for each stream plans it, brings its table in line (create, add, widen, move the key)
 * and (re)builds its sink and record pipeline. A changed schema first drains the stream's
 * buffered and in-flight rows, which were encoded for the old table. An unchanged schema does
 * nothing.
 */
export async function onSchema(r: RouteContext, message: SchemaMessage, line: number): Promise<void> {
  const source = message.stream;
  const schemaKey = JSON.stringify([message.schema, message.key_properties, message.bookmark_properties]);
  const known = r.outputs.get(source);
  if (known && known.every((name) => r.streams.get(name)?.schemaKey === schemaKey)) return;
  const outputs = mappedStreams(r, message, line);
  if (r.config.validate_records) checkSchema(message, line);
  const plans = outputs.map((out) => ({ out, plan: planStream(r.config, out.message, line) }));
  if (!known && outputs.length === 0) r.log.info({ stream: source }, 'stream maps drop this stream: its records are not loaded');
  for (const { out, plan } of plans) {
    const existing = r.streams.get(out.stream);
    if (plan.notice && !existing) r.log.warn({ stream: out.stream }, plan.notice);
    const shape = { name: out.stream, keys: plan.keys, merge: plan.merge, method: plan.method };
    r.enricher?.check({ ...shape, columns: plan.columns });
    if (existing) {
      r.log.info({ stream: out.stream, line }, 'Schema has changed for stream; draining its buffer before evolving the table');
      r.batcher.flush(existing);
      await existing.chain;
      if (r.batcher.lanes.fatal) throw r.batcher.lanes.fatal;
    }
    const origin: StreamOrigin = { source, schema: message.schema, ...(out.map ? { map: out.map } : {}) };
    const table = existing?.overwrite ? existing.table : plan.table;
    const sink = await buildSink(r, plan, out.message, schemaKey, table, origin, existing);
    r.streams.set(out.stream, sink);
    r.batcher.register(sink);
    await r.enricher?.prepare({ ...shape, table: plan.table, columns: sink.pipeline.columns });
  }
  r.outputs.set(source, outputs.map((o) => o.stream));
  r.announce(source);
}

/** The streams the SCHEMA becomes under stream_maps; a map that cannot apply is a config error naming stream and property. */
function mappedStreams(r: RouteContext, message: SchemaMessage, line: number): MappedStream[] {
  let outputs: MappedStream[];
  try {
    outputs = mapStreams(r.config.stream_maps as Record<string, unknown> | undefined, r.config.stream_map_config, message);
  } catch (e) {
    if (e instanceof StreamMapError) throw new ConfigError(`line ${line}: ${e.message}`);
    throw e;
  }
  const names = outputs.map((o) => o.stream);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError(`line ${line}: stream maps load stream ${JSON.stringify(message.stream)} twice into stream ${JSON.stringify(twice)} (an __alias__ and a __source__ map with the same name); give one of them another name`);
  for (const out of outputs) {
    const other = [...r.outputs].find(([src, names]) => src !== message.stream && names.includes(out.stream));
    if (other) throw new ConfigError(`line ${line}: stream maps load streams ${JSON.stringify(other[0])} and ${JSON.stringify(message.stream)} both into stream ${JSON.stringify(out.stream)}; give one of them another __alias__`);
  }
  return outputs;
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
export async function buildSink(r: RouteContext, plan: StreamPlan, message: SchemaMessage, schemaKey: string, table: TableName, origin: StreamOrigin, previous?: StreamSink): Promise<StreamSink> {
  const needs = strategyFor(plan.merge).tableNeeds(plan.keys);
  // the indexes serve ACTIVATE_VERSION only: none when it is off or cannot run (no metadata columns)
  const performanceIndexes = r.config.create_performance_indexes && r.config.activate_version && plan.metadata ? performanceIndexesFor(table.table, r.config.hard_delete) : undefined;
  const sync = await r.sync({ stream: plan.stream, table, columns: plan.columns, ...needs, citus: plan.citus, partition: plan.partition, performanceIndexes });
  const sink = buildStreamSink(r.config, plan, message, schemaKey, table, sync, r.nextVersion(), r.run, r.metrics.stream(plan.stream), origin, previous);
  const p = sink.pipeline;
  r.log.debug({ stream: plan.stream, copy_format: p.spec.format ?? 'csv', transcoder: p.transcoder ? 'on' : `off (${p.transcoderOff})`, one_pass_writer: p.transcoder?.fused ? 'on' : 'off' }, 'how the stream\'s records are encoded');
  return sink;
}
