import type { RouteContext } from './context.js';
import { completeOverwrite } from './overwrite-cycle.js';
import type { StreamSink } from './sinks.js';

/**
 * ACTIVATE_VERSION: after the stream's earlier records, rows of older table versions are
 * deleted (hard_delete) or marked deleted; for overwrite it ends the cycle. Under stream maps
 * it applies to every stream the input stream loads into.
 */
export function onActivateVersion(r: RouteContext, stream: string, version: number, line: number, seq: number): void {
  if (!r.config.activate_version) return;
  const names = r.outputs.get(stream);
  if (!names) {
    r.log.warn({ stream, line, version }, 'ACTIVATE_VERSION for a stream without a SCHEMA yet: nothing to do');
    return;
  }
  for (const name of names) activate(r, r.streams.get(name)!, version, line, seq);
}

function activate(r: RouteContext, sink: StreamSink, version: number, line: number, seq: number): void {
  const stream = sink.name;
  if (sink.plan.overwrite) {
    if (sink.overwrite?.records) completeOverwrite(r, sink);
    return;
  }
  if (!sink.plan.metadata) {
    r.log.warn({ stream, line }, 'ACTIVATE_VERSION ignored: it needs add_record_metadata (the _sdc_table_version column)');
    return;
  }
  r.batcher.flush(sink);
  const hard = r.config.hard_delete;
  const table = sink.table;
  r.batcher.enqueue(sink, seq, async () => {
    const n = await r.target.activateVersion(stream, table, version, hard);
    sink.stats.deleted += n;
    if (hard) r.enricher?.afterRowsRemoved(stream, table, seq);
    r.log.info({ stream, version, rows: n }, hard ? 'deleted rows of older table versions' : 'marked rows of older table versions deleted');
  });
}
