import type { RouteContext } from './context.js';
import { completeOverwrite } from './overwrite-cycle.js';

/**
 * ACTIVATE_VERSION: after the stream's earlier records, rows of older table versions are
 * deleted (hard_delete) or marked deleted; for overwrite it ends the cycle.
 */
export function onActivateVersion(r: RouteContext, stream: string, version: number, line: number, seq: number): void {
  const sink = r.streams.get(stream);
  if (!r.config.activate_version) return;
  if (!sink) {
    r.log.warn({ stream, line, version }, 'ACTIVATE_VERSION for a stream without a SCHEMA yet: nothing to do');
    return;
  }
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
