import { existsSync, readFileSync } from 'node:fs';
import type ssh2 from 'ssh2';
import { ssh2 as loadSsh2 } from '../lazy-modules.js';
import { ConfigError } from '../errors.js';
import { expandHome } from './paths.js';
import type { ResolvedConfig } from './settings.js';

/** The SSH bastion every database connection goes through (ssh_tunnel). */
export interface SshTunnelSettings {
  host: string;
  port: number;
  username: string;
  /**
   * The private key, read (from the file when a path was given) and decrypted once: an OpenSSH
   * key's passphrase costs a bcrypt KDF of about a third of a second, which every (re)connect
   * would pay again.
   */
  key: ssh2.ParsedKey;
  /** SHA256:… the bastion's host key must have, when set. */
  hostKeyFingerprint?: string;
}

/**
 * ssh_tunnel as settings, or undefined when it is not enabled. The key is read and decrypted
 * here, so an unreadable key or a wrong passphrase is a config error (exit 64) before any
 * connection; the messages never contain the key or the passphrase.
 */
export function sshTunnelSettings(config: Pick<ResolvedConfig, 'ssh_tunnel'>): SshTunnelSettings | undefined {
  const t = config.ssh_tunnel;
  if (!t?.enable) return undefined;
  const keyText = readKey(t.private_key ?? '');
  const passphrase = t.private_key_password;
  const parsed = loadSsh2().utils.parseKey(keyText, passphrase);
  if (parsed instanceof Error) {
    const m = parsed.message;
    if (/no passphrase given/i.test(m)) throw new ConfigError('ssh_tunnel.private_key is encrypted: set ssh_tunnel.private_key_password to its passphrase');
    if (passphrase !== undefined && /decrypt|passphrase|bad|integrity/i.test(m)) {
      throw new ConfigError('ssh_tunnel.private_key_password does not decrypt ssh_tunnel.private_key: check the passphrase');
    }
    throw new ConfigError(`ssh_tunnel.private_key is not a private key ssh2 can read (${m}): give the key's PEM or OpenSSH text, or the path of its file`);
  }
  return {
    host: t.host!,
    port: t.port ?? 22,
    username: t.username!,
    key: Array.isArray(parsed) ? parsed[0] : parsed,
    hostKeyFingerprint: t.host_key_fingerprint?.replace(/=$/, ''),
  };
}

function readKey(value: string): string {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return value;
  const path = expandHome(value);
  if (!existsSync(path)) throw new ConfigError('ssh_tunnel.private_key is neither key text (-----BEGIN … PRIVATE KEY-----) nor an existing file');
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`ssh_tunnel.private_key: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
