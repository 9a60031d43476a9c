import { generateKeyPairSync } from 'node:crypto';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { accessProblems, hookStatements, sessionVariables } from '../../src/config/access-settings.js';
import { connectionSettings } from '../../src/config/connection.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { sshTunnelSettings } from '../../src/config/ssh-tunnel.js';
import { hostKeyFingerprint } from '../../src/load/ssh-tunnel.js';
import { buildBeginSql } from '../../src/load/transaction.js';
import { buildGrantSchemaUsageSql, buildGrantTableSelectSql, buildSessionSettingsSql } from '../../src/sql/access.js';
import { HOSTILE_NAMES, hasNoInjection, lexSql } from './sql-text.js';

describe('buildSessionSettingsSql', () => {
  it('SET LOCAL ROLE and one set_config(…, true) per variable, in one statement', () => {
    expect(buildSessionSettingsSql(undefined, {})).toEqual([]);
    expect(buildSessionSettingsSql('loader', { 'app.tenant': 't1', 'app.run': "it's" })).toEqual([
      'SET LOCAL ROLE "loader"',
      "SELECT set_config('app.tenant', 't1', true), set_config('app.run', 'it''s', true)",
    ]);
  });

  it('is part of the statement that opens every transaction, after the settings the loads rely on', () => {
    expect(buildBeginSql({ role: 'r', variables: { 'a.b': '1' } })).toBe(
      "BEGIN; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL ROLE \"r\"; SELECT set_config('a.b', '1', true)",
    );
  });

  it('keeps hostile role names and values inside their quotes', () => {
    for (const name of HOSTILE_NAMES) {
      const pieces = lexSql(buildSessionSettingsSql(name, { 'app.x': name }).join(' '));
      expect(pieces.identifiers).toEqual([name]);
      expect(pieces.literals).toEqual(['app.x', name]);
      expect(hasNoInjection(pieces.skeleton)).toBe(true);
    }
  });
});

describe('grant builders', () => {
  it('grant USAGE on a schema and SELECT on a table to quoted roles; PUBLIC as the keyword', () => {
    expect(buildGrantSchemaUsageSql('raw', ['readers', 'public'])).toBe('GRANT USAGE ON SCHEMA "raw" TO "readers", PUBLIC');
    expect(buildGrantTableSelectSql('raw', 'Users', ['Bi Team'])).toBe('GRANT SELECT ON TABLE "raw"."Users" TO "Bi Team"');
  });

  it('keep hostile schema, table and role names inside their quotes', () => {
    for (const name of HOSTILE_NAMES) {
      const pieces = lexSql(buildGrantTableSelectSql(name, name, [name]));
      expect(pieces.identifiers).toEqual([name, name, name]);
      expect(hasNoInjection(pieces.skeleton)).toBe(true);
    }
  });
});

describe('access settings', () => {
  it('hooks: a string or a list, blank statements left out', () => {
    expect(hookStatements(undefined)).toEqual([]);
    expect(hookStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1; SELECT 2']);
    expect(hookStatements(['SELECT 1', '  ', 'SELECT 2'])).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('session_variables become text; the ones the target sets itself are refused', () => {
    expect(sessionVariables({ session_variables: { 'app.n': 5, 'app.on': true, 'app.s': 'x' } })).toEqual({ 'app.n': '5', 'app.on': 'true', 'app.s': 'x' });
    expect(accessProblems({ session_variables: { DateStyle: 'SQL', session_authorization: 'x', work_mem: '64MB' } })).toEqual([
      'session_variables may not set DateStyle: the target sets DateStyle to ISO, MDY in every transaction',
      'session_variables may not set session_authorization: use set_role',
    ]);
  });

  it('create_schemas defaults to true; grant_select_to to none', () => {
    const { config } = resolveConfig({});
    expect(config.create_schemas).toBe(true);
    expect(config.grant_select_to).toBeUndefined();
  });
});

describe('connect_timeout_seconds', () => {
  const timeout = (input: Record<string, unknown>) => connectionSettings(resolveConfig(input).config, {}).client.connectionTimeoutMillis;
  it('wins over the connection string, which wins over the default of 30 s; 0 waits forever', () => {
    expect(timeout({})).toBe(30_000);
    expect(timeout({ connection_string: 'host=h connect_timeout=7' })).toBe(7000);
    expect(timeout({ connection_string: 'host=h connect_timeout=7', connect_timeout_seconds: 2.5 })).toBe(2500);
    expect(timeout({ connect_timeout_seconds: 0 })).toBe(0);
    expect(() => resolveConfig({ connect_timeout_seconds: -1 })).toThrow(/connect_timeout_seconds must be >= 0/);
  });
});

describe('ssl_client_private_key_password', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const tls = (extra: Record<string, unknown>) => connectionSettings(resolveConfig({ ssl_enable: true, ssl_client_private_key: privateKey, ...extra }).config, {}).client.ssl;
  it('is handed to TLS as the passphrase of the key', () => {
    expect(tls({ ssl_client_private_key_password: 'right' })).toMatchObject({ key: privateKey, passphrase: 'right' });
  });
  it('missing or wrong: a config error naming the setting, never the passphrase', () => {
    expect(() => tls({})).toThrow('ssl_client_private_key is encrypted: set ssl_client_private_key_password to its passphrase');
    expect(() => tls({ ssl_client_private_key_password: 'wrong' })).toThrow(/^ssl_client_private_key_password does not decrypt ssl_client_private_key: check the passphrase$/);
  });
});

describe('ssh_tunnel settings', () => {
  const encrypted = ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'pw', cipher: 'aes256-ctr', rounds: 16 }).private;
  const tunnel = (t: Record<string, unknown>) => sshTunnelSettings(resolveConfig({ ssh_tunnel: { enable: true, host: 'bastion', username: 'u', private_key: encrypted, ...t } }).config);

  it('is off unless enabled', () => {
    expect(sshTunnelSettings(resolveConfig({ ssh_tunnel: { enable: false, host: 'b' } }).config)).toBeUndefined();
    expect(sshTunnelSettings(resolveConfig({}).config)).toBeUndefined();
  });

  it('port 22 by default; the key decrypted once, for every connection', () => {
    const { key, ...rest } = tunnel({ private_key_password: 'pw', host_key_fingerprint: `SHA256:${'a'.repeat(43)}` })!;
    expect(rest).toEqual({ host: 'bastion', port: 22, username: 'u', hostKeyFingerprint: `SHA256:${'a'.repeat(43)}` });
    expect(key.type).toBe('ssh-ed25519');
    expect(key.isPrivateKey()).toBe(true);
  });

  it('an encrypted key without or with a wrong passphrase, or no key at all, is a config error', () => {
    expect(() => tunnel({})).toThrow('ssh_tunnel.private_key is encrypted: set ssh_tunnel.private_key_password to its passphrase');
    expect(() => tunnel({ private_key_password: 'nope' })).toThrow('ssh_tunnel.private_key_password does not decrypt ssh_tunnel.private_key');
    expect(() => tunnel({ private_key: '/no/such/key' })).toThrow('ssh_tunnel.private_key is neither key text');
    expect(() => tunnel({ private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nnonsense\n-----END OPENSSH PRIVATE KEY-----\n' })).toThrow(/ssh_tunnel.private_key is not a private key ssh2 can read/);
  });

  it('host key fingerprints: base64 SHA-256 without padding, as ssh-keygen -l writes them (the integration test compares with it)', () => {
    expect(hostKeyFingerprint(Buffer.from('key'))).toBe('SHA256:LHDhK3oGRvkiefQnx7OOczTY5Tic/xZ6HcMOc/gmtoM');
    expect(() => resolveConfig({ ssh_tunnel: { enable: true, host_key_fingerprint: 'MD5:aa' } })).toThrow(/ssh_tunnel\/host_key_fingerprint must match pattern/);
  });
});
