import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReplayGuard } from './replay-guard.js';

describe('replay guard', () => {
  it('lets a key through once until it expires, then once again', () => {
    const guard = createReplayGuard();
    expect(guard.claim('d1/impression', 1_000, 0)).toBe(true);
    expect(guard.claim('d1/impression', 1_000, 999)).toBe(false);
    expect(guard.claim('d1/click', 1_000, 999)).toBe(true);
    expect(guard.claim('d1/impression', 2_000, 1_000)).toBe(true);
  });

  it('forgets a released claim so a retry counts', () => {
    const guard = createReplayGuard();
    expect(guard.claim('k', 100, 0)).toBe(true);
    guard.release('k');
    expect(guard.claim('k', 100, 0)).toBe(true);
  });

  it('never holds more than maxEntries, forgetting the oldest first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.nat({ max: 200 }), { maxLength: 400 }), (maxEntries, keys) => {
        const guard = createReplayGuard({ maxEntries });
        for (const key of keys) guard.claim(String(key), 1_000_000, 0);
        expect(guard.size).toBeLessThanOrEqual(maxEntries);
      }),
    );
    const guard = createReplayGuard({ maxEntries: 2 });
    guard.claim('a', 100, 0);
    guard.claim('b', 100, 0);
    guard.claim('c', 100, 0);
    expect(guard.claim('b', 100, 0)).toBe(false);
    expect(guard.claim('a', 100, 0)).toBe(true);
  });

  it('sweeps expired entries as new claims arrive, without a timer', () => {
    const guard = createReplayGuard();
    for (let i = 0; i < 100; i++) guard.claim(`old${i}`, 10, 0);
    for (let i = 0; i < 100; i++) guard.claim(`new${i}`, 1_000, 20);
    expect(guard.size).toBe(100);
  });
});
