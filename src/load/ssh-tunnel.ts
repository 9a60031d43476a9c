import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type ssh2 from 'ssh2';
import { ssh2 as loadSsh2 } from '../lazy-modules.js';
import type { ConnectionSettings } from '../config/connection.js';
import type { SshTunnelSettings } from '../config/ssh-tunnel.js';
import { DestinationError } from '../errors.js';
import type { Logger } from '../log.js';
import { directConnections, type ConnectionFactory } from './connection-factory.js';
import { TunnelSocket, type ChannelTarget } from './tunnel-socket.js';

/** Channel open failure reasons (RFC 4254) a later attempt may get past: connect failed, resource shortage. */
const TRANSIENT_OPEN_FAILURES = new Set([2, 4]);

/** The SHA256:… fingerprint of a host key, as `ssh-keygen -l` prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/**
 * One SSH connection to the bastion, shared by every database connection: each is a channel
 * forwarded to the database (like `ssh -L`). Opened on first use; when it drops (bastion
 * restarted, network cut, keepalives unanswered) the next channel opens a new one. Errors are
 * DestinationErrors: an unreachable bastion is transient (retried, then exit 75); a refused key
 * or a wrong host key is not (exit 69). Nothing here logs or throws a key or a passphrase.
 */
export class SshTunnel {
  private client: ssh2.Client | undefined;
  private ready: Promise<ssh2.Client> | undefined;
  private closed = false;
  readonly display: string;

  constructor(
    private readonly settings: SshTunnelSettings,
    private readonly connectTimeoutMs: number,
    private readonly log: Logger,
  ) {
    this.display = `${settings.username}@${settings.host}:${settings.port}`;
  }

  /** A channel to host:port, or to a Unix socket, as the bastion sees them. */
  async forward(target: ChannelTarget): Promise<Duplex> {
    const client = await this.connection();
    const where = 'path' in target ? target.path : `${target.host}:${target.port}`;
    return new Promise((resolve, reject) => {
      const done = (err: (Error & { reason?: number }) | undefined, channel: Duplex) => {
        if (!err) return resolve(channel);
        const reason = err.reason;
        const transient = reason === undefined || TRANSIENT_OPEN_FAILURES.has(reason);
        if (reason === undefined) this.drop(client);
        reject(new DestinationError(`SSH tunnel ${this.display}: the bastion could not open a connection to ${where} (${err.message})${transient ? '' : '; check that the bastion allows forwarding (AllowTcpForwarding, PermitOpen, AllowStreamLocalForwarding)'}`, transient, {}, 'ESSHFORWARD', err));
      };
      try {
        if ('path' in target) client.openssh_forwardOutStreamLocal(target.path, done);
        else client.forwardOut('127.0.0.1', 0, target.host, target.port, done);
      } catch (e) {
        // the SSH connection went away before its 'close' event: the next attempt reopens it
        done(e as Error, undefined as never);
      }
    });
  }

  private connection(): Promise<ssh2.Client> {
    if (this.closed) return Promise.reject(new DestinationError(`SSH tunnel ${this.display} is closed`, false));
    this.ready ??= this.open();
    return this.ready;
  }

  private open(): Promise<ssh2.Client> {
    const s = this.settings;
    const client = new (loadSsh2().Client)();
    this.client = client;
    let seenKey: string | undefined;
    let hostKeyRefused = false;
    const attempt = new Promise<ssh2.Client>((resolve, reject) => {
      let isReady = false;
      client.on('ready', () => {
        isReady = true;
        this.log.info({ bastion: this.display, hostKey: seenKey, hostKeyChecked: s.hostKeyFingerprint !== undefined }, s.hostKeyFingerprint ? 'SSH tunnel open' : 'SSH tunnel open (host key not checked: set ssh_tunnel.host_key_fingerprint to check it)');
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (isReady) {
          this.log.warn({ bastion: this.display, err: err.message }, 'SSH tunnel error');
          return;
        }
        reject(this.openError(err, hostKeyRefused, seenKey));
      });
      client.on('close', () => {
        if (!isReady) reject(new DestinationError(`SSH tunnel ${this.display}: the bastion closed the connection during the handshake`, true, {}, 'ESSHCLOSED'));
        else if (!this.closed) this.log.warn({ bastion: this.display }, 'SSH tunnel closed; the next database connection reopens it');
        this.drop(client);
      });
    });
    attempt.catch(() => this.drop(client));
    const publicKeyAuth: ssh2.PublicKeyAuthMethod = { type: 'publickey', username: s.username, key: s.key };
    client.connect({
      host: s.host,
      port: s.port,
      username: s.username,
      // the key decrypted when the config was read (see SshTunnelSettings.key)
      authHandler: [publicKeyAuth],
      readyTimeout: this.connectTimeoutMs > 0 ? this.connectTimeoutMs : 2 ** 31 - 1,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      hostVerifier: (key: Buffer) => {
        seenKey = hostKeyFingerprint(key);
        hostKeyRefused = s.hostKeyFingerprint !== undefined && seenKey !== s.hostKeyFingerprint;
        return !hostKeyRefused;
      },
    });
    return attempt;
  }

  /** Forgets a connection that is gone, so the next channel opens a new one. */
  private drop(client: ssh2.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.ready = undefined;
    client.end();
  }

  private openError(err: Error & { level?: string }, hostKeyRefused: boolean, seenKey: string | undefined): DestinationError {
    const where = `SSH tunnel ${this.display}`;
    if (hostKeyRefused) {
      return new DestinationError(`${where}: the bastion's host key ${seenKey} is not ssh_tunnel.host_key_fingerprint; if the bastion's key really changed, update the setting`, false, {}, 'ESSHHOSTKEY', err);
    }
    if (err.level === 'client-authentication') {
      return new DestinationError(`${where}: the bastion did not accept ssh_tunnel.private_key for user ${JSON.stringify(this.settings.username)} (${err.message}); check ssh_tunnel.username and that the key's public half is in that user's authorized_keys on the bastion`, false, {}, 'ESSHAUTH', err);
    }
    if (err.level === 'client-socket' || err.level === 'client-timeout' || /timed out/i.test(err.message)) {
      return new DestinationError(`${where}: cannot reach the bastion (${err.message}); check ssh_tunnel.host and ssh_tunnel.port`, true, {}, 'ESSHCONNECT', err);
    }
    return new DestinationError(`${where}: SSH handshake failed (${err.message})`, false, {}, 'ESSHHANDSHAKE', err);
  }

  /** Ends the SSH connection (after every database connection through it has ended). */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.ready = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.end();
      setTimeout(resolve, 1000).unref();
    });
  }
}

/** Connections to the database through the SSH tunnel: the direct factory with a tunnel channel as each connection's socket. */
export function tunneledConnections(connection: ConnectionSettings, settings: SshTunnelSettings, log: Logger): ConnectionFactory {
  const tunnel = new SshTunnel(settings, connection.connectTimeoutMs, log);
  const stream = () => new TunnelSocket((target) => tunnel.forward(target));
  const direct = directConnections({ ...connection, client: { ...connection.client, stream } }, log);
  return {
    ...direct,
    display: `${connection.display} via SSH ${tunnel.display}`,
    close: () => tunnel.close(),
  };
}
