import { createManualClock } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';

describe('memory rate limiter (token bucket)', () => {
  it('allows a full burst, then refuses with the time until the next token', () => {
    const clock = createManualClock();
    const limiter = createMemoryRateLimiter({ perSecond: 2, burst: 3, clock });
    expect([1, 2, 3].map(() => limiter.take('k').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('k');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(500);
    clock.advance(500);
    expect(limiter.take('k').allowed).toBe(true);
  });

  it('keeps keys apart', () => {
    const limiter = createMemoryRateLimiter({ perSecond: 1, burst: 1, clock: createManualClock() });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('peek does not consume tokens', () => {
    const limiter = createMemoryRateLimiter({ perSecond: 1, burst: 1, clock: createManualClock() });
    expect(limiter.peek('a').allowed).toBe(true);
    expect(limiter.peek('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.peek('a').allowed).toBe(false);
  });

  it('never allows more than burst + rate × elapsed requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 200 }),
        (perSecond, burst, gapsMs) => {
          const clock = createManualClock();
          const limiter = createMemoryRateLimiter({ perSecond, burst, clock });
          let allowed = 0;
          let elapsedMs = 0;
          for (const gap of gapsMs) {
            clock.advance(gap);
            elapsedMs += gap;
            if (limiter.take('k').allowed) allowed++;
          }
          return allowed <= burst + Math.floor((perSecond * elapsedMs) / 1000);
        },
      ),
    );
  });

  it('bounds memory: idle buckets go first, then the least recently used', () => {
    const clock = createManualClock();
    const limiter = createMemoryRateLimiter({ perSecond: 1, burst: 1, clock, maxKeys: 10 });
    for (let i = 0; i < 10; i++) limiter.take(`idle${i}`);
    clock.advance(5_000);
    limiter.take('fresh');
    expect(limiter.size()).toBe(1);
    for (let i = 0; i < 30; i++) limiter.take(`busy${i}`);
    expect(limiter.size()).toBeLessThanOrEqual(10);
    // the most recent key kept its state: its single token is spent
    expect(limiter.take('busy29').allowed).toBe(false);
  });
});
