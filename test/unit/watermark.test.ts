import { describe, expect, it } from 'vitest';
import { ExactNumber, parseJsonLine } from '../../src/protocol/exact-json.js';
import { StateWatermark } from '../../src/state/watermark.js';

describe('StateWatermark: release rules', () => {
  it('releases a state once no uncommitted record is older than it', () => {
    const w = new StateWatermark();
    w.offer(5, { bookmark: 1 });
    expect(w.release(3)).toBeUndefined(); // record on line 3 not committed yet
    expect(w.pending).toBe(1);
    expect(w.release(6)).toBe('{"bookmark":1}');
    expect(w.pending).toBe(0);
  });

  it('releases everything when nothing is uncommitted', () => {
    const w = new StateWatermark();
    w.offer(1, { a: 1 });
    expect(w.release(Infinity)).toBe('{"a":1}');
  });

  it('does not release a state that comes after the oldest uncommitted record', () => {
    const w = new StateWatermark();
    w.offer(10, { a: 1 });
    expect(w.release(10)).toBeUndefined();
    expect(w.release(1)).toBeUndefined();
    expect(w.pending).toBe(1);
  });

  it('writes only the newest safe state and keeps later ones queued', () => {
    const w = new StateWatermark();
    w.offer(2, { s: 'A' });
    w.offer(4, { s: 'B' });
    w.offer(6, { s: 'C' });
    expect(w.release(5)).toBe('{"s":"B"}');
    expect(w.pending).toBe(1);
    expect(w.release(5)).toBeUndefined();
    expect(w.release(7)).toBe('{"s":"C"}');
    expect(w.pending).toBe(0);
  });

  it('returns nothing when no state is queued', () => {
    expect(new StateWatermark().release(Infinity)).toBeUndefined();
  });
});

describe('StateWatermark: what is written', () => {
  it('writes consecutive identical states once', () => {
    const w = new StateWatermark();
    w.offer(1, { a: 1 });
    expect(w.release(Infinity)).toBe('{"a":1}');
    w.offer(2, { a: 1 });
    expect(w.release(Infinity)).toBeUndefined();
    w.offer(3, { a: 2 });
    expect(w.release(Infinity)).toBe('{"a":2}');
    w.offer(4, { a: 1 });
    expect(w.release(Infinity)).toBe('{"a":1}');
  });

  it('does not rewrite the last written state when newer states returned to it', () => {
    const w = new StateWatermark();
    w.offer(1, { a: 1 });
    expect(w.release(Infinity)).toBe('{"a":1}');
    w.offer(2, { a: 2 });
    w.offer(3, { a: 1 });
    expect(w.release(Infinity)).toBeUndefined();
  });

  it.each([null, undefined, {}])('never writes an empty state (%j)', (value) => {
    const w = new StateWatermark();
    w.offer(1, value);
    expect(w.pending).toBe(0);
    expect(w.release(Infinity)).toBeUndefined();
  });

  it('an empty state does not hide an earlier real one', () => {
    const w = new StateWatermark();
    w.offer(1, { a: 1 });
    w.offer(2, {});
    expect(w.release(Infinity)).toBe('{"a":1}');
  });

  it('writes the state as one line of JSON', () => {
    const w = new StateWatermark();
    w.offer(1, { text: 'multi\nline', nested: { list: [1, 'x'] } });
    const out = w.release(Infinity) as string;
    expect(out).not.toContain('\n');
    expect(JSON.parse(out)).toEqual({ text: 'multi\nline', nested: { list: [1, 'x'] } });
  });

  it('keeps the digits of big integers in a state', () => {
    const w = new StateWatermark();
    const { value } = parseJsonLine('{"bookmarks":{"s":{"replication_key_value":99999999999999999}}}');
    w.offer(1, value);
    expect(w.release(Infinity)).toBe('{"bookmarks":{"s":{"replication_key_value":99999999999999999}}}');
  });

  it('keeps the digits of an ExactNumber at the top level', () => {
    const w = new StateWatermark();
    w.offer(1, [new ExactNumber('-9223372036854775808')]);
    expect(w.release(Infinity)).toBe('[-9223372036854775808]');
  });

  it('is not affected by later changes to the offered object', () => {
    const w = new StateWatermark();
    const state = { a: 1 };
    w.offer(1, state);
    state.a = 2;
    expect(w.release(Infinity)).toBe('{"a":1}');
  });
});
