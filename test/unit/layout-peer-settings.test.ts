import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

const base = { host: 'db.example', database: 'warehouse', user: 'loader' };

describe("Laminar's partitioning settings", () => {
  it.each([
    ['partition_column', 'created_at'],
    ['partition_type', 'range'],
    ['create_partitions', true],
  ])('%s is refused with a pointer to stream_overrides.<stream>.partition_by (exit 64)', (key, value) => {
    let error: unknown;
    try {
      resolveConfig({ ...base, [key]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(64);
    expect((error as Error).message).toContain(`${key} (Laminar) is not read: tables would be created unpartitioned; partition each stream's table with stream_overrides.<stream>.partition_by`);
  });

  it('create_partitions false (or unset partitioning) asks for nothing and is accepted', () => {
    expect(() => resolveConfig({ ...base, create_partitions: false, partition_column: '' })).not.toThrow();
  });

  it('partition_by and the new load methods validate in stream_overrides; a wrong shape is exit 64', () => {
    const { config } = resolveConfig({ ...base, create_performance_indexes: true, stream_overrides: { s: { load_method: 'delete', partition_by: { column: 'at', strategy: 'range', interval: 'week' } } } });
    expect(config.create_performance_indexes).toBe(true);
    expect(config.stream_overrides?.s.partition_by).toEqual({ column: 'at', strategy: 'range', interval: 'week' });
    expect(resolveConfig(base).config.create_performance_indexes).toBe(false);
    expect(() => resolveConfig({ ...base, stream_overrides: { s: { partition_by: { column: 'at', strategy: 'range', interval: 'hour' } } } })).toThrow(ConfigError);
    expect(() => resolveConfig({ ...base, stream_overrides: { s: { partition_by: { strategy: 'list' } } } })).toThrow(/must have required property 'column'/);
    expect(() => resolveConfig({ ...base, stream_overrides: { s: { partition_by: { column: 'id', strategy: 'hash', modulus: 1 } } } })).toThrow(ConfigError);
  });
});
