import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

export interface TestDatabase {
  /** URL of this test file's own database. */
  url: string;
  /** Connection settings in target-postgres config form. */
  config: { host: string; port: number; user: string; password?: string; database: string };
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let counter = 0;

/** Creates a fresh database for one test file (files run in parallel), dropped by close(). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('databaseUrl');
  const name = `tp_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: u.toString(), max: 2 });
  // an idle client the server closes (57P01 as the file's database is dropped) errors outside any
  // query: the pool drops it, and a query's own errors still reject that query
  pool.on('error', () => undefined);
  return {
    url: u.toString(),
    config: {
      host: u.hostname,
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username || 'postgres'),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      database: name,
    },
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async close() {
      await pool.end();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => a.query(`DROP DATABASE IF EXISTS ${name}`));
      await a.end();
    },
  };
}

/** This test file's database as its tests see it; useTestDatabase() drops it after the file. */
export type FileDatabase = Omit<TestDatabase, 'close'>;

/**
 * Gives the calling test file its own database: created in beforeAll, dropped in afterAll. Call it
 * at the top of the file; the returned object is usable inside tests and hooks (not while the file
 * is being collected).
 */
export function useTestDatabase(): FileDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  const open = (): TestDatabase => {
    if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
    return db;
  };
  return {
    get url() {
      return open().url;
    },
    get config() {
      return open().config;
    },
    query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]) {
      return open().query<T>(sql, params);
    },
  };
}
