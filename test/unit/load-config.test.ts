import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv, loadConfig, resolveConfig } from '../../src/config/load-config.js';
import { configSchema } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig: defaults', () => {
  it('applies every default of the config schema', () => {
    const { config, notices } = resolveConfig({ host: 'db' });
    expect(notices).toEqual([]);
    expect(config).toMatchObject({
      host: 'db',
      application_name: 'target-postgres',
      ssl_enable: false,
      ssl_mode: 'verify-full',
      table_prefix: '',
      name_style: 'preserve',
      hard_delete: false,
      activate_version: true,
      add_record_metadata: true,
      validate_records: true,
      interpret_content_encoding: false,
      flattening_enabled: false,
      flattening_max_depth: 1,
      batch_size_rows: 10000,
      batch_size_bytes: 67108864,
      max_record_age_seconds: 300,
      max_buffered_bytes: 33554432,
      parallelism: 4,
      max_retries: 5,
      retry_backoff_ms: 500,
      primary_key_required: false,
      sanitize_null_text_characters: false,
      log_level: 'info',
    });
    for (const [key, setting] of Object.entries(configSchema().properties)) {
      if (setting.default !== undefined) expect((config as Record<string, unknown>)[key], key).toEqual(setting.default);
    }
  });

  it('keeps given values over defaults', () => {
    const { config } = resolveConfig({ port: 6543, parallelism: 1, name_style: 'snake', add_record_metadata: false });
    expect(config.port).toBe(6543);
    expect(config.parallelism).toBe(1);
    expect(config.name_style).toBe('snake');
    expect(config.add_record_metadata).toBe(false);
  });

  it('leaves optional settings without a default unset', () => {
    const { config } = resolveConfig({});
    expect(config.host).toBeUndefined();
    expect(config.default_target_schema).toBeUndefined();
    expect(config.load_method).toBeUndefined();
  });

  it('does not modify its input', () => {
    const input = { host: 'x' };
    resolveConfig(input);
    expect(input).toEqual({ host: 'x' });
  });
});

describe('resolveConfig: problems', () => {
  it('reports every problem together in one ConfigError', () => {
    const e = configErrorOf(() => resolveConfig({ port: 0, log_level: 'loud', parallelism: 'x', batch_size_rows: 0, ssl_enable: 'yes' }));
    expect(e.message).toMatch(/^invalid config: /);
    for (const key of ['port', 'log_level', 'parallelism', 'batch_size_rows', 'ssl_enable']) expect(e.message).toContain(key);
    expect(e.message).toContain('trace, debug, info, warn, error, fatal, silent');
    expect(e.message.split('; ').length).toBeGreaterThanOrEqual(5);
    expect(e.exitCode).toBe(64);
  });

  it('names the allowed values of an enum', () => {
    expect(configErrorOf(() => resolveConfig({ name_style: 'UPPER' })).message).toContain('preserve, lower, snake');
    expect(configErrorOf(() => resolveConfig({ load_method: 'merge' })).message).toContain('append-only, upsert');
  });

  it('checks bounds', () => {
    expect(() => resolveConfig({ port: 65536 })).toThrow(/port/);
    expect(() => resolveConfig({ parallelism: 65 })).toThrow(/parallelism/);
    expect(() => resolveConfig({ max_record_age_seconds: 0 })).toThrow(/max_record_age_seconds/);
    expect(() => resolveConfig({ port: 1.5 })).toThrow(/port/);
  });

  it('reports unknown keys as notices, not errors', () => {
    const { config, notices } = resolveConfig({ host: 'h', colour: 'blue', batch_size: 5 });
    expect(notices).toEqual(['unknown config key "colour" ignored', 'unknown config key "batch_size" ignored']);
    expect((config as Record<string, unknown>).colour).toBeUndefined();
  });
});

describe('resolveConfig: pipelinewise aliases', () => {
  it('reads dbname, add_metadata_columns, max_parallelism and data_flattening_max_level', () => {
    const { config, notices } = resolveConfig({ dbname: 'warehouse', add_metadata_columns: false, max_parallelism: 8, data_flattening_max_level: 3 });
    expect(config.database).toBe('warehouse');
    expect(config.add_record_metadata).toBe(false);
    expect(config.parallelism).toBe(8);
    expect(config.flattening_enabled).toBe(true);
    expect(config.flattening_max_depth).toBe(3);
    expect(notices).toHaveLength(4);
    for (const n of notices) expect(n).toMatch(/pipelinewise alias/);
    expect((config as Record<string, unknown>).dbname).toBeUndefined();
  });

  it('turns flattening off for data_flattening_max_level 0', () => {
    const { config } = resolveConfig({ data_flattening_max_level: 0 });
    expect(config.flattening_enabled).toBe(false);
    expect(config.flattening_max_depth).toBe(0);
  });

  it('lets our own key win over its alias, in any order', () => {
    expect(resolveConfig({ dbname: 'alias', database: 'own' }).config.database).toBe('own');
    expect(resolveConfig({ database: 'own', dbname: 'alias' }).config.database).toBe('own');
    const { config } = resolveConfig({ data_flattening_max_level: 5, flattening_enabled: false, flattening_max_depth: 2 });
    expect(config.flattening_enabled).toBe(false);
    expect(config.flattening_max_depth).toBe(2);
  });

  it('validates aliased values', () => {
    expect(() => resolveConfig({ max_parallelism: 0 })).toThrow(/parallelism/);
    expect(() => resolveConfig({ dbname: 5 })).toThrow(/database/);
  });
});

describe('configFromEnv', () => {
  it('reads strings as they are and parses JSON for other types', () => {
    const out = configFromEnv({
      TARGET_POSTGRES_HOST: 'db.internal',
      TARGET_POSTGRES_PORT: '5433',
      TARGET_POSTGRES_SSL_ENABLE: 'true',
      TARGET_POSTGRES_MAX_RECORD_AGE_SECONDS: '0.5',
      TARGET_POSTGRES_TABLE_PREFIX: '',
    });
    expect(out).toEqual({ host: 'db.internal', port: 5433, ssl_enable: true, max_record_age_seconds: 0.5, table_prefix: '' });
  });

  it('never parses string settings, whatever they look like', () => {
    const out = configFromEnv({
      TARGET_POSTGRES_PASSWORD: '12345',
      TARGET_POSTGRES_USER: 'null',
      TARGET_POSTGRES_DATABASE: '{"a":1}',
      TARGET_POSTGRES_APPLICATION_NAME: 'true',
    });
    expect(out).toEqual({ password: '12345', user: 'null', database: '{"a":1}', application_name: 'true' });
  });

  it('keeps unparsable values as text for validation to report', () => {
    const env = { TARGET_POSTGRES_PORT: 'fivefour', TARGET_POSTGRES_VALIDATE_RECORDS: 'yes' };
    expect(configFromEnv(env)).toEqual({ port: 'fivefour', validate_records: 'yes' });
    const e = configErrorOf(() => resolveConfig(configFromEnv(env)));
    expect(e.message).toContain('port');
    expect(e.message).toContain('validate_records');
  });

  it('reads aliases', () => {
    const out = configFromEnv({ TARGET_POSTGRES_DBNAME: 'analytics', TARGET_POSTGRES_ADD_METADATA_COLUMNS: 'false', TARGET_POSTGRES_DATA_FLATTENING_MAX_LEVEL: '2' });
    expect(out).toEqual({ dbname: 'analytics', add_metadata_columns: false, data_flattening_max_level: 2 });
    expect(resolveConfig(out).config).toMatchObject({ database: 'analytics', add_record_metadata: false, flattening_enabled: true, flattening_max_depth: 2 });
  });

  it('keeps a dbname alias text even when it looks like a number or a literal', () => {
    expect(configFromEnv({ TARGET_POSTGRES_DBNAME: '2024' })).toEqual({ dbname: '2024' });
    expect(configFromEnv({ TARGET_POSTGRES_DBNAME: 'null' })).toEqual({ dbname: 'null' });
    expect(resolveConfig(configFromEnv({ TARGET_POSTGRES_DBNAME: '2024' })).config.database).toBe('2024');
  });

  it('ignores unrelated and unknown variables', () => {
    expect(configFromEnv({ PGHOST: 'x', TARGET_POSTGRES_COLOUR: 'blue', target_postgres_host: 'lower' })).toEqual({});
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'target-postgres-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('merges files and ENV, later sources winning', () => {
    const a = file('a.json', JSON.stringify({ host: 'a', port: 1111, user: 'ua' }));
    const b = file('b.json', JSON.stringify({ host: 'b' }));
    const { config } = loadConfig([a, 'ENV', b], { TARGET_POSTGRES_PORT: '2222', TARGET_POSTGRES_USER: 'env' });
    expect(config).toMatchObject({ host: 'b', port: 2222, user: 'env' });
  });

  it('reports an unreadable file, invalid JSON and a non-object', () => {
    expect(configErrorOf(() => loadConfig([join(dir, 'missing.json')], {})).message).toMatch(/cannot read config file .*missing\.json: ENOENT/);
    expect(configErrorOf(() => loadConfig([file('bad.json', '{"host":')], {})).message).toMatch(/bad\.json is not valid JSON/);
    expect(configErrorOf(() => loadConfig([file('arr.json', '[1]')], {})).message).toMatch(/must hold a JSON object/);
  });

  it('gives defaults with no sources', () => {
    expect(loadConfig([], {}).config.port).toBeUndefined(); // connection.ts falls back to PGPORT, then 5432
  });
});
