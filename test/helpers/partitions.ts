import type { FileDatabase } from './db.js';

/** Properties of the test stream "t": a key, a date-time, a text value to list by, a value. */
export const partitionProps = { id: { type: 'integer' }, at: { type: ['string', 'null'], format: 'date-time' }, region: { type: ['string', 'null'] }, v: { type: ['string', 'null'] } };

/** Config that partitions stream "t" (extra: more of its stream_overrides). */
export const partitioned = (by: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ stream_overrides: { t: { partition_by: by, ...extra } } });

/** Catalog questions about schema.t: its partitions with their bounds (C order), its relkind, its rows per partition. */
export function partitionCatalog(db: FileDatabase) {
  return {
    partitionsOf: (schema: string, table = 't') =>
      db.query<{ name: string; bound: string }>(
        `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY c.relname COLLATE "C"`,
        [`"${schema}"."${table}"`],
      ),
    relkind: async (schema: string, table = 't') =>
      (await db.query<{ k: string }>(`SELECT c.relkind::text AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, [schema, table]))[0]?.k,
    placement: (schema: string) =>
      db.query<{ part: string; n: number }>(`SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM "${schema}".t GROUP BY 1 ORDER BY tableoid::regclass::text COLLATE "C"`),
  };
}
