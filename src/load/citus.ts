import type { PoolClient } from 'pg';
import { ConfigError, InputError, describe } from '../errors.js';
import type { Logger } from '../log.js';
import type { ColumnSpec } from '../schema/columns.js';
import type { TableName } from '../schema/names.js';
import { COLOCATION_PEER_SQL, TABLE_PLACEMENT_SQL, buildCreateDistributedTableSql, buildCreateReferenceTableSql } from '../sql/citus.js';
import { CITUS_SINGLE_SHARD_MIN_MAJOR } from '../sql/dialect.js';
import { qualified } from '../sql/quote.js';
import { tableLabel, type SyncRequest } from './batch.js';
import {
  describePlacement,
  keyChangeProblem,
  placementForNewTable,
  placementFromCatalog,
  samePlacement,
  typeChangeProblem,
  type CitusMode,
  type Placement,
  type PlacementRow,
} from './citus-placement.js';

/** The changes an existing Citus table cannot take, refused with a clear error (exit 65). */
export interface CitusGuard {
  readonly placement: Placement;
  /** Throws when the column is the distribution column. */
  refuseTypeChange(column: string, from: string, to: string, why: string): void;
  /** Throws when the key leaves out the distribution column. */
  refuseKeyChange(keyColumns: readonly string[]): void;
}

export interface CitusOptions {
  /** citus_distribution. */
  mode: CitusMode;
  /** upsert_statement is merge (which Citus tables cannot take from the staging table). */
  mergeRequested: boolean;
}

/**
 * The Citus coordinator the loader is connected to, made once by connect() when the database
 * has the citus extension; on plain PostgreSQL there is none and nothing here runs. Called at
 * SCHEMA time (table sync, overwrite) and on the rare widening of a column, never per record.
 */
export class Citus {
  private readonly singleShard: boolean;
  /** Citus tables of this run, by label: their upserts use INSERT ... ON CONFLICT, never MERGE. */
  private readonly citusTables = new Set<string>();
  /** The reference tables among them (their hard deletes take the keys from a subquery). */
  private readonly referenceTables = new Set<string>();
  private mergeNoticeGiven = false;

  constructor(
    readonly version: string,
    private readonly options: CitusOptions,
    private readonly log: Logger,
  ) {
    this.singleShard = Number.parseInt(version, 10) >= CITUS_SINGLE_SHARD_MIN_MAJOR;
  }

  /** How a table lives on the cluster now. */
  async placementOf(client: PoolClient, table: TableName): Promise<Placement> {
    const r = await client.query<PlacementRow>(TABLE_PLACEMENT_SQL, [qualified(table.schema, table.table)]);
    return placementFromCatalog(r.rows[0]);
  }

  /** A table the sync just created (empty, in the sync's transaction) becomes what its stream asks. */
  async placeNewTable(client: PoolClient, request: SyncRequest, columns: readonly ColumnSpec[]): Promise<Placement> {
    const p = placementForNewTable(this.options.mode, this.singleShard, request.citus, columns);
    refuseHistoryOnReference(p, request, 'the stream asks for one (citus_table: reference)');
    const colocateWith = await this.apply(client, request.table, p);
    this.note(request.table, p);
    if (p.kind !== 'local') this.log.info({ stream: request.stream, table: tableLabel(request.table), citus: describePlacement(p), colocateWith }, 'made the new table a Citus table');
    return p;
  }

  /** An existing table keeps its layout; the user is told when the config would lay out a new one differently. */
  async existingTable(client: PoolClient, request: SyncRequest, columns: readonly ColumnSpec[]): Promise<CitusGuard> {
    const p = await this.placementOf(client, request.table);
    refuseHistoryOnReference(p, request, `table ${tableLabel(request.table)} is one`);
    this.note(request.table, p);
    const wanted = placementForNewTable(this.options.mode, this.singleShard, request.citus, columns);
    if (!samePlacement(p, wanted)) {
      this.log.warn(
        { stream: request.stream, table: tableLabel(request.table), is: describePlacement(p), config: describePlacement(wanted) },
        `table ${tableLabel(request.table)} is ${describePlacement(p)}, not ${describePlacement(wanted)} as the config makes new tables; the target never changes an existing table's layout (see "Scaling out" in the README)`,
      );
    }
    return this.guard(p, request.stream, request.table);
  }

  /** The guard of a table whose placement is known. */
  guard(placement: Placement, stream: string, table: TableName): CitusGuard {
    const label = tableLabel(table);
    return {
      placement,
      refuseTypeChange(column, from, to, why) {
        const problem = typeChangeProblem(placement, label, column, from, to, why);
        if (problem) throw new InputError(problem, { stream });
      },
      refuseKeyChange(keyColumns) {
        const problem = keyChangeProblem(placement, label, keyColumns);
        if (problem) throw new InputError(problem, { stream });
      },
    };
  }

  /** The fresh table of an overwrite (created LIKE the live one) is laid out like the live table and co-located with it. */
  async placeLike(client: PoolClient, fresh: TableName, live: TableName): Promise<void> {
    const p = await this.placementOf(client, live);
    await this.apply(client, fresh, p, live);
    this.note(fresh, p);
  }

  /** Whether the table is a Citus reference table. */
  isReference(table: TableName): boolean {
    return this.referenceTables.has(tableLabel(table));
  }

  /** Whether upserts into this table may use MERGE (not into a Citus table). */
  mergeAllowed(table: TableName): boolean {
    return !this.citusTables.has(tableLabel(table));
  }

  /** A MERGE into this table was refused by Citus: INSERT ... ON CONFLICT from now on. */
  mergeRefused(table: TableName): void {
    this.citusTables.add(tableLabel(table));
  }

  /** Makes `table` what `p` says (it is a plain table now); returns the table it was co-located with, if one. */
  private async apply(client: PoolClient, table: TableName, p: Placement, like?: TableName): Promise<string | undefined> {
    if (p.kind === 'reference') {
      await client.query(buildCreateReferenceTableSql(table.schema, table.table));
    } else if (p.kind === 'single-shard') {
      // a group of its own, so such tables spread over the workers; an overwrite's stays with its live table
      await client.query(buildCreateDistributedTableSql(table.schema, table.table, null, like ? qualified(like.schema, like.table) : 'none'));
    } else if (p.kind === 'hash') {
      const peer = like ? qualified(like.schema, like.table) : await this.colocationPeer(client, table, p);
      await client.query(buildCreateDistributedTableSql(table.schema, table.table, p.column, peer ?? 'default'));
      return peer;
    }
    return undefined;
  }

  /** The table a new table distributed on `p.column` is co-located with: one distributed on a column of that name and type. */
  private async colocationPeer(client: PoolClient, table: TableName, p: Extract<Placement, { kind: 'hash' }>): Promise<string | undefined> {
    const r = await client.query<{ relation: string; same_type: boolean; type: string }>(COLOCATION_PEER_SQL, [p.column, p.type, qualified(table.schema, table.table)]);
    const peer = r.rows[0];
    if (peer && !peer.same_type) {
      this.log.warn(
        { table: tableLabel(table), column: p.column, type: p.type, other: peer.relation, otherType: peer.type },
        `table ${tableLabel(table)} is not co-located with ${peer.relation}: both are distributed on ${JSON.stringify(p.column)}, but as ${p.type} and ${peer.type}, and Citus co-locates only equal types; give the property the same JSON Schema type in both streams`,
      );
    }
    return peer?.same_type ? peer.relation : undefined;
  }

  private note(table: TableName, p: Placement): void {
    if (p.kind === 'local' || p.kind === 'citus-local') return;
    this.citusTables.add(tableLabel(table));
    if (p.kind === 'reference') this.referenceTables.add(tableLabel(table));
    if (this.options.mergeRequested && !this.mergeNoticeGiven) {
      this.mergeNoticeGiven = true;
      this.log.info({ table: tableLabel(table) }, 'upsert_statement merge: Citus cannot MERGE into its tables from the staging table, so upserts into Citus tables use INSERT ... ON CONFLICT');
    }
  }
}

/**
 * load_method history closes versions with UPDATE ... FROM the staging rows, which Citus cannot
 * run on a reference table ("relation ... is not distributed"): refused before anything loads.
 */
function refuseHistoryOnReference(p: Placement, request: SyncRequest, why: string): void {
  if (p.kind !== 'reference' || !request.currentKey?.length) return;
  throw new ConfigError(
    describe(
      `load_method history cannot load into a Citus reference table, and ${why}: Citus cannot update a reference table from the staging table; give the stream a distributed table (the default; drop citus_table: reference, or the table to recreate it) or another load method`,
      { stream: request.stream },
    ),
  );
}
