/** PostgreSQL facts the target depends on, in one place. */

/** Identifiers longer than this many bytes are truncated by the server (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/** MERGE exists from PostgreSQL 15 (server_version_num). */
export const MERGE_MIN_SERVER_VERSION = 150000;

/** The advisory lock all target-postgres processes take for DDL, so parallel streams and runs never race ("tpgddl"). */
export const DDL_LOCK_ID = 0x7470_6764_646c;

/** Takes the DDL lock until the end of the transaction. */
export const DDL_LOCK_SQL = `SELECT pg_advisory_xact_lock(${DDL_LOCK_ID})`;

export const SERVER_VERSION_SQL = 'SHOW server_version_num';

/** SQLSTATE of a unique violation (MERGE meeting a key another session inserted). */
export const UNIQUE_VIOLATION = '23505';
