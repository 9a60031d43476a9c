import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';

/**
 * The Citus cluster of the Citus tests: CITUS_DATABASE_URL names its coordinator (.ci/run starts
 * one with ../shared/scripts/citus-cluster.sh). Citus needs its extension and the workers
 * registered in every database, so the tests share the cluster's database and each test file
 * works in schemas of its own (prefix `tpc_<pid>_`), dropped after the file.
 */
export const CITUS_URL = process.env.CITUS_DATABASE_URL;

/** describe(), or describe.skip() with the reason in the name when no cluster is configured. */
export function describeCitus(name: string, body: () => void): void {
  if (CITUS_URL) describe(name, body);
  else describe.skip(`${name} (skipped: CITUS_DATABASE_URL is not set; start a cluster with ../shared/scripts/citus-cluster.sh start 9700)`, body);
}

export interface Layout {
  /** h: hash-distributed; n: reference or single-shard (see repmodel); undefined: not a Citus table. */
  method?: string;
  repmodel?: string;
  column?: string | null;
  colocation?: number;
}

export interface CitusCluster {
  /** Connection settings in target-postgres config form. */
  config: { host: string; port: number; user: string; database: string; password?: string };
  /** A schema name of this file's own (dropped after the file). */
  schema(name: string): string;
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The table's row of pg_dist_partition. */
  layout(schema: string, table: string): Promise<Layout>;
  /** Ports of the nodes holding the table's shards, sorted. */
  shardPorts(schema: string, table: string): Promise<number[]>;
  /** Ports of the workers (nodes that take shards), sorted. */
  workerPorts(): Promise<number[]>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The cluster for one test file: a pool opened before its tests, its schemas dropped after them. */
export function useCitusCluster(): CitusCluster {
  let pool: pg.Pool | undefined;
  const prefix = `tpc_${process.pid}_`;
  const url = new URL(CITUS_URL ?? 'postgres://postgres@127.0.0.1:9700/postgres');
  beforeAll(() => {
    if (CITUS_URL) {
      pool = new pg.Pool({ connectionString: CITUS_URL, max: 2 });
      pool.on('error', () => undefined);
    }
  });
  afterAll(async () => {
    if (!pool) return;
    const schemas = await pool.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
    for (const s of schemas.rows) await pool.query(`DROP SCHEMA ${ident(s.nspname)} CASCADE`);
    await pool.end();
  });
  const query = async <T extends pg.QueryResultRow>(sql: string, params?: unknown[]) => {
    if (!pool) throw new Error('useCitusCluster(): the cluster is reachable only inside tests');
    return (await pool.query<T>(sql, params)).rows;
  };
  const rel = (schema: string, table: string) => `${ident(schema)}.${ident(table)}`;
  return {
    config: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username || 'postgres'),
      database: decodeURIComponent(url.pathname.slice(1) || 'postgres'),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    },
    schema: (name) => `${prefix}${name}`,
    query,
    async layout(schema, table) {
      const rows = await query<{ partmethod: string; repmodel: string; column: string | null; colocationid: number }>(
        `SELECT partmethod, repmodel, CASE WHEN partkey IS NOT NULL THEN column_to_column_name(logicalrelid, partkey) END AS column, colocationid::int AS colocationid
         FROM pg_dist_partition WHERE logicalrelid = to_regclass($1)`,
        [rel(schema, table)],
      );
      const r = rows[0];
      return r ? { method: r.partmethod, repmodel: r.repmodel, column: r.column, colocation: r.colocationid } : {};
    },
    async shardPorts(schema, table) {
      const rows = await query<{ nodeport: number }>('SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = to_regclass($1) ORDER BY 1', [rel(schema, table)]);
      return rows.map((r) => r.nodeport);
    },
    async workerPorts() {
      const rows = await query<{ nodeport: number }>("SELECT nodeport FROM pg_dist_node WHERE shouldhaveshards AND noderole = 'primary' AND isactive ORDER BY 1");
      return rows.map((r) => r.nodeport);
    },
  };
}
