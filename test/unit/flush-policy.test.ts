import { describe, expect, it } from 'vitest';
import { isFull, isStale, overMemory, type FlushLimits } from '../../src/batch/flush-policy.js';

const limits: FlushLimits = { batchRows: 10, batchBytes: 1000, maxAgeMs: 5000, maxBufferedBytes: 4000, flushAll: false };

describe('flush policy', () => {
  it('a buffer is full at batch_size_rows rows or batch_size_bytes bytes', () => {
    expect(isFull({ size: 9, bytes: 999 }, limits)).toBe(false);
    expect(isFull({ size: 10, bytes: 1 }, limits)).toBe(true);
    expect(isFull({ size: 1, bytes: 1000 }, limits)).toBe(true);
  });

  it('a non-empty buffer is due once it is max_record_age old', () => {
    expect(isStale({ size: 1, openedAt: 1000 }, 5999, limits)).toBe(false);
    expect(isStale({ size: 1, openedAt: 1000 }, 6000, limits)).toBe(true);
    expect(isStale({ size: 0, openedAt: 0 }, 1e12, limits)).toBe(false);
  });

  it('reading waits while buffered plus in-flight bytes pass max_buffered_bytes', () => {
    expect(overMemory(2000, 2000, limits)).toBe(false);
    expect(overMemory(2000, 2001, limits)).toBe(true);
    expect(overMemory(4001, 0, limits)).toBe(true);
  });
});
