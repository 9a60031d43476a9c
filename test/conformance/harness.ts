/**
 * Running the built CLI on conformance fixtures and reading back what it left in PostgreSQL.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { useTestDatabase, type FileDatabase } from '../helpers/db.js';
import { runTarget, type RunResult } from '../helpers/run-target.js';
import { fixturePath, sortRows, type Peer, type Row } from './fixtures.js';

export type Config = Record<string, unknown>;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface Conformance {
  db: FileDatabase;
  /** A fresh schema name for one test (tests never share tables). */
  schema(label: string): string;
  /** Runs the built CLI with `--input <fixture>`. */
  run(peer: Peer, file: string, config: Config): Promise<RunResult>;
  /** Every row as JSON (to_jsonb, session time zone UTC), `_sdc*` columns removed, sorted by `by`. */
  rows(schema: string, table: string, by: string[]): Promise<Row[]>;
  /** Like rows() but keeps the `_sdc*` columns. */
  rawRows(schema: string, table: string, by: string[]): Promise<Row[]>;
  count(schema: string, table: string, where?: string): Promise<number>;
  /** Column name → format_type(), in column order. */
  columnTypes(schema: string, table: string): Promise<Record<string, string>>;
  tableExists(schema: string, table: string): Promise<boolean>;
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Gives the calling test file its own database (useTestDatabase) and a connection pool with the
 * session time zone UTC; both are closed after the file. Call it at the top of the file; the
 * returned object is usable inside tests and hooks.
 */
export function useConformance(): Conformance {
  const db = useTestDatabase();
  let pool: pg.Pool | undefined;
  // Before-hooks run in registration order and after-hooks in reverse (vitest's default
  // sequence.hooks 'stack'): the pool opens after the database exists and ends before it is dropped.
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: db.url, options: '-c TimeZone=UTC -c DateStyle=ISO', max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
  });
  let n = 0;
  const query = async <T extends Row = Row>(sql: string, params?: unknown[]) => {
    if (!pool) throw new Error('useConformance(): the database exists only inside tests and hooks');
    return (await pool.query<T>(sql, params)).rows;
  };
  const jsonRows = async (schema: string, table: string) =>
    (await query<{ r: Row }>(`SELECT to_jsonb(t) AS r FROM ${quote(schema)}.${quote(table)} AS t`)).map((x) => x.r);
  return {
    db,
    schema(label) {
      const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
      return `${slug}_${++n}`;
    },
    run(peer, file, config) {
      return runTarget({ config, inputFile: fixturePath(peer, file), timeoutMs: 55_000 });
    },
    async rows(schema, table, by) {
      const rows = (await jsonRows(schema, table)).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_sdc'))));
      return sortRows(rows, by);
    },
    async rawRows(schema, table, by) {
      return sortRows(await jsonRows(schema, table), by);
    },
    async count(schema, table, where) {
      const r = await query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(schema)}.${quote(table)}${where ? ` WHERE ${where}` : ''}`);
      return Number(r[0].n);
    },
    async columnTypes(schema, table) {
      const r = await query<{ name: string; type: string }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace s ON s.oid = c.relnamespace
          WHERE s.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
        [schema, table],
      );
      return Object.fromEntries(r.map((x) => [x.name, x.type]));
    },
    async tableExists(schema, table) {
      const r = await query(
        `SELECT 1 FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
        [schema, table],
      );
      return r.length === 1;
    },
    query,
  };
}

export const q = quote;

/**
 * MeltanoLabs test conventions (conformance README): a schema of our own, record metadata on,
 * hard_delete off, activate_version on, names kept verbatim. Used for the sdk/ files too, since
 * MeltanoLabs runs the SDK suite with them.
 */
export function meltanoConfig(c: Conformance, schema: string, extra: Config = {}): Config {
  return { ...c.db.config, default_target_schema: schema, add_record_metadata: true, hard_delete: false, activate_version: true, ...extra };
}

/**
 * pipelinewise behaviour: pipelinewise key names (`dbname`), lower-cased names, no record
 * validation, ACTIVATE_VERSION ignored (pipelinewise ignores it; deletes come from
 * `_sdc_deleted_at` in the data), metadata columns only with add_metadata_columns or hard_delete.
 * Without a schema, `<db>-<table>` loads into schema `<db>`.
 */
export function pipelinewiseConfig(c: Conformance, schema: string | undefined, extra: Config = {}): Config {
  const { database, ...connection } = c.db.config;
  const metadata = 'add_metadata_columns' in extra || 'add_record_metadata' in extra || extra.hard_delete === true;
  return {
    ...connection,
    dbname: database,
    ...(schema === undefined ? {} : { default_target_schema: schema }),
    name_style: 'lower',
    validate_records: false,
    activate_version: false,
    ...(metadata ? {} : { add_record_metadata: false }),
    ...extra,
  };
}

/** Exit 0, with stderr shown when it is not. */
export function expectSuccess(r: RunResult): void {
  expect(r.code, `target failed:\n${r.stderr.slice(-4000)}`).toBe(0);
}

/** The table's columns, less the `_sdc*` ones, are exactly these properties (in any order). */
export async function expectDataColumns(c: Conformance, schema: string, table: string, properties: string[]): Promise<void> {
  const columns = Object.keys(await c.columnTypes(schema, table)).filter((n) => !n.startsWith('_sdc'));
  expect(columns.sort()).toEqual([...properties].sort());
}

/** A failed run with the given exit code, with stderr shown when it differs. */
export function expectExit(r: RunResult, code: number): void {
  expect(r.code, `expected exit ${code}; stderr:\n${r.stderr.slice(-4000)}`).toBe(code);
}
