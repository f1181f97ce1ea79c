import { createMemoryCounterStore } from '@adplatform/adapter-memory';
import { createManualClock } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import { AllowanceManager, type AllowanceManagerOptions, defaultChunkMicros } from './allowances.js';

const T0 = new Date('2026-11-27T12:00:00Z');
const LI = { key: 'li:1:total', limitMicros: 1_000_000n };
const CAMPAIGN = { key: 'c:1:total', limitMicros: 10_000_000n };

function setUp(options: Partial<AllowanceManagerOptions> = {}) {
  const counters = createMemoryCounterStore();
  const clock = createManualClock(T0);
  const manager = new AllowanceManager({ counters, clock, chunkMicros: () => 100_000n, leaseTtlMs: 60_000, graceMs: 10_000, ...options });
  return { counters, clock, manager, nowMs: () => clock.now().getTime() };
}

describe('AllowanceManager', () => {
  it('has no allowance for a key it has never seen, then the chunk it leased in the background', async () => {
    const { manager, counters, nowMs } = setUp();
    expect(manager.hasAllowance([LI], 1n)).toBe(false);
    await manager.settle();
    expect(manager.allowanceMicros(LI.key)).toBe(100_000n);
    expect(manager.hasAllowance([LI], 100_000n)).toBe(true);
    expect(manager.hasAllowance([LI], 100_001n)).toBe(false);
    // The store holds the lease against the limit: another process gets the rest only.
    expect(
      (await counters.lease(LI.key, { limitMicros: LI.limitMicros, wantMicros: 2_000_000n, ttlMs: 1, nowMs: nowMs() })).grantedMicros,
    ).toBe(900_000n);
  });

  it('consumes from every budget or from none', async () => {
    const { manager } = setUp({ chunkMicros: (limit) => limit / 10n });
    manager.warm([LI, CAMPAIGN]);
    await manager.settle();
    expect(manager.consume([LI, CAMPAIGN], 60_000n)).toBe(true);
    expect(manager.allowanceMicros(LI.key)).toBe(40_000n);
    expect(manager.allowanceMicros(CAMPAIGN.key)).toBe(940_000n);
    expect(manager.consume([LI, CAMPAIGN], 50_000n)).toBe(false);
    expect(manager.allowanceMicros(CAMPAIGN.key)).toBe(940_000n);
  });

  it('leases another chunk in the background once the allowance is below a quarter of a chunk', async () => {
    const { manager } = setUp();
    manager.warm([LI]);
    await manager.settle();
    expect(manager.consume([LI], 70_000n)).toBe(true);
    await manager.settle();
    expect(manager.allowanceMicros(LI.key)).toBe(30_000n); // 30,000 left is more than a quarter
    expect(manager.consume([LI], 10_000n)).toBe(true);
    expect(manager.allowanceMicros(LI.key)).toBe(20_000n); // the refill is under way, not awaited
    await manager.settle();
    expect(manager.allowanceMicros(LI.key)).toBe(120_000n);
    expect(manager.consume([LI], 110_000n)).toBe(true); // spans both leases
  });

  it('stops spending a lease grace before its expiry and renews it ahead of time', async () => {
    const { manager, clock } = setUp({ renewAheadMs: 15_000 });
    manager.warm([LI]);
    await manager.settle();
    clock.advance(30_000); // usable until 50 s: not yet within 15 s of it
    await manager.tick();
    await manager.settle();
    expect(manager.allowanceMicros(LI.key)).toBe(100_000n);
    clock.advance(6_000); // usable for 14 s more: renew
    await manager.tick();
    await manager.settle();
    expect(manager.allowanceMicros(LI.key)).toBe(200_000n);
    clock.advance(14_000); // the first lease is in its last 10 s: no longer spent from
    expect(manager.allowanceMicros(LI.key)).toBe(100_000n);
  });

  it('asks the store again only after retryMs once the budget is used up', async () => {
    const { manager, counters, clock } = setUp({ retryMs: 1_000 });
    await counters.addSpend([{ key: LI.key, micros: LI.limitMicros }]);
    expect(manager.hasAllowance([LI], 1n)).toBe(false);
    await manager.settle();
    expect(manager.hasAllowance([LI], 1n)).toBe(false);
    const spy = { calls: 0 };
    const lease = counters.lease.bind(counters);
    counters.lease = (key, request) => {
      spy.calls++;
      return lease(key, request);
    };
    manager.hasAllowance([LI], 1n);
    expect(spy.calls).toBe(0);
    clock.advance(1_000);
    manager.hasAllowance([LI], 1n);
    expect(spy.calls).toBe(1);
  });

  it('reports spend in batches and flushes it on close', async () => {
    const { manager, counters } = setUp();
    manager.recordSpend(LI.key, 1_500n);
    manager.recordSpend(LI.key, 2_500n);
    manager.recordSpend(CAMPAIGN.key, 4_000n);
    expect(await counters.spent([LI.key])).toEqual([0n]);
    await manager.tick();
    expect(await counters.spent([LI.key, CAMPAIGN.key])).toEqual([4_000n, 4_000n]);
    manager.recordSpend(LI.key, 1n);
    await manager.close();
    expect(await counters.spent([LI.key])).toEqual([4_001n]);
  });

  it('gives back the unused part of its leases on close, keeping the used part until expiry', async () => {
    const { manager, counters, nowMs } = setUp();
    manager.warm([LI]);
    await manager.settle();
    manager.consume([LI], 30_000n);
    await manager.close();
    const rest = await counters.lease(LI.key, { limitMicros: LI.limitMicros, wantMicros: LI.limitMicros, ttlMs: 1, nowMs: nowMs() });
    expect(rest.grantedMicros).toBe(970_000n);
    expect(manager.hasAllowance([LI], 1n)).toBe(false);
  });

  it('drops keys idle for idleMs and releases their leases', async () => {
    const { manager, counters, clock, nowMs } = setUp({ idleMs: 5_000 });
    manager.warm([LI]);
    await manager.settle();
    clock.advance(5_000);
    await manager.tick();
    await manager.settle();
    expect(manager.allowanceMicros(LI.key)).toBe(0n);
    const rest = await counters.lease(LI.key, { limitMicros: LI.limitMicros, wantMicros: LI.limitMicros, ttlMs: 1, nowMs: nowMs() });
    expect(rest.grantedMicros).toBe(LI.limitMicros);
  });

  it('keeps spend queued when the store fails, and sends it on the next flush', async () => {
    const errors: unknown[] = [];
    const { manager, counters } = setUp({ onError: (error) => errors.push(error) });
    const addSpend = counters.addSpend.bind(counters);
    counters.addSpend = () => Promise.reject(new Error('down'));
    manager.recordSpend(LI.key, 7n);
    await manager.tick();
    expect(errors).toHaveLength(1);
    expect(manager.spend.unflushedMicros(LI.key)).toBe(7n);
    counters.addSpend = addSpend;
    await manager.tick();
    expect(await counters.spent([LI.key])).toEqual([7n]);
  });

  it('sizes chunks at a 32nd of the limit, at least 0.10 and at most the limit', () => {
    expect(defaultChunkMicros(32_000_000n)).toBe(1_000_000n);
    expect(defaultChunkMicros(1_000_000n)).toBe(100_000n);
    expect(defaultChunkMicros(40_000n)).toBe(40_000n);
  });
});
