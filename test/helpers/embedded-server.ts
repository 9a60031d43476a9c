import { freePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/embedded-pg.mjs';

export { freePort };

export type EmbeddedServer = Omit<EmbeddedPostgres, 'config'>;

/**
 * An embedded PostgreSQL in a temp dir on a free loopback port (scripts/embedded-pg.mjs, which
 * the demo uses too). `flags` are extra server settings (-c name=value pairs).
 */
export async function createEmbeddedServer(flags: string[] = []): Promise<EmbeddedServer> {
  return startEmbeddedPostgres({ flags });
}
