import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { ConfigError } from '../errors.js';
import { checkStreamMaps } from '../stream/maps/stream-maps.js';
import { accessProblems } from './access-settings.js';
import { applyPeerSettings, isPeerSetting } from './peer-settings.js';
import { configSchema, type ResolvedConfig } from './settings.js';

const Ajv = AjvModule.default ?? AjvModule;

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Notices for the log: aliases used, unknown keys. */
  notices: string[];
}

/** The setting an alias stands for, for reading its environment variable with the right type. */
const aliasTarget: Record<string, string> = {
  dbname: 'database',
  add_metadata_columns: 'add_record_metadata',
  max_parallelism: 'parallelism',
  data_flattening_max_level: 'flattening_max_depth',
};

/** Reads `TARGET_POSTGRES_<KEY>` variables for every known setting and alias. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = [...Object.keys(configSchema().properties), ...Object.keys(aliasTarget)];
  for (const key of keys) {
    const raw = env[`TARGET_POSTGRES_${key.toUpperCase()}`];
    if (raw === undefined) continue;
    const type = configSchema().properties[aliasTarget[key] ?? key]?.type;
    if (type === 'string' || (type === undefined && !/^[[{\d"tfn-]/.test(raw))) {
      out[key] = raw;
      continue;
    }
    try {
      out[key] = JSON.parse(raw);
    } catch {
      out[key] = raw; // let validation report the wrong type
    }
  }
  return out;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Merges config sources (files, or `ENV` for environment variables; later ones win),
 * resolves aliases, applies defaults and validates against schemas/config.schema.json.
 * Every problem is reported in one ConfigError.
 */
export function loadConfig(sources: string[], env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    Object.assign(merged, source === 'ENV' ? configFromEnv(env) : readConfigFile(source));
  }
  return resolveConfig(merged);
}

/** Stream-map problems, when the setting has the right shape for the check. */
function mapProblems(config: Record<string, unknown>): string[] {
  const maps = config.stream_maps;
  return maps !== null && typeof maps === 'object' && !Array.isArray(maps) ? checkStreamMaps(maps) : [];
}

export function resolveConfig(input: Record<string, unknown>): LoadedConfig {
  const schema = configSchema();
  const notices: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (k in schema.properties) config[k] = v;
  for (const k of Object.keys(input)) {
    if (k in schema.properties) continue;
    if (k in aliasTarget) notices.push(`config key "${k}" is a pipelinewise alias; it was read as its target-postgres equivalent`);
    else if (!isPeerSetting(k)) notices.push(`unknown config key "${k}" ignored`);
  }
  const peers = applyPeerSettings(input, config);
  notices.push(...peers.notices);
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(config)) {
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.replace(/^\//, '') || 'config';
      const allowed = e.params && 'allowedValues' in e.params ? `: ${(e.params.allowedValues as unknown[]).join(', ')}` : '';
      return `${key} ${e.message}${allowed}`;
    });
    throw new ConfigError(`invalid config: ${[...peers.problems, ...mapProblems(config), ...problems].join('; ')}`);
  }
  const problems = [...peers.problems, ...mapProblems(config), ...accessProblems(config as ResolvedConfig)];
  if (problems.length) throw new ConfigError(`invalid config: ${problems.join('; ')}`);
  if (config.faker_config && Object.keys(config.faker_config).length) notices.push('faker_config has no effect: Faker fake data is not supported in stream maps (hash values with md5() or sha256() instead)');
  return { config: config as ResolvedConfig, notices };
}
