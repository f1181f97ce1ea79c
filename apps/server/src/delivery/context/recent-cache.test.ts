import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('behaves like a model list of recently used keys, whatever the operations', () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('get' as const), key: fc.nat(12) }),
      fc.record({ op: fc.constant('set' as const), key: fc.nat(12), value: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(operation, { maxLength: 80 }), (capacity, operations) => {
        const cache = new LruCache<number, number>(capacity);
        let model: [number, number][] = []; // least recent first
        for (const step of operations) {
          const at = model.findIndex(([key]) => key === step.key);
          if (step.op === 'get') {
            const hit = at >= 0 ? model.splice(at, 1)[0] : undefined;
            if (hit) model.push(hit);
            expect(cache.get(step.key)).toBe(hit?.[1]);
          } else {
            if (at >= 0) model.splice(at, 1);
            model.push([step.key, step.value]);
            if (model.length > capacity) model = model.slice(1);
            cache.set(step.key, step.value);
          }
          expect(cache.size).toBe(model.length);
        }
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
});
