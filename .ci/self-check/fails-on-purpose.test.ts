import { expect, inject, it } from 'vitest';

// Run by .ci/run through `npm test` with TARGET_POSTGRES_SELF_CHECK=1: the run must exit non-zero.
it('fails on purpose, after the test database server started', () => {
  expect(inject('databaseUrl')).toMatch(/^postgres/);
  expect('this test').toBe('failing on purpose');
});
