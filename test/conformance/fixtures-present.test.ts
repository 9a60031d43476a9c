import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CONFORMANCE_DIR } from './fixtures.js';

// The peer conformance fixtures (../shared/conformance) are workplace data, not part of the
// package: a clone without them skips the conformance suites (vitest.config.ts), saying so here.
// CI must have them.
const present = existsSync(CONFORMANCE_DIR);

if (process.env.CI === 'true') {
  it('the peer conformance fixtures are present (CI needs ../shared/conformance)', () => {
    expect(present, `${CONFORMANCE_DIR} not found`).toBe(true);
  });
} else if (present) {
  it('the peer conformance fixtures are present (../shared/conformance)', () => {
    expect(present).toBe(true);
  });
} else {
  it.skip('peer conformance suites skipped: ../shared/conformance not found (workplace data, not part of the package)', () => undefined);
}
