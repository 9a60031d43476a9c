import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('test harness', () => {
  it('TEST_PG_IMAGE without a Docker engine fails at once with a clear message (no hang)', () => {
    const started = Date.now();
    const env: NodeJS.ProcessEnv = { ...process.env, TEST_PG_IMAGE: 'postgres:16', DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    delete env.TEST_DATABASE_URL;
    const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/unit/quote.test.ts', '--reporter=dot'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('TEST_PG_IMAGE=postgres:16: cannot start a container');
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 100_000);
});
