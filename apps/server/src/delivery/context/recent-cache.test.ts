import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentCache } from './recent-cache.js';

const operation = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: fc.nat(15) }),
  fc.record({ op: fc.constant('set' as const), key: fc.nat(15), value: fc.nat() }),
);

describe('RecentCache', () => {
  it('answers only the value last set for a key, and stays within its bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(operation, { maxLength: 120 }), (maxEntries, operations) => {
        const cache = new RecentCache<number, number>(maxEntries);
        const latest = new Map<number, number>();
        for (const step of operations) {
          if (step.op === 'set') {
            cache.set(step.key, step.value);
            latest.set(step.key, step.value);
          } else {
            const value = cache.get(step.key);
            if (value !== undefined) expect(value).toBe(latest.get(step.key));
          }
          expect(cache.size).toBeLessThanOrEqual(2 * Math.ceil(maxEntries / 2));
        }
      }),
    );
  });

  it('keeps every entry used within the last half of its capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(operation, { maxLength: 120 }), (maxEntries, operations) => {
        const cache = new RecentCache<number, number>(maxEntries);
        const recent: number[] = []; // keys by last use, most recent last, only hits and sets count
        for (const step of operations) {
          let hit = true;
          if (step.op === 'set') cache.set(step.key, step.value);
          else hit = cache.get(step.key) !== undefined;
          if (hit) {
            const at = recent.indexOf(step.key);
            if (at >= 0) recent.splice(at, 1);
            recent.push(step.key);
          }
          for (const key of recent.slice(-Math.ceil(maxEntries / 2))) expect(cache.get(key), `key ${key}`).not.toBeUndefined();
        }
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentCache(0)).toThrow(RangeError);
    expect(() => new RecentCache(1.5)).toThrow(RangeError);
  });
});
