import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { connectionSettings } from '../../src/config/connection.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { directConnections } from '../../src/load/connection-factory.js';

describe('directConnections', () => {
  const settings = connectionSettings(resolveConfig({ host: 'db', user: 'u', password: 'secret pw', database: 'd', connect_timeout_seconds: 4 }).config, {});
  const pool = directConnections(settings, pino({ level: 'silent' })).createPool(2);
  const options = (pool as unknown as { options: pg.PoolConfig & { Client: typeof pg.Client } }).options;

  it('connect_timeout_seconds bounds each connection attempt, not the wait for a free pool slot', () => {
    expect(options.connectionTimeoutMillis).toBeUndefined();
    const client = new options.Client(options) as unknown as { _connectionTimeoutMillis: number; password: string; user: string };
    expect(client._connectionTimeoutMillis).toBe(4000);
    // pg-pool keeps the password non-enumerable; the client still gets it
    expect(client.password).toBe('secret pw');
    expect(client.user).toBe('u');
  });
});
