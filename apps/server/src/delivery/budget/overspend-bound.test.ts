import { randomUUID } from 'node:crypto';
import { createMemoryCounterStore } from '@adplatform/adapter-memory';
import { createRedisCounterStore } from '@adplatform/adapter-redis';
import { deleteRedisKeys } from '@adplatform/adapter-redis/testing';
import { seededRandom } from '@adplatform/decision-core';
import { createManualClock } from '@adplatform/domain';
import type { CounterStore } from '@adplatform/ports';
import { describe, expect, it } from 'vitest';
import { AllowanceManager, type BudgetKey } from './allowances.js';

/**
 * Several AllowanceManagers (one per simulated process) over one counter
 * store, consumers deciding every step, impressions tracked after a delay
 * and reported by whichever process, the clock running through many lease
 * lifetimes. Checks the bound of docs/pacing-and-budgets.md: total spend ≤
 * limit + the cost of impressions whose spend reached the store after their
 * lease had lapsed ("late"); with none late, ≤ limit.
 */
const STEP_MS = 100;
const LEASE = { leaseTtlMs: 5_000, graceMs: 1_000, renewAheadMs: 1_500, retryMs: 300, tickMs: STEP_MS };
const CHUNK_MICROS = 20_000n;
// The budget lasts about 30 s of decisions: several lease lifetimes, then contention for the rest.
const CAMPAIGN: BudgetKey = { key: 'c:1:total', limitMicros: 1_000_000n };
const LINE_ITEMS: BudgetKey[] = [
  { key: 'li:1:total', limitMicros: 600_000n },
  { key: 'li:2:total', limitMicros: 500_000n },
];

const prng = seededRandom;

interface Impression {
  dueStep: number;
  keys: BudgetKey[];
  costMicros: bigint;
  late: boolean;
}

interface Outcome {
  consumed: Map<string, bigint>;
  late: Map<string, bigint>;
  spent: Map<string, bigint>;
}

interface SimulationOptions {
  processes: number;
  steps: number;
  seed: number;
  lateShare: number;
  /**
   * The clock is simulated, so a step takes no real time: over Redis, wait at
   * each step for the round trips under way (all processes' leases are still
   * asked concurrently), as a real 100 ms would.
   */
  settleEachStep?: boolean;
}

async function simulate(counters: CounterStore, options: SimulationOptions): Promise<Outcome> {
  const random = prng(options.seed);
  const clock = createManualClock(new Date('2026-11-27T12:00:00Z'));
  const managers = Array.from(
    { length: options.processes },
    () => new AllowanceManager({ counters, clock, chunkMicros: () => CHUNK_MICROS, ...LEASE }),
  );
  const consumed = new Map<string, bigint>();
  const late = new Map<string, bigint>();
  const add = (map: Map<string, bigint>, key: string, micros: bigint) => map.set(key, (map.get(key) ?? 0n) + micros);
  let inFlight: Impression[] = [];

  const track = (impressions: Impression[]) => {
    for (const impression of impressions) {
      // Any process may receive the tracking call.
      const reporter = managers[Math.floor(random() * managers.length)] as AllowanceManager;
      for (const budget of impression.keys) {
        reporter.recordSpend(budget.key, impression.costMicros);
        if (impression.late) add(late, budget.key, impression.costMicros);
      }
    }
  };

  for (let step = 0; step < options.steps; step++) {
    for (const manager of managers) {
      for (let consumer = 0; consumer < 4; consumer++) {
        if (random() < 0.8) continue; // a request for this line item now and then, not a flood
        const keys = [LINE_ITEMS[random() < 0.5 ? 0 : 1] as BudgetKey, CAMPAIGN];
        const costMicros = BigInt(500 + Math.floor(random() * 2_500));
        if (!manager.consume(keys, costMicros)) continue;
        for (const budget of keys) add(consumed, budget.key, costMicros);
        const isLate = random() < options.lateShare;
        // Timely: tracked and flushed within 0.8 s, inside the 1 s grace. Late: after the lease's 5 s lifetime.
        const delaySteps = isLate ? 60 + Math.floor(random() * 20) : Math.floor(random() * 9);
        inFlight.push({ dueStep: step + delaySteps, keys, costMicros, late: isLate });
      }
    }
    track(inFlight.filter((impression) => impression.dueStep <= step));
    inFlight = inFlight.filter((impression) => impression.dueStep > step);
    await Promise.all(managers.map((manager) => manager.tick()));
    if (options.settleEachStep) await Promise.all(managers.map((manager) => manager.settle()));
    else await new Promise((resolve) => setImmediate(resolve));
    clock.advance(STEP_MS);
  }
  track(inFlight);
  await Promise.all(managers.map((manager) => manager.close()));
  const keys = [CAMPAIGN, ...LINE_ITEMS].map((budget) => budget.key);
  const stored = await counters.spent(keys);
  return { consumed, late, spent: new Map(keys.map((key, i) => [key, stored[i] as bigint])) };
}

function expectWithinBound(outcome: Outcome): void {
  for (const budget of [CAMPAIGN, ...LINE_ITEMS]) {
    const spent = outcome.spent.get(budget.key) ?? 0n;
    expect(spent).toBe(outcome.consumed.get(budget.key) ?? 0n); // every decision's spend arrived
    expect(spent).toBeLessThanOrEqual(budget.limitMicros + (outcome.late.get(budget.key) ?? 0n));
  }
}

describe('overspend bound across processes', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'never spends past the limit when impressions arrive within the grace (memory, seed %i)',
    async (seed) => {
      const outcome = await simulate(createMemoryCounterStore(), { processes: 4, steps: 500, seed, lateShare: 0 });
      expectWithinBound(outcome);
      // And the limit is used: the campaign (the tighter budget here) ends within a few impressions of it.
      expect(outcome.spent.get(CAMPAIGN.key)).toBeGreaterThan(CAMPAIGN.limitMicros - 3n * 3_000n);
    },
  );

  it.each([1, 2, 3])('overspends by at most the late impressions when some arrive after their lease (memory, seed %i)', async (seed) => {
    const outcome = await simulate(createMemoryCounterStore(), { processes: 4, steps: 500, seed, lateShare: 0.3 });
    expectWithinBound(outcome);
  });

  it.each([1, 2])('never spends past the limit over the real Redis (seed %i)', async (seed) => {
    const keyPrefix = `adp-test:${randomUUID()}:`;
    const counters = createRedisCounterStore({ url: 'redis://127.0.0.1:6379', keyPrefix });
    try {
      const outcome = await simulate(counters, { processes: 4, steps: 500, seed, lateShare: 0, settleEachStep: true });
      expectWithinBound(outcome);
      expect(outcome.spent.get(CAMPAIGN.key)).toBeGreaterThan(CAMPAIGN.limitMicros - 3n * 3_000n);
    } finally {
      await counters.close();
      await deleteRedisKeys('redis://127.0.0.1:6379', keyPrefix);
    }
  });
});
