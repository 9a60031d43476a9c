import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionSettings } from '../../src/config/connection.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

const base = { host: 'db.example', database: 'warehouse', user: 'loader' };
const resolve = (extra: Record<string, unknown>) => resolveConfig({ ...base, ...extra });
function refusal(extra: Record<string, unknown>): string {
  try {
    resolve(extra);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(64);
    return (e as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('peer settings: honoured', () => {
  it('pipelinewise ssl "true" connects with TLS (sslmode require), never without', () => {
    for (const ssl of ['true', true]) {
      const { config } = resolve({ ssl });
      expect(config).toMatchObject({ ssl_enable: true, ssl_mode: 'require' });
      const tls = connectionSettings(config, {}).client.ssl;
      expect(tls).toMatchObject({ rejectUnauthorized: false });
    }
    expect(connectionSettings(resolve({ ssl: 'false' }).config, {}).client.ssl).toBe(false);
    // an explicit ssl_mode wins
    expect(resolve({ ssl: 'true', ssl_mode: 'verify-full' }).config.ssl_mode).toBe('verify-full');
  });

  it('pipelinewise parallelism 0 (one per stream) and -1 (one per core), capped by max_parallelism / parallelism_max', () => {
    expect(resolve({ parallelism: 0 }).config.parallelism).toBe(16);
    expect(resolve({ parallelism: 0, max_parallelism: 6 }).config.parallelism).toBe(6);
    expect(resolve({ parallelism: 0, parallelism_max: 3 }).config.parallelism).toBe(3);
    expect(resolve({ parallelism: -1, max_parallelism: 1 }).config.parallelism).toBe(1);
    expect(resolve({ parallelism: 8, max_parallelism: 2 }).config.parallelism).toBe(2);
    expect(resolve({ max_parallelism: 5 }).config.parallelism).toBe(5);
    expect(resolve({ parallelism: 0 }).notices.join('\n')).toContain('parallelism 0 (pipelinewise) read as 16 load connections');
  });

  it('MeltanoLabs process_activate_version_messages false turns ACTIVATE_VERSION handling off', () => {
    expect(resolve({ process_activate_version_messages: false }).config.activate_version).toBe(false);
    expect(resolve({ process_activate_version_messages: true }).config.activate_version).toBe(true);
  });

  it('pipelinewise flush_all_streams is a setting of ours', () => {
    expect(resolve({ flush_all_streams: true }).config.flush_all_streams).toBe(true);
    expect(resolve({}).config.flush_all_streams).toBe(false);
  });

  it("client certificates only with MeltanoLabs' ssl_client_certificate_enable", () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(resolve({ ssl_client_certificate_enable: false, ssl_client_certificate: pem, ssl_client_private_key: pem }).config.ssl_client_certificate).toBeUndefined();
    expect(resolve({ ssl_client_certificate_enable: true, ssl_client_certificate: pem }).config.ssl_client_certificate).toBe(pem);
  });

  it("Meltano Hub's default certificate paths are left unset when the files do not exist; ~/ paths are expanded", () => {
    const hub = { ssl_enable: true, ssl_mode: 'verify-full', ssl_certificate_authority: '~/.postgresql/root.crl', ssl_client_certificate_enable: false, ssl_client_certificate: '~/.postgresql/postgresql.crt', ssl_client_private_key: '~/.postgresql/postgresql.key', ssl_storage_directory: '.secrets' };
    const { config, notices } = resolve(hub);
    expect(config.ssl_certificate_authority).toBeUndefined();
    expect(notices.join('\n')).toContain("ssl_certificate_authority is Meltano Hub's default path ~/.postgresql/root.crl, which does not exist: left unset");
    expect(connectionSettings(config, {}).client.ssl).toMatchObject({ rejectUnauthorized: true, ca: undefined });
    const dir = mkdtempSync(join(homedir(), '.tp-test-'));
    try {
      const ca = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
      writeFileSync(join(dir, 'root.crt'), ca);
      const home = `~/${dir.slice(homedir().length + 1)}/root.crt`;
      expect(connectionSettings(resolve({ ssl_enable: true, ssl_certificate_authority: home }).config, {}).client.ssl).toMatchObject({ ca });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts use_copy, temp_dir, ssl_storage_directory and a disabled ssh_tunnel, saying what they do here', () => {
    const { notices } = resolve({ use_copy: true, temp_dir: '/tmp/x', ssh_tunnel: { enable: false, host: 'bastion' }, stream_maps: {}, stream_map_config: {} });
    expect(notices.join('\n')).toContain('use_copy has no effect: this target always loads through COPY');
    expect(notices.join('\n')).toContain('temp_dir has no effect');
    expect(notices.join('\n')).not.toContain('unknown config key');
  });
});

describe('peer settings: pipelinewise select permissions', () => {
  it('default_target_schema_select_permission(s), a role or a list, are read as grant_select_to', () => {
    expect(resolve({ default_target_schema_select_permission: 'readers' }).config.grant_select_to).toEqual(['readers']);
    expect(resolve({ default_target_schema_select_permissions: ['a', 'b'] }).config.grant_select_to).toEqual(['a', 'b']);
    expect(resolve({ default_target_schema_select_permission: 'x', grant_select_to: ['ours'] }).config.grant_select_to).toEqual(['ours']);
    expect(resolve({ default_target_schema_select_permission: '' }).config.grant_select_to).toBeUndefined();
  });
});

describe('peer settings: refused where ignoring them would change the data or the connection', () => {
  it('ssh_tunnel.enable true without what the tunnel needs', () => {
    expect(refusal({ ssh_tunnel: { enable: true, host: 'bastion', username: 'u' } })).toContain('ssh_tunnel.enable is true but ssh_tunnel.private_key is not set');
    expect(refusal({ ssh_tunnel: { enable: true } })).toContain('ssh_tunnel.host, ssh_tunnel.username, ssh_tunnel.private_key are not set');
    expect(refusal({ ssh_tunnel: { enable: true, host: 'b', username: 'u', private_key: 'k', passphrase: 'x' } })).toContain('ssh_tunnel must NOT have additional properties');
  });

  it('schema_mapping (pipelinewise)', () => {
    expect(refusal({ schema_mapping: { src: { target_schema: 'dst' } } })).toContain('schema_mapping (pipelinewise) is not supported yet');
  });

  it('a select permission that is no role name', () => {
    expect(refusal({ default_target_schema_select_permission: [1] })).toContain('default_target_schema_select_permission must be a role name or a list of role names');
  });

  it('session_variables the target sets itself', () => {
    const message = refusal({ session_variables: { TimeZone: 'Europe/Berlin', 'app.tenant': 't1', role: 'x' } });
    expect(message).toContain('session_variables may not set TimeZone');
    expect(message).toContain('session_variables may not set role: use set_role');
    expect(message).not.toContain('app.tenant');
    expect(refusal({ session_variables: { 'bad name': 'x' } })).toContain('session_variables must match pattern');
  });

  it('a flattening separator or key length that would name columns differently', () => {
    expect(refusal({ flattening_separator: '.' })).toContain('flattening_separator "." is not supported');
    expect(refusal({ flattening_max_key_length: 30 })).toContain('flattening_max_key_length 30 is not supported');
    expect(resolve({ flattening_separator: '__', flattening_max_key_length: 255 }).config).toBeDefined();
  });

  it('reports every problem at once', () => {
    const message = refusal({ stream_maps: { a: 'drop' }, ssh_tunnel: { enable: 'true' }, batch_size_rows: 'many' });
    expect(message).toContain('stream_maps.a: a stream map is null, "__NULL__" or an object, not the string "drop"');
    expect(message).toContain('ssh_tunnel');
    expect(message).toContain('batch_size_rows');
  });
});
