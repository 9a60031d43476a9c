import { describe, expect, it } from 'vitest';
import { Spares } from '../../src/input/spares.js';

describe('Spares (block and row buffers of the encode workers)', () => {
  it('reuses buffers of its size, gives larger ones to long blocks and keeps at most max', () => {
    const spares = new Spares(1024, 2);
    const a = spares.take(100);
    expect(a.byteLength).toBe(1024);
    expect(spares.take(5000).byteLength).toBe(5000);
    spares.give(a);
    spares.give(a);
    expect(spares.kept).toBe(1);
    expect(spares.take()).toBe(a);
    spares.give(new ArrayBuffer(5000));
    spares.give(new ArrayBuffer(1024));
    spares.give(new ArrayBuffer(1024));
    spares.give(new ArrayBuffer(1024));
    expect(spares.kept).toBe(2);
  });

  it('does not keep a buffer transferred away (detached)', () => {
    const spares = new Spares(1024, 4);
    const a = spares.take();
    structuredClone(a, { transfer: [a] });
    spares.give(a);
    expect(spares.kept).toBe(0);
  });
});
