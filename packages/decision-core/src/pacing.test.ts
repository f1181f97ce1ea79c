import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seeded } from './decide-fixtures.test-support.js';
import type { DeliveryBudget, DeliveryFlight } from './delivery-types.js';
import { localDayAt } from './local-time.js';
import { PACING_TOLERANCE_PPM, pacingAllows, pacingPeriod, pacingServeProbability, pacingTargetMicros } from './pacing.js';

const DAY_MS = 86_400_000;
const daily = (limitMicros: bigint): DeliveryBudget => ({ scope: 'lineItem', period: 'daily', limitMicros });
const total = (limitMicros: bigint): DeliveryBudget => ({ scope: 'campaign', period: 'total', limitMicros });
const input = (budget: DeliveryBudget, spentMicros: bigint, nowMs: number, flight?: DeliveryFlight) => ({
  pacing: 'even' as const,
  budgets: [budget],
  spent: () => spentMicros,
  flight,
  nowMs,
  timezone: 'UTC',
});

describe('pacingServeProbability', () => {
  const noon = Date.UTC(2026, 10, 28, 12);
  it('serves asap and at or behind the curve; throttles linearly over the 2% tolerance ahead of it', () => {
    expect(pacingServeProbability({ ...input(daily(1_000_000n), 999_999n, noon), pacing: 'asap' })).toBe(1);
    expect(pacingServeProbability(input(daily(1_000_000n), 500_000n, noon))).toBe(1);
    expect(pacingServeProbability(input(daily(1_000_000n), 510_000n, noon))).toBeCloseTo(0.5);
    expect(pacingServeProbability(input(daily(1_000_000n), 520_000n, noon))).toBe(0);
  });

  it('paces a total budget over the flight, and not at all when the flight is open-ended', () => {
    const flight = { startMs: noon - DAY_MS, endMs: noon + DAY_MS };
    expect(pacingServeProbability(input(total(1_000_000n), 520_000n, noon, flight))).toBe(0);
    expect(pacingServeProbability(input(total(1_000_000n), 999_999n, noon, { startMs: 0, endMs: null }))).toBe(1);
  });

  it('cuts a daily curve to a flight that starts that day', () => {
    const period = pacingPeriod({ flight: { startMs: noon, endMs: null }, nowMs: noon + 1, timezone: 'UTC' }, daily(1n));
    expect(period).toEqual({ startMs: noon, endMs: Date.UTC(2026, 10, 29) });
  });

  it('draws from random only when the answer is uncertain', () => {
    let draws = 0;
    const random = () => {
      draws++;
      return 0.99;
    };
    expect(pacingAllows(input(daily(1_000_000n), 0n, noon), random)).toBe(true);
    expect(pacingAllows(input(daily(1_000_000n), 510_000n, noon), random)).toBe(false);
    expect(draws).toBe(1);
  });
});

/**
 * Steady traffic above what the budget needs, a request every `intervalMs`: the item serves when
 * pacing allows and the budget has room (spent + cost ≤ limit). Spend must stay within the tolerance
 * of the curve (plus one impression) all along, end near the budget and never above it.
 */
function simulate(
  budget: DeliveryBudget,
  costMicros: bigint,
  period: { startMs: number; endMs: number },
  intervalMs: number,
  seed: number,
) {
  const random = seeded(seed);
  const toleranceMicros = (budget.limitMicros * PACING_TOLERANCE_PPM) / 1_000_000n;
  let spent = 0n;
  let worstAhead = 0n;
  let worstBehind = 0n;
  const flight = budget.period === 'total' ? period : undefined;
  for (let t = period.startMs; t < period.endMs; t += intervalMs) {
    const pacing = { pacing: 'even' as const, budgets: [budget], spent: () => spent, flight, nowMs: t, timezone: 'America/New_York' };
    if (pacingAllows(pacing, random) && spent + costMicros <= budget.limitMicros) spent += costMicros;
    const target = pacingTargetMicros(budget.limitMicros, period, t);
    if (spent - target > worstAhead) worstAhead = spent - target;
    if (target - spent > worstBehind) worstBehind = target - spent;
  }
  return { spent, worstAhead, worstBehind, toleranceMicros };
}

describe('even pacing, simulated', () => {
  it('follows the curve of a local day (America/New_York, 23-hour DST day included) and ends near the budget', () => {
    fc.assert(
      fc.property(
        fc.record({
          day: fc.constantFrom(Date.UTC(2026, 10, 28, 12), Date.UTC(2026, 2, 8, 12), Date.UTC(2026, 10, 1, 12)),
          limitMicros: fc.bigInt({ min: 10_000_000n, max: 100_000_000n }),
          costMicros: fc.bigInt({ min: 1_000n, max: 5_000n }),
          overdrive: fc.double({ min: 1.5, max: 4, noNaN: true }),
          seed: fc.integer(),
        }),
        ({ day, limitMicros, costMicros, overdrive, seed }) => {
          const local = localDayAt(day, 'America/New_York');
          const period = { startMs: local.startMs, endMs: local.endMs };
          const needed = Number(limitMicros / costMicros);
          const intervalMs = Math.max(50, Math.floor((period.endMs - period.startMs) / (needed * overdrive)));
          const r = simulate(daily(limitMicros), costMicros, period, intervalMs, seed);
          expect(r.spent).toBeLessThanOrEqual(limitMicros);
          // The curve and the tolerance are rounded down to the micro: 1 micro of slack each.
          expect(r.worstAhead).toBeLessThanOrEqual(r.toleranceMicros + costMicros + 2n);
          expect(r.worstBehind).toBeLessThanOrEqual(r.toleranceMicros + costMicros + 2n);
          expect(limitMicros - r.spent).toBeLessThanOrEqual(r.toleranceMicros + costMicros + 2n);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('follows the curve of a total budget over a three-day flight', () => {
    const startMs = Date.UTC(2026, 10, 25, 7);
    const period = { startMs, endMs: startMs + 3 * DAY_MS };
    const r = simulate(total(300_000_000n), 2_000n, period, 500, 7);
    expect(r.spent).toBeLessThanOrEqual(300_000_000n);
    expect(r.worstAhead).toBeLessThanOrEqual(r.toleranceMicros + 2_002n);
    expect(300_000_000n - r.spent).toBeLessThanOrEqual(r.toleranceMicros + 2_002n);
  });
});
