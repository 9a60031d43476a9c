/* Generated from schemas/config.schema.json by `npm run generate`. Do not edit. */

/**
 * Settings of target-postgres. Names follow MeltanoLabs target-postgres so configs can be swapped.
 */
export interface TargetPostgresConfig {
  /**
   * Hostname of the PostgreSQL server. Falls back to PGHOST, then localhost.
   */
  host?: string;
  /**
   * Port of the PostgreSQL server. Falls back to PGPORT, then 5432.
   */
  port?: number;
  /**
   * User name to connect as. Falls back to PGUSER.
   */
  user?: string;
  /**
   * Password of the user. Falls back to PGPASSWORD.
   */
  password?: string;
  /**
   * Database to load into. Falls back to PGDATABASE.
   */
  database?: string;
  /**
   * Connection URL, e.g. postgresql+psycopg2://user:pw@host:5432/db. The driver suffix is ignored. Overrides host, port, user, password and database.
   */
  sqlalchemy_url?: string;
  /**
   * libpq connection string: a postgres:// URI or key=value pairs. Overrides host, port, user, password and database.
   */
  connection_string?: string;
  /**
   * application_name reported to the server (visible in pg_stat_activity).
   */
  application_name?: string;
  /**
   * Connect with TLS. ssl_mode decides how the server is verified.
   */
  ssl_enable?: boolean;
  /**
   * libpq sslmode when ssl_enable is true. require encrypts without verifying; verify-ca checks the chain; verify-full also checks the host name.
   */
  ssl_mode?: 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  /**
   * CA certificate(s) to verify the server: PEM text or a file path. Defaults to the system CAs.
   */
  ssl_certificate_authority?: string;
  /**
   * Client certificate for TLS client authentication: PEM text or a file path.
   */
  ssl_client_certificate?: string;
  /**
   * Private key of the client certificate: PEM text or a file path.
   */
  ssl_client_private_key?: string;
  /**
   * Passphrase of an encrypted ssl_client_private_key (Macrometa's "SSL Client Password"). A wrong or missing passphrase is a config error (exit 64) before any connection.
   */
  ssl_client_private_key_password?: string;
  /**
   * How long to wait for the server (TCP connect, TLS and startup, and the SSH tunnel's handshake) before a connection attempt fails, in seconds; 0 waits forever. Unset: the connection string's connect_timeout, else 30. A timed-out attempt is transient: it is retried (max_retries) and then exits 75.
   */
  connect_timeout_seconds?: number;
  /**
   * Connect through an SSH bastion (MeltanoLabs' ssh_tunnel): every database connection is a channel forwarded by one SSH connection to host:port, to the database host and port as the bastion sees them. The tunnel reopens when it drops (the batch in flight is retried). {"enable": true, "host": "bastion", "port": 22, "username": "tunnel", "private_key": "PEM text or a file path", "private_key_password": "…", "host_key_fingerprint": "SHA256:…"}.
   */
  ssh_tunnel?: {
    /**
     * Use the tunnel.
     */
    enable?: boolean;
    /**
     * Host name or address of the SSH bastion.
     */
    host?: string;
    /**
     * SSH port of the bastion.
     */
    port?: number;
    /**
     * User to log in to the bastion as.
     */
    username?: string;
    /**
     * Private key for the bastion: PEM or OpenSSH text, or a file path.
     */
    private_key?: string;
    /**
     * Passphrase of an encrypted private_key.
     */
    private_key_password?: string;
    /**
     * The bastion's host key fingerprint as `ssh-keygen -l` prints it (SHA256:…). Set: a bastion with another host key is refused (exit 69). Unset: the host key is logged, not checked.
     */
    host_key_fingerprint?: string;
  };
  /**
   * Schema every stream loads into. Without it, stream `a-b` loads into schema `a`, table `b`, and other streams into `public`.
   */
  default_target_schema?: string;
  /**
   * Text prepended to every table name.
   */
  table_prefix?: string;
  /**
   * How stream and property names become table and column names. preserve keeps them exactly as sent (quoted, case-sensitive), like MeltanoLabs; lower lower-cases them, like pipelinewise; snake turns camelCase and punctuation into snake_case. Names longer than 63 bytes are shortened with a stable hash suffix either way.
   */
  name_style?: 'preserve' | 'lower' | 'snake';
  /**
   * How records reach the table. Unset: upsert for streams with key_properties, append-only for streams without. append-only: every record becomes a row (duplicates kept). upsert: merge on the key, last record wins, and an older record (by the stream's bookmark property, else by arrival) never overwrites a newer one. overwrite: the run loads into a fresh table that replaces the old one atomically when the stream completes (end of input or ACTIVATE_VERSION). history: slowly changing dimension type 2, every change of a key becomes a new row with _sdc_valid_from, _sdc_valid_to and _sdc_is_current. update (Laminar): rows that exist by key take the record's values, keys without a row are ignored (never inserted), an older record never overwrites a newer row. delete (Laminar): the rows whose keys arrive are deleted. update and delete need key_properties (a stream without them is an error at its SCHEMA, exit 65). upsert and history fall back to append-only (with a warning) for streams without key_properties.
   */
  load_method?: 'append-only' | 'upsert' | 'overwrite' | 'history' | 'update' | 'delete';
  /**
   * Per-stream settings, by stream name: {"stream": {"load_method": ..., "schema": ..., "table": ..., "key_properties": [...], "partition_by": {...}, "citus_table": ..., "distribution_column": ...}}. Stream names are the mapped ones when stream_maps rename streams. schema and table name the destination exactly (no prefix or name style applied); key_properties replaces the tap's. partition_by creates the stream's new table partitioned (Laminar's partition_column / partition_type): {"column": "at", "strategy": "range", "interval": "day"|"week"|"month"|"year"}, {"column": "region", "strategy": "list"} or {"column": "id", "strategy": "hash", "modulus": 8}, each with optional "default_partition": true. column is a property of the stream (a flattened one as parent__child). Range partitions (by UTC calendar interval) and list partitions (one per value) are created as each batch needs them; hash partitions all with the table. A keyed load method (upsert, update, delete, history) needs the column among the key_properties (exit 64 otherwise). An existing table that is not partitioned is loaded as it is, with a warning. citus_table and distribution_column shape the stream's new table on Citus (see citus_distribution): citus_table distributed (hash-distributed, the default on Citus), reference (a copy on every node, for small dimension tables joined everywhere) or local (a plain table on the coordinator); distribution_column names the property to distribute on instead of the default: one of the stream's key_properties (a Citus table's primary key must include its distribution column), or, for a stream without key_properties, any top-level property. Both are honoured even when citus_distribution is off.
   */
  stream_overrides?: {
    [k: string]: {
      load_method?: 'append-only' | 'upsert' | 'overwrite' | 'history' | 'update' | 'delete';
      schema?: string;
      table?: string;
      key_properties?: string[];
      citus_table?: 'distributed' | 'reference' | 'local';
      distribution_column?: string;
      partition_by?: {
        column: string;
        strategy: 'range' | 'list' | 'hash';
        interval?: 'day' | 'week' | 'month' | 'year';
        modulus?: number;
        default_partition?: boolean;
      };
    };
  };
  /**
   * Citus (distributed PostgreSQL): whether new tables become Citus tables when the target database has the citus extension (detected once at connect). auto: a new table of a stream with key_properties is hash-distributed on its first key property, and of a stream without them on _sdc_sequence (rows spread evenly over the shards; a single-shard distributed table when there are no metadata columns); tables distributed on a column of the same name and type are co-located; the dead-letter table is a single-shard distributed table. off: new tables are plain tables on the coordinator, except streams whose stream_overrides set citus_table or distribution_column. Either way existing tables keep their layout: overwrite builds its fresh table distributed like the live one and co-located with it, and a type change of a distribution column is refused. Ignored on PostgreSQL without Citus.
   */
  citus_distribution?: 'auto' | 'off';
  /**
   * How upsert batches are merged. insert_on_conflict (default): INSERT ... ON CONFLICT, measured faster here (1M wide rows in 10k batches: 15.2 s against 22.5 s with MERGE, which joins each batch against the whole growing table). merge: one MERGE statement (PostgreSQL 15+); a MERGE that meets a key inserted concurrently by another session is retried with INSERT ... ON CONFLICT.
   */
  upsert_statement?: 'insert_on_conflict' | 'merge';
  /**
   * Delete rows instead of marking them. A record whose data has a non-null _sdc_deleted_at deletes its row by key (streams with key_properties), and ACTIVATE_VERSION deletes rows of older table versions. Off: rows are kept with _sdc_deleted_at set. Turns add_record_metadata on.
   */
  hard_delete?: boolean;
  /**
   * Handle ACTIVATE_VERSION messages: after the stream's earlier records are committed, rows whose _sdc_table_version is null or older than the activated version are marked deleted (_sdc_deleted_at, set once), or deleted with hard_delete. Needs add_record_metadata. Off: the messages are ignored.
   */
  activate_version?: boolean;
  /**
   * Index the _sdc_ columns ACTIVATE_VERSION filters on (CloudQuery's create_performance_indexes), so it no longer scans the whole table: _sdc_table_version (with hard_delete), or _sdc_table_version of the rows not yet marked deleted (without). Created once per table (an existing table gets it at its next SCHEMA; an overwrite's fresh table too), IF NOT EXISTS, named <table>__sdc_table_version_idx / _live_idx within 63 bytes. Needs add_record_metadata and activate_version (without them no index is made). Deletes by key use the primary key.
   */
  create_performance_indexes?: boolean;
  /**
   * Add the _sdc_* metadata columns (_sdc_extracted_at, _sdc_received_at, _sdc_batched_at, _sdc_deleted_at, _sdc_sequence, _sdc_table_version, _sdc_sync_started_at).
   */
  add_record_metadata?: boolean;
  /**
   * Validate every record against its stream's JSON Schema before loading; an invalid record stops the run (exit 65) after earlier records are committed.
   */
  validate_records?: boolean;
  /**
   * What a record the target rejects (fails validation, lacks a key property, holds a NUL character) does. fail: the run stops with exit 65 after committing everything before it. skip: it is logged and counted, and the run goes on. dead_letter: it is stored in the table _sdc_rejected_records of the stream's target schema (stream, line, error, raw record), committed before any later state, and the run goes on. Counts are logged at the end of the run.
   */
  on_invalid_record?: 'fail' | 'skip' | 'dead_letter';
  /**
   * Store strings declared with contentEncoding base16 as bytea (an optional 0x prefix is dropped, an odd number of hex digits gets a leading 0). Off: they are stored as text, unchanged.
   */
  interpret_content_encoding?: boolean;
  /**
   * Flatten nested objects into parent__child columns.
   */
  flattening_enabled?: boolean;
  /**
   * How many levels of nested objects to flatten when flattening_enabled is true; deeper objects and arrays stay JSON (jsonb).
   */
  flattening_max_depth?: number;
  /**
   * The Singer SDK's stream maps, applied in the target before anything is written: {"<stream>": null (drop the stream) | {"__alias__": "new_name", "__source__": "stream to copy", "__filter__": "<expr>", "__key_properties__": [...] | null, "__else__": null (keep only mapped and key properties), "__schema__": {"<property>": <JSON Schema>}, "<property>": "<expr>" | null (drop it)}}. Stream names may be fnmatch patterns; a top-level "__else__": null drops every stream no map names. Expressions are the SDK's Python subset (see README: Stream maps); "__NULL__" may stand for null. Stream names elsewhere in the config (stream_overrides) are the mapped names.
   */
  stream_maps?: {
    [k: string]: null | string | {};
  };
  /**
   * Values stream-map expressions read as config, e.g. {"hash_seed": "..."} for md5(config['hash_seed'] + email).
   */
  stream_map_config?: {};
  /**
   * The SDK's Faker settings (seed, locale). Accepted for configs shared with SDK plugins; Faker's fake data is not supported in expressions (see README: Stream maps), so a map that calls fake.* is refused when its stream's SCHEMA arrives.
   */
  faker_config?: {};
  /**
   * A stream's buffer is flushed (one transaction) when it holds this many rows. The default was picked by benchmark: 10,000 to 300,000 load a wide stream at the same speed, and smaller batches keep memory lower and state fresher.
   */
  batch_size_rows?: number;
  /**
   * A stream's buffer is flushed when its encoded rows reach this many bytes.
   */
  batch_size_bytes?: number;
  /**
   * A stream's buffer is flushed when its oldest record has waited this long, so state keeps moving on slow taps.
   */
  max_record_age_seconds?: number;
  /**
   * When one stream's buffer is full, flush every stream's buffer with it (pipelinewise's flush_all_streams): streams commit together, in more, smaller batches. Off: each stream flushes on its own.
   */
  flush_all_streams?: boolean;
  /**
   * Bound on the memory of encoded rows buffered plus in flight to the database, across all streams (the buffers they take, written or not); past it every stream is flushed and reading pauses until batches commit. The default keeps a run with 20 interleaved streams under 250 MB of RSS.
   */
  max_buffered_bytes?: number;
  /**
   * Longest input line accepted, in bytes; a longer line is an input error (exit 65) naming its line number and stream.
   */
  max_line_bytes?: number;
  /**
   * How rows travel to PostgreSQL in COPY. binary: PostgreSQL's binary format, built from each column's actual type (about half the server's CPU of CSV); a stream whose table has a column type without a binary encoder, a partitioned table, a Citus table and a stream with embeddings use CSV, and single values the binary encoders cannot prove exact (a time zone given by name, a 5-digit year, NaN) travel in a second COPY as CSV, so what is stored never depends on the format. csv: every row as CSV.
   */
  copy_format?: 'binary' | 'csv';
  /**
   * How many batches may load at once (one connection each). Batches of one stream always load in order.
   */
  parallelism?: number;
  /**
   * Worker threads that parse, validate and encode records beside the main thread. Unset: one fewer than the machine has cores (the main thread, which reads and feeds COPY, keeps one), at least 1 and at most 4. 0: everything on the main thread.
   */
  parse_workers?: number;
  /**
   * How often a batch is retried after a transient database error (connection lost, deadlock, serialization failure, too many connections, server starting or shutting down). After the last retry the run exits 75.
   */
  max_retries?: number;
  /**
   * First retry delay in milliseconds; it doubles with each retry, with random jitter.
   */
  retry_backoff_ms?: number;
  /**
   * statement_timeout of the target's sessions in milliseconds; unset or 0 keeps the server's setting. A statement that runs longer fails the run (exit 69); it is not retried.
   */
  statement_timeout_ms?: number;
  /**
   * lock_timeout of the target's sessions in milliseconds; unset or 0 keeps the server's setting. A lock wait that runs longer fails the run (exit 69); useful when other sessions may hold locks on the target tables.
   */
  lock_timeout_ms?: number;
  /**
   * Role every transaction runs as (SET LOCAL ROLE, so it holds behind PgBouncer in transaction mode too): tables and schemas the target creates are owned by it. The connecting user must be a member of it.
   */
  set_role?: string;
  /**
   * Settings applied to every transaction with set_config(name, value, true), e.g. {"app.tenant": "t1"} for row-level security policies that read current_setting('app.tenant'). TimeZone, DateStyle, role and session_authorization are refused (the target sets the first two itself; use set_role).
   */
  session_variables?: {
    [k: string]: string | number | boolean;
  };
  /**
   * Roles given USAGE on every schema the target creates or loads into and SELECT on every table it creates (tables overwrite recreates and _sdc_rejected_records included). pipelinewise's default_target_schema_select_permission(s) is read as this. PUBLIC means every role.
   */
  grant_select_to?: string[];
  /**
   * Create a missing target schema. false: a missing schema is an error naming it (exit 69) and nothing is created.
   */
  create_schemas?: boolean;
  /**
   * SQL run once before the first load, on its own connection, after connecting: a statement (or several in one string) or a list of them, each in its own transaction with set_role and session_variables. A failure ends the run before anything loads, naming the hook and the statement's index (exit 69, 75 when transient).
   */
  before_run_sql?: string | string[];
  /**
   * SQL run once after the last batch committed, only when the run succeeded (input complete, every batch committed, no signal); like before_run_sql otherwise. A failure exits 69 (75 when transient); the data and states before it stay committed.
   */
  after_run_sql?: string | string[];
  /**
   * Fail when a stream has no key_properties.
   */
  primary_key_required?: boolean;
  /**
   * Remove NUL (\u0000) characters from strings at every depth; PostgreSQL cannot store them. Off: a NUL character is an input error naming stream, line and column.
   */
  sanitize_null_text_characters?: boolean;
  /**
   * Minimum level of the log lines written to stderr.
   */
  log_level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /**
   * Embeddings: text columns of chosen streams are chunked and embedded through an OpenAI-compatible API into pgvector tables after each batch commits; state waits for them. {"openai": {"api_key", "model", "dimensions", "base_url", "max_inputs_per_request", "max_concurrent_requests", "timeout_ms", "max_retries"}, "text_splitter": {"chunk_size", "chunk_overlap"}, "tables": [{"stream", "target_table", "embed_columns", "metadata_columns"}], "column_type": "vector" | "real[]", "index": "hnsw" | "ivfflat" | "none"}. openai.api_key is a secret (falls back to OPENAI_API_KEY, never logged). openai.dimensions is required and checked against the vectors the API returns. Each embeddings table lives in its stream's schema: the stream's key columns, chunk_index, chunk, embedding, _sdc_content_hash and the metadata columns, primary key (keys, chunk_index). A row whose text is unchanged (same content hash, model, dimensions and splitter) is never sent again; a changed row's chunks are replaced in one transaction; deleted rows lose their chunks. See the README section Embeddings.
   */
  embeddings?: {
    /**
     * The OpenAI-compatible embeddings API: key, model, dimensions, base URL, request batching, concurrency and retries.
     */
    openai: {
      /**
       * API key, sent as a bearer token. Falls back to OPENAI_API_KEY. A local server (Ollama, vLLM, LM Studio) that needs none accepts any value.
       */
      api_key?: string;
      /**
       * Embedding model, e.g. text-embedding-3-small.
       */
      model: string;
      /**
       * Length of each vector; sent to the API (text-embedding-3 models shorten to it) and checked against every vector it returns.
       */
      dimensions: number;
      /**
       * Send dimensions in each request. Turn off for servers or models that reject the parameter (e.g. text-embedding-ada-002, some local servers); vectors are still checked against dimensions.
       */
      send_dimensions?: boolean;
      /**
       * Base URL of the OpenAI-compatible API (Ollama: http://localhost:11434/v1, vLLM: http://localhost:8000/v1, LM Studio: http://localhost:1234/v1).
       */
      base_url?: string;
      /**
       * How vectors travel: base64 (compact, the openai client's default) or float (JSON numbers, for servers without base64).
       */
      encoding_format?: 'base64' | 'float';
      /**
       * Most inputs (chunks) in one request.
       */
      max_inputs_per_request?: number;
      /**
       * Most tokens in one request (OpenAI caps a request at 300,000). Tokens are estimated conservatively from the text.
       */
      max_tokens_per_request?: number;
      /**
       * Most requests in flight at once, across all streams.
       */
      max_concurrent_requests?: number;
      /**
       * Time allowed for one request before it is retried.
       */
      timeout_ms?: number;
      /**
       * Retries of a request after 429, 5xx, a timeout or a lost connection, with exponential backoff that honours Retry-After.
       */
      max_retries?: number;
    };
    /**
     * The recursive character splitter: paragraphs, then lines, words and characters.
     */
    text_splitter?: {
      /**
       * Most characters in one chunk.
       */
      chunk_size?: number;
      /**
       * Characters consecutive chunks share at most; below chunk_size.
       */
      chunk_overlap?: number;
    };
    /**
     * vector: pgvector's vector(dimensions) (CREATE EXTENSION IF NOT EXISTS vector when allowed). real[]: plain float4 arrays, on any PostgreSQL, without a similarity index.
     */
    column_type?: 'vector' | 'real[]';
    /**
     * Similarity index on the embedding, cosine distance. Above 2,000 dimensions a halfvec expression index (up to 4,000).
     */
    index?: 'hnsw' | 'ivfflat' | 'none';
    /**
     * One entry per embedded stream.
     *
     * @minItems 1
     */
    tables: [
      {
        /**
         * Stream whose records are embedded; it needs key_properties.
         */
        stream: string;
        /**
         * Embeddings table, in the stream's schema.
         */
        target_table: string;
        /**
         * Properties whose non-null values, joined with a newline, are the text.
         *
         * @minItems 1
         */
        embed_columns: [string, ...string[]];
        /**
         * Properties copied beside each chunk.
         */
        metadata_columns?: string[];
      },
      ...{
        /**
         * Stream whose records are embedded; it needs key_properties.
         */
        stream: string;
        /**
         * Embeddings table, in the stream's schema.
         */
        target_table: string;
        /**
         * Properties whose non-null values, joined with a newline, are the text.
         *
         * @minItems 1
         */
        embed_columns: [string, ...string[]];
        /**
         * Properties copied beside each chunk.
         */
        metadata_columns?: string[];
      }[]
    ];
  };
  [k: string]: unknown;
}
