// Scenarios that load into a Citus cluster: BENCH_CITUS_URL names its coordinator.
import { countRows, psql, verifyCount } from './db.mjs';
import { runTarget } from './run-target.mjs';

export const CITUS_URL = process.env.BENCH_CITUS_URL;

/** The nodes that hold shards, for the report ("2 workers"). */
export function citusWorkers(url = CITUS_URL) {
  return Number(psql(url, "SELECT count(*) FROM pg_dist_node WHERE shouldhaveshards AND noderole = 'primary' AND isactive"));
}

/** A wide-workload scenario run against the Citus coordinator instead of the single server. */
/** `compare`: the single-server scenario doing the same load. */
export function citusScenario({ id, label, schema, settings, compare }) {
  return {
    id,
    label,
    schema,
    databaseUrl: CITUS_URL,
    skip: CITUS_URL ? undefined : 'BENCH_CITUS_URL is not set (a Citus coordinator, e.g. from ../shared/scripts/citus-cluster.sh start 9700)',
    input: (files) => files.wideSinger,
    async run(ctx) {
      const m = await runTarget({ ...ctx, databaseUrl: CITUS_URL }, { id, schema, input: ctx.files.wideSinger, settings });
      verifyCount(id, countRows(CITUS_URL, schema, 'events'), ctx.rows);
      const layout = psql(CITUS_URL, `SELECT partmethod::text || ':' || column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition WHERE logicalrelid = '"${schema}".events'::regclass`);
      if (!layout.startsWith('h:')) throw new Error(`${id}: ${schema}.events is not hash-distributed (pg_dist_partition: ${layout || 'no row'})`);
      m.note = `distributed on ${layout.slice(2)} over ${citusWorkers()} workers; ${compare} is the same load into the single server`;
      return m;
    },
  };
}
