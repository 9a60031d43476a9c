import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionSettings, parseKeyValueDsn, parseUri } from '../../src/config/connection.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

/** Connection settings for a config as the CLI would resolve it, with a controlled environment. */
function settings(input: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return connectionSettings(resolveConfig(input).config, env);
}

const tls = (s: ReturnType<typeof settings>) => s.client.ssl as ConnectionOptions;

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('parseUri', () => {
  it('reads every part of a postgresql:// URL', () => {
    expect(parseUri('postgresql://alice:s3cret@db.example.com:6543/analytics?sslmode=require&application_name=etl', 'x')).toEqual({
      host: 'db.example.com',
      port: '6543',
      user: 'alice',
      password: 's3cret',
      dbname: 'analytics',
      sslmode: 'require',
      application_name: 'etl',
    });
  });

  it('ignores a SQLAlchemy driver suffix and accepts postgres://', () => {
    expect(parseUri('postgresql+psycopg2://u:p@h/d', 'x')).toEqual({ host: 'h', user: 'u', password: 'p', dbname: 'd' });
    expect(parseUri('postgresql+asyncpg://u@h/d', 'x')).toEqual({ host: 'h', user: 'u', dbname: 'd' });
    expect(parseUri('postgres://h', 'x')).toEqual({ host: 'h' });
    expect(parseUri('POSTGRESQL://h', 'x')).toEqual({ host: 'h' });
  });

  it('decodes percent-encoded user, password and database', () => {
    expect(parseUri('postgresql://us%40er:p%40ss%3Aw%2Frd%20x@h/my%20db', 'x')).toMatchObject({ user: 'us@er', password: 'p@ss:w/rd x', dbname: 'my db' });
  });

  it('lower-cases query parameter names', () => {
    expect(parseUri('postgresql://h/d?SSLMode=verify-ca', 'x')).toMatchObject({ sslmode: 'verify-ca' });
  });

  it('takes a host from the query string when the authority has none', () => {
    expect(parseUri('postgresql:///d?host=/var/run/postgresql', 'x')).toEqual({ dbname: 'd', host: '/var/run/postgresql' });
  });

  it('reads a bracketed IPv6 address as a plain address', () => {
    expect(parseUri('postgresql://u@[::1]:5433/d', 'x')).toMatchObject({ host: '::1', port: '5433' });
  });

  it('rejects other schemes and malformed URLs, naming the setting', () => {
    expect(() => parseUri('mysql://h/d', 'sqlalchemy_url')).toThrow(ConfigError);
    expect(() => parseUri('mysql://h/d', 'sqlalchemy_url')).toThrow(/sqlalchemy_url must start with postgresql:\/\//);
    expect(() => parseUri('postgresql://h:notaport/d', 'connection_string')).toThrow(/connection_string is not a valid postgresql:\/\/ URL/);
  });
});

describe('parseKeyValueDsn', () => {
  it('reads plain and quoted values', () => {
    expect(parseKeyValueDsn("host=h port=5433 dbname='my db' user=u password='it\\'s a \\\\ secret'")).toEqual({
      host: 'h',
      port: '5433',
      dbname: 'my db',
      user: 'u',
      password: "it's a \\ secret",
    });
  });

  it('allows spaces around = and empty values', () => {
    expect(parseKeyValueDsn("  host = h   password='' sslmode = require ")).toEqual({ host: 'h', password: '', sslmode: 'require' });
    expect(parseKeyValueDsn('')).toEqual({});
  });

  it('lower-cases keys', () => {
    expect(parseKeyValueDsn('HOST=h')).toEqual({ host: 'h' });
  });

  it('rejects malformed strings', () => {
    expect(() => parseKeyValueDsn('host')).toThrow(ConfigError);
    expect(() => parseKeyValueDsn("password='unterminated")).toThrow(/not a valid key=value string/);
  });
});

describe('connectionSettings: sources', () => {
  it('uses host, port, user, password and database from the config', () => {
    const s = settings({ host: 'h', port: 6000, user: 'u', password: 'p', database: 'd' });
    expect(s.client).toMatchObject({ host: 'h', port: 6000, user: 'u', password: 'p', database: 'd', ssl: false, application_name: 'target-postgres' });
    expect(s.sslFallback).toBe(false);
    expect(s.display).toBe('h:6000/d');
  });

  it('lets sqlalchemy_url override the separate settings', () => {
    const s = settings({ host: 'ignored', port: 1, user: 'ignored', sqlalchemy_url: 'postgresql+psycopg2://u:p%40ss@db:6543/warehouse' });
    expect(s.client).toMatchObject({ host: 'db', port: 6543, user: 'u', password: 'p@ss', database: 'warehouse' });
  });

  it('prefers sqlalchemy_url over connection_string', () => {
    const s = settings({ sqlalchemy_url: 'postgresql://a/one', connection_string: 'postgresql://b/two' });
    expect(s.client).toMatchObject({ host: 'a', database: 'one' });
  });

  it('reads connection_string as a URI', () => {
    const s = settings({ connection_string: 'postgresql://u:pw@h:5433/d?application_name=mine&connect_timeout=5' });
    expect(s.client).toMatchObject({ host: 'h', port: 5433, user: 'u', password: 'pw', database: 'd', application_name: 'mine', connectionTimeoutMillis: 5000 });
  });

  it('reads connection_string as a key=value DSN with quoted values', () => {
    const s = settings({ connection_string: "host=h port=5434 dbname='sales data' user=etl password='p w\\'d'" });
    expect(s.client).toMatchObject({ host: 'h', port: 5434, database: 'sales data', user: 'etl', password: "p w'd" });
  });

  it('fills parts the URL leaves out from the config', () => {
    const s = settings({ sqlalchemy_url: 'postgresql://h/d', user: 'cfg-user', password: 'cfg-pw' });
    expect(s.client).toMatchObject({ host: 'h', database: 'd', user: 'cfg-user', password: 'cfg-pw' });
  });

  it('waits 30 s for a connection by default', () => {
    expect(settings({}).client.connectionTimeoutMillis).toBe(30000);
  });

  it('never shows the password in the display text', () => {
    const s = settings({ sqlalchemy_url: 'postgresql://u:hunter2@h:5432/d' });
    expect(s.display).toBe('h:5432/d');
    expect(s.display).not.toContain('hunter2');
  });
});

describe('connectionSettings: PG* environment fallback', () => {
  const env = { PGHOST: 'envhost', PGPORT: '6432', PGUSER: 'envuser', PGPASSWORD: 'envpw', PGDATABASE: 'envdb', USER: 'osuser' };

  it('uses PGHOST, PGUSER, PGPASSWORD and PGDATABASE when the config has none', () => {
    expect(settings({}, env).client).toMatchObject({ host: 'envhost', user: 'envuser', password: 'envpw', database: 'envdb' });
  });

  it('uses PGPORT when the config has no port', () => {
    expect(settings({}, env).client.port).toBe(6432);
  });

  it('prefers the config over the environment', () => {
    expect(settings({ host: 'h', port: 7000, user: 'u', password: 'p', database: 'd' }, env).client).toMatchObject({
      host: 'h',
      port: 7000,
      user: 'u',
      password: 'p',
      database: 'd',
    });
  });

  it('falls back to localhost:5432, the OS user, and a database named after the user', () => {
    expect(settings({}, { USER: 'osuser' }).client).toMatchObject({ host: 'localhost', port: 5432, user: 'osuser', database: 'osuser', password: undefined });
    expect(settings({}, {}).client).toMatchObject({ user: 'postgres', database: 'postgres' });
    expect(settings({ user: 'u' }, {}).client.database).toBe('u');
  });
});

describe('connectionSettings: ssl modes', () => {
  it('does not use TLS unless enabled', () => {
    expect(settings({ ssl_mode: 'require' }).client.ssl).toBe(false);
  });

  it('verifies the full chain and host name by default when enabled', () => {
    const t = tls(settings({ ssl_enable: true }));
    expect(t.rejectUnauthorized).toBe(true);
    expect(t.checkServerIdentity).toBeUndefined();
  });

  it('verify-ca checks the chain but not the host name', () => {
    const t = tls(settings({ ssl_enable: true, ssl_mode: 'verify-ca' }));
    expect(t.rejectUnauthorized).toBe(true);
    expect(t.checkServerIdentity?.('other.host', {} as never)).toBeUndefined();
  });

  it('require encrypts without verifying and does not fall back', () => {
    const s = settings({ ssl_enable: true, ssl_mode: 'require' });
    expect(tls(s).rejectUnauthorized).toBe(false);
    expect(s.sslFallback).toBe(false);
  });

  it.each(['allow', 'prefer'])('%s tries TLS and may fall back', (mode) => {
    const s = settings({ ssl_enable: true, ssl_mode: mode });
    expect(tls(s).rejectUnauthorized).toBe(false);
    expect(s.sslFallback).toBe(true);
  });

  it('disable turns TLS off even when enabled', () => {
    expect(settings({ ssl_enable: true, ssl_mode: 'disable' }).client.ssl).toBe(false);
  });

  it('takes sslmode from the URL, then from PGSSLMODE', () => {
    expect(tls(settings({ sqlalchemy_url: 'postgresql://h/d?sslmode=require' })).rejectUnauthorized).toBe(false);
    expect(settings({ connection_string: 'host=h sslmode=disable', ssl_enable: true }).client.ssl).toBe(false);
    expect(tls(settings({}, { PGSSLMODE: 'verify-full' })).rejectUnauthorized).toBe(true);
  });

  it('rejects an unknown sslmode', () => {
    expect(() => settings({ connection_string: 'host=h sslmode=sometimes' })).toThrow(/unknown sslmode "sometimes"/);
  });

  describe('certificates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'target-postgres-tls-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('accepts PEM text', () => {
      const t = tls(settings({ ssl_enable: true, ssl_certificate_authority: PEM, ssl_client_certificate: PEM, ssl_client_private_key: PEM }));
      expect(t).toMatchObject({ ca: PEM, cert: PEM, key: PEM });
    });

    it('reads a file path', () => {
      const path = join(dir, 'ca.pem');
      writeFileSync(path, PEM);
      expect(tls(settings({ ssl_enable: true, ssl_certificate_authority: path })).ca).toBe(PEM);
    });

    it('takes sslrootcert from the connection string', () => {
      const path = join(dir, 'root.pem');
      writeFileSync(path, PEM);
      expect(tls(settings({ connection_string: `host=h sslmode=verify-ca sslrootcert='${path}'` })).ca).toBe(PEM);
    });

    it('rejects a path that does not exist, naming the setting', () => {
      expect(() => settings({ ssl_enable: true, ssl_client_certificate: join(dir, 'nope.pem') })).toThrow(/ssl_client_certificate: neither PEM text nor an existing file/);
    });
  });
});
