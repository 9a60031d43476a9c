import type { TableName } from '../schema/names.js';
import type { RouteContext } from './context.js';
import { buildSink } from './schema-change.js';
import type { StreamSink } from './sinks.js';

/**
 * load_method overwrite: the first record of a cycle starts it: batches go to a fresh table
 * and states from that record on wait until the fresh table is swapped in. A new cycle waits
 * for the previous one's swap (ACTIVATE_VERSION, then more records), which renames the fresh
 * table it would otherwise drop.
 */
export async function startOverwrite(r: RouteContext, sink: StreamSink, seq: number): Promise<void> {
  const live = sink.plan.table;
  // a previous cycle's last batches and swap use the same fresh table name: they go first
  await sink.chain;
  if (r.batcher.lanes.fatal) throw r.batcher.lanes.fatal;
  let fresh: TableName;
  try {
    fresh = await r.target.prepareOverwrite(sink.name, live);
  } catch (e) {
    throw r.batcher.lanes.fail(e as Error);
  }
  const next = await buildSink(r, sink.plan, sink.schema, sink.schemaKey, fresh, sink.origin, sink);
  next.overwrite = { live, hold: seq, records: 0 };
  next.holds.push(seq);
  r.streams.set(sink.name, next);
  r.announce(next.origin.source);
}

/** Ends a cycle (ACTIVATE_VERSION, end of input): the fresh table replaces the live one after the stream's earlier batches. */
export function completeOverwrite(r: RouteContext, sink: StreamSink): void {
  const cycle = sink.overwrite;
  if (!cycle) return;
  r.batcher.flush(sink);
  const fresh = sink.table;
  const after = () => {
    sink.holds.splice(sink.holds.indexOf(cycle.hold), 1);
    r.releaseStates();
  };
  if (cycle.records === 0) {
    r.log.warn({ stream: sink.name }, 'overwrite: the stream sent no records in this cycle, so its table is kept as it was');
    sink.chain = sink.chain.then(after);
  } else {
    r.batcher.enqueue(sink, cycle.hold, async () => {
      // embeddings still reading the fresh table finish before it is renamed; then rows gone lose their chunks
      await r.enricher?.idle(sink.name);
      if (r.batcher.lanes.fatal) throw r.batcher.lanes.fatal;
      await r.target.completeOverwrite(sink.name, cycle.live, fresh);
      r.enricher?.afterRowsRemoved(sink.name, cycle.live, cycle.hold);
      after();
    });
  }
  // the next records start a new cycle with a fresh table
  sink.overwrite = undefined;
  sink.table = cycle.live;
}
