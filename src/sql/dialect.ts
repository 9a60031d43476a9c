/** PostgreSQL facts the target depends on, in one place. */

/** Identifiers longer than this many bytes are truncated by the server (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/** MERGE exists from PostgreSQL 15 (server_version_num). */
export const MERGE_MIN_SERVER_VERSION = 150000;

/** The advisory lock all target-postgres processes take for DDL, so parallel streams and runs never race ("tpgddl"). */
export const DDL_LOCK_ID = 0x7470_6764_646c;

/** Takes the DDL lock until the end of the transaction. */
export const DDL_LOCK_SQL = `SELECT pg_advisory_xact_lock(${DDL_LOCK_ID})`;

/**
 * What connect() learns in its one round trip: server_version_num, and the version of the citus
 * extension when the database has it (null otherwise).
 */
export const SERVER_FACTS_SQL = `SELECT current_setting('server_version_num') AS server_version_num, (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS citus_version`;

/** Citus has distributed tables without a distribution column (single-shard tables) from 12.0. */
export const CITUS_SINGLE_SHARD_MIN_MAJOR = 12;

/**
 * Citus (13.2 at least) cannot MERGE into a Citus table from a plain PostgreSQL table, which the
 * session's temporary staging table is ("MERGE INTO an distributed table from Postgres table is
 * not yet supported"; reference tables cannot be MERGE targets at all): upserts into Citus
 * tables use INSERT ... ON CONFLICT, which Citus runs on the workers.
 */
export const CITUS_MERGE_UNSUPPORTED = /MERGE INTO an? \w+ table from Postgres table is not (yet )?supported|table as target is not allowed in MERGE/i;

/** Citus's refusal of a row without a distribution column value ("the partition column of table t cannot be NULL", SQLSTATE 22004). */
export const CITUS_NULL_DISTRIBUTION_VALUE = /the partition column of table .* cannot be NULL/;

/** SQLSTATE of a unique violation (MERGE meeting a key another session inserted, or a direct COPY meeting an existing key). */
export const UNIQUE_VIOLATION = '23505';
