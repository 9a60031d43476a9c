import { Duplex } from 'node:stream';

/** Where a channel goes, as the bastion sees it: a TCP host and port, or a Unix socket's path. */
export type ChannelTarget = { host: string; port: number } | { path: string };

/** Opens a forwarded channel (the SSH tunnel's forwardOut). */
export type OpenChannel = (target: ChannelTarget) => Promise<Duplex>;

/**
 * What node-postgres takes as its `stream` (a socket it calls connect() on), backed by a channel
 * of the SSH tunnel. The channel is opened on connect(); its data flows both ways with
 * backpressure; its end or loss ends this socket, which node-postgres sees as a lost connection
 * (a transient error: the batch is retried on a new connection, through a reopened tunnel).
 * TLS to the database runs on top of it as on a TCP socket.
 */
export class TunnelSocket extends Duplex {
  private channel: Duplex | undefined;
  private opened: Promise<Duplex> | undefined;

  constructor(private readonly open: OpenChannel) {
    super({ allowHalfOpen: false });
  }

  /** As net.Socket's: (port, host), or (path) for a Unix socket (a host starting with /). */
  connect(portOrPath: number | string, host?: string): this {
    this.opened = this.open(host === undefined && typeof portOrPath === 'string' ? { path: portOrPath } : { host: host ?? 'localhost', port: Number(portOrPath) });
    this.opened.then(
      (channel) => {
        if (this.destroyed) {
          channel.destroy();
          return;
        }
        this.channel = channel;
        channel.on('data', (chunk: Buffer) => {
          if (!this.push(chunk)) channel.pause();
        });
        channel.on('end', () => this.push(null));
        channel.on('close', () => this.destroy());
        channel.on('error', (e: Error) => this.destroy(e));
        this.emit('connect');
      },
      (e: Error) => this.destroy(e),
    );
    return this;
  }

  override _read(): void {
    this.channel?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const channel = this.channel;
    if (channel) {
      channel.write(chunk, callback);
      return;
    }
    if (!this.opened) return callback(new Error('tunnel socket written before connect()'));
    this.opened.then(
      (c) => c.write(chunk, callback),
      (e: Error) => callback(e),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.channel?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.channel?.destroy();
    callback(error);
  }

  // what node-postgres calls on a net.Socket: nothing to do on a channel
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
