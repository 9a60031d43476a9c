import { createEmbeddedServer } from './embedded-server.js';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
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

/** An embedded PostgreSQL, started once per test run. */
async function startEmbedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = await createEmbeddedServer();
  return { url: server.url, stop: () => server.destroy() };
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
