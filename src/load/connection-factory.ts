import pg from 'pg';
import type { ConnectionSettings } from '../config/connection.js';
import type { Logger } from '../log.js';


/**
 * Where the loader's connections come from. The direct factory connects to the configured host;
 * another (an SSH tunnel, a proxy socket) supplies its own, behind the same interface.
 */
export interface ConnectionFactory {
  /** Where connections go, for logs (no secrets). */
  readonly display: string;
  /** Whether a server that refuses TLS may be retried without it (ssl_mode prefer/allow). */
  readonly sslFallback: boolean;
  /** How long one connection attempt may take (connect_timeout_seconds), in ms; 0: no limit. */
  readonly connectTimeoutMs: number;
  /** A pool of up to `max` connections; `ssl: false` for the fallback without TLS. */
  createPool(max: number, ssl?: false): pg.Pool;
  /** Releases what the factory holds (an SSH connection), after every pool has ended. */
  close?(): Promise<void>;
}

/** pg.Client whose connection attempts time out after `ms` (0: never). */
function timedClient(ms: number): typeof pg.Client {
  return class TimedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      // pg-pool keeps the password as a non-enumerable property, which a spread would drop
      super({ ...config, password: config?.password, connectionTimeoutMillis: ms });
    }
  };
}

/** Connections straight to the configured server. */
export function directConnections(connection: ConnectionSettings, log: Logger): ConnectionFactory {
  return {
    display: connection.display,
    sslFallback: connection.sslFallback,
    connectTimeoutMs: connection.connectTimeoutMs,
    createPool(max, ssl) {
      const { connectionTimeoutMillis, ...client } = connection.client;
      const pool = new pg.Pool({
        ...client,
        ssl: ssl ?? connection.client.ssl,
        // connect_timeout_seconds bounds each connection attempt, not the wait for a free pool
        // slot: pg-pool applies its connectionTimeoutMillis to both, and a stream's batch waiting
        // behind longer batches of other streams is no failure
        Client: timedClient(connectionTimeoutMillis ?? 0),
        // no startup `options`: poolers such as PgBouncer refuse them, and nothing may depend on
        // session state (each transaction sets what it needs, see transaction.ts)
        max,
        idleTimeoutMillis: 30_000,
      });
      // An idle client losing its connection must not crash the process; the next batch reconnects.
      pool.on('error', (err) => log.warn({ err: err.message }, 'idle database connection lost'));
      // A connection lost outside a query (between two queries, while the pool closes it, or in
      // the same network read that completed its connect, before the caller's code runs) is an
      // 'error' event on its client, which crashes the process without a listener. Every client
      // gets one from its creation (the pool's 'connect' comes before it hands the client out);
      // the next query on it fails and is retried.
      pool.on('connect', (client) => client.on('error', (e: Error) => log.debug({ err: e.message }, 'database connection lost')));
      return pool;
    },
  };
}
