import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The peer fixtures are workplace data beside the repository, not part of the package. */
const conformanceFixtures = existsSync(fileURLToPath(new URL('../shared/conformance/', import.meta.url)));

/**
 * TARGET_POSTGRES_SELF_CHECK=1 runs only .ci/self-check/, a test that fails on purpose: CI runs
 * it through `npm test` and requires a non-zero exit, so the test command can never report
 * success for failing tests.
 */
const selfCheck = process.env.TARGET_POSTGRES_SELF_CHECK === '1';

export default defineConfig({
  test: {
    include: selfCheck ? ['.ci/self-check/*.test.ts'] : ['test/**/*.test.ts'],
    // without the fixtures only test/conformance/fixtures-present.test.ts runs (it says why)
    exclude: conformanceFixtures ? [] : ['test/conformance/{sdk,meltanolabs,pipelinewise}.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
