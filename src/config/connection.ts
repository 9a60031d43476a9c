import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ClientConfig } from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../errors.js';
import { expandHome } from './paths.js';
import type { ResolvedConfig } from './settings.js';

/** Parses a libpq key=value connection string (values may be single-quoted with \ escapes). */
export function parseKeyValueDsn(dsn: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*('((?:[^'\\]|\\.)*)'|[^\s']*)/y;
  let pos = 0;
  const text = dsn.trim();
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new ConfigError(`connection_string is not a valid key=value string near position ${pos}`);
    out[m[1].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
    pos = re.lastIndex;
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  }
  return out;
}

/** Parses a postgres:// URI into libpq keywords. */
export function parseUri(uri: string, setting: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(uri.replace(/^postgres(?:ql)?(?:\+[a-z0-9_]+)?:/i, 'postgres:'));
  } catch {
    throw new ConfigError(`${setting} is not a valid postgresql:// URL`);
  }
  if (url.protocol !== 'postgres:') throw new ConfigError(`${setting} must start with postgresql:// (got ${url.protocol})`);
  const out: Record<string, string> = {};
  if (url.hostname) out.host = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
  if (url.port) out.port = url.port;
  if (url.username) out.user = decodeURIComponent(url.username);
  if (url.password) out.password = decodeURIComponent(url.password);
  const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (db) out.dbname = db;
  for (const [k, v] of url.searchParams) out[k.toLowerCase()] = v;
  return out;
}

function pemOrFile(value: string | undefined, setting: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN')) return value;
  const path = expandHome(value);
  if (!existsSync(path)) throw new ConfigError(`${setting}: neither PEM text nor an existing file`);
  return readFileSync(path, 'utf8');
}

/**
 * An encrypted client key needs its passphrase (ssl_client_private_key_password): checked here,
 * before any connection, so a wrong or missing one is a config error rather than a TLS failure.
 */
function checkClientKey(key: string | undefined, passphrase: string | undefined): void {
  if (key === undefined || (passphrase === undefined && !/ENCRYPTED/.test(key))) return;
  try {
    createPrivateKey({ key, passphrase: passphrase ?? '' });
  } catch (e) {
    const encrypted = /ENCRYPTED/.test(key) || /bad decrypt|passphrase|interrupted or cancelled/i.test((e as Error).message);
    if (!encrypted) throw new ConfigError(`ssl_client_private_key is not a private key this target can read (${(e as Error).message})`);
    throw new ConfigError(
      passphrase === undefined
        ? 'ssl_client_private_key is encrypted: set ssl_client_private_key_password to its passphrase'
        : 'ssl_client_private_key_password does not decrypt ssl_client_private_key: check the passphrase',
    );
  }
}

export interface ConnectionSettings {
  client: ClientConfig;
  /** With ssl_mode allow/prefer: TLS is tried first and dropped when the server has none. */
  sslFallback: boolean;
  /** host:port/database for log lines (no secrets). */
  display: string;
  /** connect_timeout_seconds in ms (0: none). */
  connectTimeoutMs: number;
}

/** Builds the node-postgres client config from the target config; PG* variables fill gaps. */
export function connectionSettings(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  let kv: Record<string, string> = {};
  if (config.sqlalchemy_url) kv = parseUri(config.sqlalchemy_url, 'sqlalchemy_url');
  else if (config.connection_string) {
    kv = /^[a-z0-9+]+:\/\//i.test(config.connection_string)
      ? parseUri(config.connection_string, 'connection_string')
      : parseKeyValueDsn(config.connection_string);
  }
  const host = kv.host ?? config.host ?? env.PGHOST ?? 'localhost';
  const portText = kv.port ?? (config.port !== undefined ? String(config.port) : undefined) ?? env.PGPORT ?? '5432';
  const port = Number(portText);
  const user = kv.user ?? config.user ?? env.PGUSER ?? env.USER ?? 'postgres';
  const database = kv.dbname ?? config.database ?? env.PGDATABASE ?? user;
  const password = kv.password ?? config.password ?? env.PGPASSWORD;

  const sslMode = (kv.sslmode ?? (config.ssl_enable ? config.ssl_mode : env.PGSSLMODE ?? 'disable')) as string;
  let ssl: ClientConfig['ssl'] = false;
  let sslFallback = false;
  if (sslMode !== 'disable') {
    const ca = pemOrFile(config.ssl_certificate_authority ?? kv.sslrootcert, 'ssl_certificate_authority');
    const cert = pemOrFile(config.ssl_client_certificate ?? kv.sslcert, 'ssl_client_certificate');
    const key = pemOrFile(config.ssl_client_private_key ?? kv.sslkey, 'ssl_client_private_key');
    const passphrase = config.ssl_client_private_key_password ?? kv.sslpassword;
    checkClientKey(key, passphrase);
    const tls: ConnectionOptions = { ca, cert, key, ...(passphrase !== undefined ? { passphrase } : {}) };
    switch (sslMode) {
      case 'allow':
      case 'prefer':
        sslFallback = true;
        tls.rejectUnauthorized = false;
        break;
      case 'require':
        tls.rejectUnauthorized = false;
        break;
      case 'verify-ca':
        tls.rejectUnauthorized = true;
        tls.checkServerIdentity = () => undefined;
        break;
      case 'verify-full':
        tls.rejectUnauthorized = true;
        break;
      default:
        throw new ConfigError(`unknown sslmode "${sslMode}"`);
    }
    ssl = tls;
  }
  const connectTimeoutMs = Math.round((config.connect_timeout_seconds ?? Number(kv.connect_timeout ?? 30)) * 1000);
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs < 0) throw new ConfigError('connect_timeout in the connection string must be a number of seconds');
  return {
    client: {
      host,
      port,
      user,
      database,
      password,
      ssl,
      application_name: kv.application_name ?? config.application_name,
      connectionTimeoutMillis: connectTimeoutMs,
    },
    sslFallback,
    display: `${host}:${port}/${database}`,
    connectTimeoutMs,
  };
}
