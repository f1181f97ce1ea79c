import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterStore } from '../counters.js';
import { FREQUENCY_RESOLUTIONS } from '../frequency-tally.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A bucket boundary of every resolution (midnight UTC). */
const T0 = Date.UTC(2026, 10, 27);
const TWO_POW_53 = 2n ** 53n;

let serial = 0;
const fresh = (label: string) => `${label}-${Date.now().toString(36)}-${++serial}`;

/** The documented bucket of history a count may add before the window's start. */
function slackBucketMs(windowMs: number | null): number {
  return FREQUENCY_RESOLUTIONS.find((r) => windowMs !== null && windowMs <= r.maxWindowMs)?.bucketMs ?? Number.POSITIVE_INFINITY;
}

/**
 * The behaviour every CounterStore adapter must have. `open` returns a fresh,
 * empty store and a function that disposes of it (and of every key it wrote).
 */
export function runCounterStoreContract(name: string, open: () => Promise<{ store: CounterStore; dispose: () => Promise<void> }>): void {
  describe(`CounterStore contract: ${name}`, () => {
    let opened: { store: CounterStore; dispose: () => Promise<void> } | undefined;
    const store = () => {
      if (!opened) throw new Error('the store did not open');
      return opened.store;
    };
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      await opened?.dispose();
    });

    it('answers ping when it can be used', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
      expect(['memory', 'redis']).toContain(store().kind);
    });

    describe('frequency', () => {
      it('counts nothing for a user key it has never seen', async () => {
        const record = await store().frequencyOf(fresh('nobody'), T0);
        expect(record.count('li-1', null)).toBe(0);
        expect(record.count('li-1', HOUR_MS)).toBe(0);
      });

      it('counts each scope of an impression, per window and over the lifetime', async () => {
        const user = fresh('user');
        await store().recordImpression(user, ['li-1', 'c-1'], T0 - 10 * DAY_MS);
        await store().recordImpression(user, ['li-1', 'c-1'], T0 - 2 * HOUR_MS);
        await store().recordImpression(user, ['li-2', 'c-1'], T0 - 5 * MINUTE_MS);
        const record = await store().frequencyOf(user, T0);
        expect(record.count('li-1', null)).toBe(2);
        expect(record.count('c-1', null)).toBe(3);
        expect(record.count('c-1', 30 * MINUTE_MS)).toBe(1);
        expect(record.count('c-1', DAY_MS)).toBe(2);
        expect(record.count('c-1', 30 * DAY_MS)).toBe(3);
        expect(record.count('li-2', 30 * DAY_MS)).toBe(1);
        expect(record.count('li-3', null)).toBe(0);
        expect(record.count('c-1', 0)).toBe(0);
      });

      it('counts an impression just inside the window start and, within one bucket, may count one just before it', async () => {
        const user = fresh('edge');
        // Minute resolution: (T0 - 10 min, T0]; the bucket of T0 - 10 min starts exactly there.
        await store().recordImpression(user, ['li'], T0 - 10 * MINUTE_MS + 1);
        await store().recordImpression(user, ['li'], T0 - 10 * MINUTE_MS - 1);
        await store().recordImpression(user, ['li'], T0 - 12 * MINUTE_MS);
        const record = await store().frequencyOf(user, T0);
        // Exactly one is in the window; the one a millisecond before falls in the previous bucket.
        expect(record.count('li', 10 * MINUTE_MS)).toBe(1);
        // Half a minute later the window starts mid-bucket: none is in it, but that bucket's impression is counted (documented over-count).
        const later = await store().frequencyOf(user, T0 + 30_000);
        expect(later.count('li', 10 * MINUTE_MS)).toBe(1);
        expect(later.count('li', null)).toBe(3);
      });

      it('never undercounts, and over-counts by at most the bucket holding the window start (property)', async () => {
        const windows = [MINUTE_MS, 5 * MINUTE_MS, HOUR_MS, 3 * HOUR_MS, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 400 * DAY_MS, null];
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 0, max: 40 * DAY_MS }), { minLength: 1, maxLength: 12 }),
            fc.integer({ min: 0, max: DAY_MS }),
            async (agesMs, offsetMs) => {
              const user = fresh('prop');
              const nowMs = T0 + offsetMs;
              const times = agesMs.map((ageMs) => nowMs - ageMs);
              for (const atMs of times) await store().recordImpression(user, ['s'], atMs);
              const record = await store().frequencyOf(user, nowMs);
              for (const windowMs of windows) {
                const startMs = windowMs === null ? Number.NEGATIVE_INFINITY : nowMs - windowMs;
                const exact = times.filter((t) => t > startMs).length;
                const slack = times.filter((t) => t <= startMs && t > startMs - slackBucketMs(windowMs)).length;
                const counted = record.count('s', windowMs);
                expect(counted).toBeGreaterThanOrEqual(exact);
                expect(counted).toBeLessThanOrEqual(exact + slack);
              }
            },
          ),
          { numRuns: 25 },
        );
      });

      it('counts concurrent impressions of one user key exactly', async () => {
        const user = fresh('burst');
        await Promise.all(Array.from({ length: 40 }, (_, i) => store().recordImpression(user, ['li', `c${i % 2}`], T0 - i * 1000)));
        const record = await store().frequencyOf(user, T0);
        expect(record.count('li', null)).toBe(40);
        expect(record.count('li', HOUR_MS)).toBe(40);
        expect(record.count('c0', HOUR_MS) + record.count('c1', HOUR_MS)).toBe(40);
      });
    });

    describe('spend', () => {
      it('sums spend per key exactly beyond 2^53 and answers 0n for unknown keys', async () => {
        const [a, b] = [fresh('spend-a'), fresh('spend-b')];
        await store().addSpend([
          { key: a, micros: TWO_POW_53 },
          { key: b, micros: 5n },
        ]);
        await store().addSpend([
          { key: a, micros: 1n },
          { key: a, micros: 2n },
        ]);
        expect(await store().spent([b, fresh('unknown'), a])).toEqual([5n, 0n, TWO_POW_53 + 3n]);
      });

      it('adds concurrent spend without losing any', async () => {
        const key = fresh('spend-race');
        await Promise.all(Array.from({ length: 50 }, () => store().addSpend([{ key, micros: 1_000_001n }])));
        expect(await store().spent([key])).toEqual([50_000_050n]);
      });

      it('refuses negative spend', async () => {
        await expect(store().addSpend([{ key: fresh('neg'), micros: -1n }])).rejects.toThrow(RangeError);
      });
    });

    describe('leases', () => {
      const request = (limitMicros: bigint, wantMicros: bigint, nowMs = T0, ttlMs = 10_000) => ({ limitMicros, wantMicros, nowMs, ttlMs });

      it('grants what is left under the limit after spend and other live leases', async () => {
        const key = fresh('lease');
        await store().addSpend([{ key, micros: 300n }]);
        const first = await store().lease(key, request(1_000n, 500n));
        expect(first).toMatchObject({ grantedMicros: 500n, expiresAtMs: T0 + 10_000 });
        const second = await store().lease(key, request(1_000n, 500n));
        expect(second.grantedMicros).toBe(200n);
        expect(second.leaseId).not.toBe(first.leaseId);
        expect((await store().lease(key, request(1_000n, 500n))).grantedMicros).toBe(0n);
      });

      it('frees an expired lease at its expiry, not before', async () => {
        const key = fresh('lapse');
        await store().lease(key, request(1_000n, 1_000n, T0, 5_000));
        expect((await store().lease(key, request(1_000n, 1n, T0 + 4_999))).grantedMicros).toBe(0n);
        expect((await store().lease(key, request(1_000n, 1_000n, T0 + 5_000))).grantedMicros).toBe(1_000n);
      });

      it('frees a released lease, and keeps only what a partial release keeps until expiry', async () => {
        const key = fresh('release');
        const lease = await store().lease(key, request(1_000n, 1_000n));
        await store().release(key, lease.leaseId);
        const again = await store().lease(key, request(1_000n, 1_000n));
        expect(again.grantedMicros).toBe(1_000n);
        await store().release(key, again.leaseId, 400n);
        expect((await store().lease(key, request(1_000n, 1_000n, T0 + 1))).grantedMicros).toBe(600n);
        await store().release(key, 'no-such-lease');
        await store().release(key, again.leaseId, 5_000n); // never grows
        // At T0 + 10 s the partly released lease has lapsed; the 600 granted at T0 + 1 is still live.
        expect((await store().lease(key, request(1_000n, 1_000n, T0 + 10_000))).grantedMicros).toBe(400n);
      });

      it('leases exactly beyond 2^53', async () => {
        const key = fresh('big');
        await store().addSpend([{ key, micros: TWO_POW_53 + 1n }]);
        const limit = TWO_POW_53 * 4n + 7n;
        const lease = await store().lease(key, request(limit, TWO_POW_53 * 2n));
        expect(lease.grantedMicros).toBe(TWO_POW_53 * 2n);
        expect((await store().lease(key, request(limit, limit))).grantedMicros).toBe(limit - TWO_POW_53 * 3n - 1n);
      });

      it('never grants more than the limit minus spend to many parallel lease calls', async () => {
        for (let round = 0; round < 5; round++) {
          const key = fresh('race');
          await store().addSpend([{ key, micros: 1_234n }]);
          const wants = Array.from({ length: 60 }, (_, i) => BigInt(100 + ((i * 7919 + round * 31) % 900)));
          const leases = await Promise.all(wants.map((want) => store().lease(key, request(20_000n, want))));
          const granted = leases.reduce((sum, lease) => sum + lease.grantedMicros, 0n);
          expect(granted).toBe(20_000n - 1_234n); // the wants add up to more, so everything is granted, never more
          leases.forEach((lease, i) => {
            expect(lease.grantedMicros >= 0n && lease.grantedMicros <= (wants[i] as bigint)).toBe(true);
          });
          expect(new Set(leases.map((lease) => lease.leaseId)).size).toBe(leases.length);
        }
      });
    });
  });
}
