import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TargetPostgresConfig } from './config-types.generated.js';

export type { TargetPostgresConfig };

export interface SettingSchema {
  type: string;
  description: string;
  default?: unknown;
  enum?: string[];
  'x-secret'?: boolean;
  [key: string]: unknown;
}

export interface ConfigJsonSchema {
  title: string;
  description: string;
  properties: Record<string, SettingSchema>;
  [key: string]: unknown;
}

let cached: ConfigJsonSchema | undefined;

/** The config JSON Schema: the single source of every setting. */
export function configSchema(): ConfigJsonSchema {
  cached ??= JSON.parse(
    readFileSync(fileURLToPath(new URL('../../schemas/config.schema.json', import.meta.url)), 'utf8'),
  ) as ConfigJsonSchema;
  return cached;
}

/** Settings whose values are secrets (never logged, printed redacted). */
export function secretSettings(): string[] {
  return Object.entries(configSchema().properties)
    .filter(([, s]) => s['x-secret'])
    .map(([k]) => k);
}

/** Config with every default applied. */
export type ResolvedConfig = TargetPostgresConfig &
  Required<
    Pick<
      TargetPostgresConfig,
      | 'application_name'
      | 'ssl_enable'
      | 'ssl_mode'
      | 'table_prefix'
      | 'name_style'
      | 'upsert_statement'
      | 'citus_distribution'
      | 'hard_delete'
      | 'activate_version'
      | 'create_performance_indexes'
      | 'interpret_content_encoding'
      | 'add_record_metadata'
      | 'validate_records'
      | 'flattening_enabled'
      | 'flattening_max_depth'
      | 'batch_size_rows'
      | 'batch_size_bytes'
      | 'max_record_age_seconds'
      | 'flush_all_streams'
      | 'max_buffered_bytes'
      | 'max_line_bytes'
      | 'on_invalid_record'
      | 'parallelism'
      | 'copy_format'
      | 'max_retries'
      | 'retry_backoff_ms'
      | 'primary_key_required'
      | 'sanitize_null_text_characters'
      | 'log_level'
      | 'create_schemas'
    >
  >;
