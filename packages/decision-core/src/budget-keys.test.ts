import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetKey } from './budget-keys.js';
import { localDayAt } from './local-time.js';
import { ecpmMicros, impressionCostMicros } from './ranking.js';

const li = { id: 'L', campaignId: 'C', timezone: 'America/New_York' };

describe('budgetKey', () => {
  it('names the owner, the period and the local day', () => {
    const lateEvening = Date.UTC(2026, 10, 29, 3); // 22:00 on 28 November in New York
    expect(budgetKey(li, { scope: 'lineItem', period: 'total', limitMicros: 1n }, lateEvening)).toBe('li:L:total');
    expect(budgetKey(li, { scope: 'lineItem', period: 'daily', limitMicros: 1n }, lateEvening)).toBe('li:L:day:2026-11-28');
    expect(budgetKey(li, { scope: 'campaign', period: 'daily', limitMicros: 1n }, lateEvening)).toBe('c:C:day:2026-11-28');
    expect(budgetKey({ ...li, timezone: undefined }, { scope: 'campaign', period: 'daily', limitMicros: 1n }, lateEvening)).toBe(
      'c:C:day:2026-11-29',
    );
  });
});

describe('budgetKey, asked again for the same budget object', () => {
  it('names the new local day from local midnight on, and each line item sharing the budget object its own key', () => {
    const budget = { scope: 'lineItem' as const, period: 'daily' as const, limitMicros: 1n };
    const midnight = Date.UTC(2026, 10, 29, 5); // 00:00 on 29 November in New York
    expect(budgetKey(li, budget, midnight - 1)).toBe('li:L:day:2026-11-28');
    expect(budgetKey(li, budget, midnight - 1)).toBe('li:L:day:2026-11-28');
    expect(budgetKey(li, budget, midnight)).toBe('li:L:day:2026-11-29');
    expect(budgetKey(li, budget, midnight - 1)).toBe('li:L:day:2026-11-28');
    expect(budgetKey({ ...li, id: 'M' }, budget, midnight)).toBe('li:M:day:2026-11-29');
    expect(budgetKey(li, budget, midnight)).toBe('li:L:day:2026-11-29');
  });

  it('gives what a fresh budget object gives, for any sequence of instants and zones', () => {
    const zones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    const budgets = [
      { scope: 'lineItem' as const, period: 'daily' as const, limitMicros: 1n },
      { scope: 'campaign' as const, period: 'daily' as const, limitMicros: 1n },
      { scope: 'campaign' as const, period: 'total' as const, limitMicros: 1n },
    ];
    const items = zones.map((timezone, i) => ({ id: `L${i}`, campaignId: `C${i % 2}`, timezone }));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: Date.UTC(2026, 2, 1), max: Date.UTC(2026, 3, 30) }),
            fc.nat(items.length - 1),
            fc.nat(budgets.length - 1),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (asks) => {
          for (const [nowMs, item, budget] of asks) {
            expect(budgetKey(items[item]!, budgets[budget]!, nowMs)).toBe(budgetKey(items[item]!, { ...budgets[budget]! }, nowMs));
          }
        },
      ),
    );
  });
});

describe('localDayAt', () => {
  it.each([
    ['2026-11-28T12:00:00Z', 'America/New_York', '2026-11-28', 24],
    ['2026-03-08T12:00:00Z', 'America/New_York', '2026-03-08', 23],
    ['2026-11-01T12:00:00Z', 'America/New_York', '2026-11-01', 25],
    ['2026-11-27T20:00:00Z', 'Asia/Kolkata', '2026-11-28', 24],
  ])('%s in %s is %s, %i hours long', (iso, zone, date, hours) => {
    const day = localDayAt(Date.parse(iso), zone);
    expect(day.date).toBe(date);
    expect((day.endMs - day.startMs) / 3_600_000).toBe(hours);
  });

  it('contains the instant, whatever the instant and zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom('UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'),
        (nowMs, zone) => {
          const day = localDayAt(nowMs, zone);
          expect(nowMs).toBeGreaterThanOrEqual(day.startMs);
          expect(nowMs).toBeLessThan(day.endMs);
          expect(localDayAt(day.startMs, zone).date).toBe(day.date);
          expect(localDayAt(day.endMs, zone).date).not.toBe(day.date);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('money of one impression', () => {
  it('rounds the cost of a CPM impression down: never overcharged, less than 1 micro lost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (bidMicros) => {
        const cost = impressionCostMicros({
          id: 'x',
          campaignId: 'c',
          advertiserId: 'a',
          priority: 0,
          targeting: {},
          pricing: { model: 'cpm', bidMicros },
        });
        expect(cost * 1000n).toBeLessThanOrEqual(BigInt(bidMicros));
        expect(BigInt(bidMicros) - cost * 1000n).toBeLessThan(1000n);
      }),
    );
  });

  it('charges CPC and CPA nothing at impression, and ranks them by bid × rate exactly', () => {
    const cpc = {
      id: 'x',
      campaignId: 'c',
      advertiserId: 'a',
      priority: 0,
      targeting: {},
      pricing: { model: 'cpc' as const, bidMicros: 1_234_567 },
    };
    expect(impressionCostMicros(cpc)).toBe(0n);
    expect(ecpmMicros(cpc.pricing)).toBe(1_234_567); // × 1,000 ppm × 1,000 impressions ÷ 1,000,000
    expect(ecpmMicros({ model: 'cpa', bidMicros: 9_999_999 }, 0, 333)).toBe(3_329_999);
    expect(ecpmMicros({ model: 'cpc', bidMicros: 2 ** 52 }, 1_000_000)).toBe(2 ** 52 * 1000);
  });

  it('prices an impression at the CPM ÷ 1,000 rounded down, exactly for every price', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.double({ min: 0, max: 2 ** 60, noNaN: true })),
        (cpm) => {
          expect(impressionCostMicros(cpm)).toBe(BigInt(Math.trunc(cpm)) / 1000n);
        },
      ),
    );
    expect(impressionCostMicros(-5)).toBe(0n);
  });
});
