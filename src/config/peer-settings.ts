import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { expandHome } from './paths.js';

/**
 * Settings peer targets document, as their users' configs and Meltano Hub pass them
 * (MeltanoLabs target-postgres, pipelinewise-target-postgres). The rule: each is honoured with
 * its meaning (translated into ours here), or refused when ignoring it would change what data
 * lands or how the connection is secured. A setting with no effect on either is accepted, with
 * a notice saying why it does nothing here.
 */
export interface PeerOutcome {
  /** Refusals, reported with every other config problem (exit 64). */
  problems: string[];
  /** For the log. */
  notices: string[];
}

type Translate = (value: unknown, out: Record<string, unknown>, input: Record<string, unknown>, outcome: PeerOutcome) => void;

const isTrue = (v: unknown) => v === true || (typeof v === 'string' && ['true', '1', 'yes', 'on'].includes(v.toLowerCase()));
const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0) || (Array.isArray(v) && v.length === 0);

/** pipelinewise's default cap on flush threads (parallelism_max). */
const PIPELINEWISE_PARALLELISM_MAX = 16;

const peers: Record<string, Translate> = {
  // pipelinewise names for our settings
  dbname: (v, out) => (out.database ??= v),
  add_metadata_columns: (v, out) => (out.add_record_metadata ??= v),
  data_flattening_max_level: (v, out) => {
    const level = Number(v);
    out.flattening_enabled ??= level > 0;
    out.flattening_max_depth ??= level;
  },
  // pipelinewise: "true" means sslmode=require (encrypted, server not verified)
  ssl: (v, out) => {
    if (!isTrue(v)) return;
    out.ssl_enable = true;
    out.ssl_mode ??= 'require';
  },
  // pipelinewise caps: the number of load connections never exceeds them
  max_parallelism: () => undefined,
  parallelism_max: () => undefined,
  flush_all_streams: (v, out) => (out.flush_all_streams ??= isTrue(v)),
  schema_mapping: (v, _out, _input, o) => {
    if (isEmpty(v)) return;
    o.problems.push('schema_mapping (pipelinewise) is not supported yet: streams would load into other schemas than mapped; use stream_overrides.<stream>.schema, or default_target_schema');
  },
  // pipelinewise: USAGE on the schemas and SELECT on the tables created, to a role or a list of them
  default_target_schema_select_permission: (v, out, _input, o) => selectPermission('default_target_schema_select_permission', v, out, o),
  default_target_schema_select_permissions: (v, out, _input, o) => selectPermission('default_target_schema_select_permissions', v, out, o),
  temp_dir: (_v, _out, _input, o) => o.notices.push('temp_dir has no effect: rows are buffered in memory (max_buffered_bytes), never in temporary files'),
  // MeltanoLabs target-postgres
  use_copy: (_v, _out, _input, o) => o.notices.push('use_copy has no effect: this target always loads through COPY'),
  process_activate_version_messages: (v, out) => {
    if (v === false || v === 'false') out.activate_version = false;
  },
  flattening_separator: (v, _out, _input, o) => {
    if (v !== undefined && v !== null && v !== '__') o.problems.push(`flattening_separator ${JSON.stringify(v)} is not supported: flattened columns are named parent__child`);
  },
  flattening_max_key_length: (v, _out, _input, o) => {
    if (typeof v === 'number' && v < 63) o.problems.push(`flattening_max_key_length ${v} is not supported: column names are cut at PostgreSQL's 63 bytes (with a hash suffix)`);
  },
  ssl_client_certificate_enable: () => undefined,
  ssl_storage_directory: () => undefined,
  // Laminar's partitioning settings apply to every table; ours is per stream
  partition_column: (v, _out, _input, o) => laminarPartitioning('partition_column', v, o),
  partition_type: (v, _out, _input, o) => laminarPartitioning('partition_type', v, o),
  create_partitions: (v, _out, _input, o) => laminarPartitioning('create_partitions', v, o),
};

/** pipelinewise's select permission (a role, or a list of roles) read as grant_select_to. */
function selectPermission(key: string, v: unknown, out: Record<string, unknown>, o: PeerOutcome): void {
  if (isEmpty(v) || v === '' || 'grant_select_to' in out) return;
  const roles = Array.isArray(v) ? v : [v];
  if (!roles.every((r) => typeof r === 'string' && r !== '')) {
    o.problems.push(`${key} must be a role name or a list of role names`);
    return;
  }
  out.grant_select_to = roles;
}

function laminarPartitioning(key: string, v: unknown, o: PeerOutcome): void {
  if (isEmpty(v) || v === '' || v === false || v === 'false') return;
  o.problems.push(
    `${key} (Laminar) is not read: tables would be created unpartitioned; partition each stream's table with stream_overrides.<stream>.partition_by ({"column": ..., "strategy": "range" | "list" | "hash", ...}) and remove ${key}`,
  );
}

/** MeltanoLabs' Hub defaults for the certificate settings: paths that usually do not exist. */
const HUB_CERTIFICATE_DEFAULTS: Record<string, string> = {
  ssl_certificate_authority: '~/.postgresql/root.crl',
  ssl_client_certificate: '~/.postgresql/postgresql.crt',
  ssl_client_private_key: '~/.postgresql/postgresql.key',
};

/** Is `key` a peer setting this module translates (rather than an unknown one)? */
export function isPeerSetting(key: string): boolean {
  return key in peers;
}

/**
 * Translates the peer settings of `input` into `out` (our settings, already copied from
 * `input`); returns refusals and notices.
 */
export function applyPeerSettings(input: Record<string, unknown>, out: Record<string, unknown>): PeerOutcome {
  const outcome: PeerOutcome = { problems: [], notices: [] };
  for (const [key, value] of Object.entries(input)) {
    if (!(key in peers) || key in out) continue;
    peers[key](value, out, input, outcome);
  }
  parallelism(input, out, outcome);
  // MeltanoLabs: client certificates only with ssl_client_certificate_enable
  if ('ssl_client_certificate_enable' in input && !isTrue(input.ssl_client_certificate_enable)) {
    delete out.ssl_client_certificate;
    delete out.ssl_client_private_key;
  }
  // the Hub's default certificate paths stand for "not set" unless the file is really there
  for (const [key, hubDefault] of Object.entries(HUB_CERTIFICATE_DEFAULTS)) {
    if (out[key] === hubDefault && !existsSync(expandHome(hubDefault))) {
      delete out[key];
      outcome.notices.push(`${key} is Meltano Hub's default path ${hubDefault}, which does not exist: left unset`);
    }
  }
  return outcome;
}

/**
 * pipelinewise's parallelism: 0 is one connection per stream (as many as streams load at once),
 * -1 one per CPU core; max_parallelism / parallelism_max cap it (default 16).
 */
function parallelism(input: Record<string, unknown>, out: Record<string, unknown>, o: PeerOutcome): void {
  const capValue = input.max_parallelism ?? input.parallelism_max;
  const cap = capValue === undefined ? undefined : Number(capValue);
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1)) {
    o.problems.push(`${'max_parallelism' in input ? 'max_parallelism' : 'parallelism_max'} (the cap on parallelism) must be an integer >= 1`);
    return;
  }
  const p = out.parallelism === undefined ? undefined : Number(out.parallelism);
  if (p === 0 || p === -1) {
    const limit = cap ?? PIPELINEWISE_PARALLELISM_MAX;
    out.parallelism = Math.max(1, Math.min(p === 0 ? limit : availableParallelism(), limit, 64));
    o.notices.push(`parallelism ${p} (pipelinewise) read as ${out.parallelism} load connections (${p === 0 ? 'one per stream loading at once' : 'one per CPU core'}, at most ${limit})`);
  } else if (cap !== undefined) {
    out.parallelism = Math.min(p ?? cap, cap);
  }
}
