import type { Batch, LoadTarget, SyncRequest, SyncResult } from '../../src/load/batch.js';
import { tableLabel } from '../../src/load/batch.js';
import type { TableName } from '../../src/schema/names.js';
import { parseCsv } from '../unit/reference-csv.js';

export type Row = Record<string, string | null>;

/**
 * A LoadTarget that keeps tables in memory: it decodes each batch's CSV with an independent
 * reader and applies append or upsert as PostgreSQL would. Commits can be held back (`hold`),
 * and a batch can be made to fail (`failOn`), to test the router without a database.
 */
export class MemoryTarget implements LoadTarget {
  readonly tables = new Map<string, Row[]>();
  readonly events: string[] = [];
  readonly batches: Array<{ stream: string; table: string; rows: Row[]; lines: number[]; seqs: number[] }> = [];
  /** While set, loads wait for it before they commit. */
  hold: Promise<void> | undefined;
  /** Returns an error to throw for a batch (before anything of it is committed). */
  failOn: ((batch: Batch, rows: Row[]) => Error | undefined) | undefined;

  async syncTable(request: SyncRequest): Promise<SyncResult> {
    this.events.push(`sync ${tableLabel(request.table)} ${request.columns.map((c) => c.name).join(',')}`);
    if (!this.tables.has(tableLabel(request.table))) this.tables.set(tableLabel(request.table), []);
    return { columns: request.columns, types: new Map(request.columns.map((c) => [c.name, c.pgType])), created: true };
  }

  async load(batch: Batch): Promise<void> {
    const rows = parseCsv(Buffer.concat(batch.chunks).toString('utf8')).map((fields) => Object.fromEntries(batch.columns.map((c, i) => [c, fields[i]])) as Row);
    if (rows.length !== batch.rowCount) throw new Error(`batch says ${batch.rowCount} rows, holds ${rows.length}`);
    await this.hold;
    const error = this.failOn?.(batch, rows);
    if (error) throw error;
    const label = tableLabel(batch.table);
    const table = this.tables.get(label) ?? [];
    this.tables.set(label, table);
    for (const row of rows) {
      const at = batch.merge === 'upsert' ? table.findIndex((t) => batch.keyColumns.every((k) => t[k] === row[k])) : -1;
      if (at >= 0) table[at] = row;
      else table.push(row);
    }
    this.batches.push({ stream: batch.stream, table: label, rows, lines: batch.lines, seqs: batch.seqs });
    this.events.push(`load ${label} ${rows.length}`);
  }

  async activateVersion(stream: string, table: TableName, version: number, hard: boolean): Promise<number> {
    this.events.push(`activate ${tableLabel(table)} ${version} ${hard ? 'hard' : 'soft'}`);
    return 0;
  }

  async prepareOverwrite(_stream: string, live: TableName): Promise<TableName> {
    const fresh = { schema: live.schema, table: `fresh_${live.table}` };
    this.tables.set(tableLabel(fresh), []);
    this.events.push(`prepare ${tableLabel(fresh)}`);
    return fresh;
  }

  async completeOverwrite(_stream: string, live: TableName, fresh: TableName): Promise<void> {
    this.tables.set(tableLabel(live), this.tables.get(tableLabel(fresh)) ?? []);
    this.tables.delete(tableLabel(fresh));
    this.events.push(`swap ${tableLabel(fresh)} -> ${tableLabel(live)}`);
  }

  rows(table: string): Row[] {
    return this.tables.get(table) ?? [];
  }
}
