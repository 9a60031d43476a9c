import { describe, expect, it } from 'vitest';
import { classifyFailure, MAX_RETRY_AFTER_MS, planRequests, retryAfterMs, retryDelayMs, tokenBound } from '../../src/enrich/request-plan.js';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n] ?? null });

describe('planRequests', () => {
  it('batches inputs in order up to max_inputs_per_request', () => {
    expect(planRequests(['a', 'b', 'c', 'd', 'e'], { maxInputs: 2, maxTokens: 1000 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(planRequests([], { maxInputs: 2, maxTokens: 1000 })).toEqual([]);
  });

  it('keeps every request under the token cap, counting UTF-8 bytes as an upper bound of tokens', () => {
    const inputs = ['x'.repeat(100), 'y'.repeat(150), 'z'.repeat(100), 'é'.repeat(60)];
    expect(tokenBound('é'.repeat(60))).toBe(120);
    expect(planRequests(inputs, { maxInputs: 10, maxTokens: 250 })).toEqual([[0, 1], [2, 3]]);
  });

  it('gives an input over the cap its own request rather than dropping it', () => {
    expect(planRequests(['a', 'b'.repeat(500), 'c'], { maxInputs: 10, maxTokens: 100 })).toEqual([[0], [1], [2]]);
  });

  it('with the defaults, 256 chunks of 1,000 characters fit one request under 300k tokens', () => {
    const inputs = Array.from({ length: 600 }, () => 'w'.repeat(1000));
    const plan = planRequests(inputs, { maxInputs: 256, maxTokens: 300_000 });
    expect(plan.map((r) => r.length)).toEqual([256, 256, 88]);
  });
});

describe('Retry-After', () => {
  it('reads delta seconds, retry-after-ms and HTTP dates', () => {
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('waits what the server asks (capped), else backs off exponentially with jitter', () => {
    expect(retryDelayMs(0, 1500)).toBe(1500);
    expect(retryDelayMs(3, 10 * 60_000)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(0, undefined, 500, () => 0.5)).toBe(500);
    expect(retryDelayMs(3, undefined, 500, () => 0.5)).toBe(4000);
    expect(retryDelayMs(20, undefined, 500, () => 0.5)).toBe(30_000);
  });
});

describe('classifyFailure', () => {
  it('retries 429, 5xx, 408, 409 and no response; names auth, not found and bad input', () => {
    for (const s of [429, 500, 502, 503, 408, 409, undefined]) expect(classifyFailure(s)).toBe('retry');
    expect(classifyFailure(401)).toBe('auth');
    expect(classifyFailure(403)).toBe('auth');
    expect(classifyFailure(404)).toBe('not-found');
    expect(classifyFailure(400)).toBe('bad-input');
    expect(classifyFailure(422)).toBe('bad-input');
  });
});
