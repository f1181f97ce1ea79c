import { describe, expect, it } from 'vitest';
import { budgetKeysOf } from './budget-keys.js';

describe('budgetKeysOf', () => {
  it('names total and daily keys of the line item and its campaign, days in the campaign zone', () => {
    const atMs = Date.parse('2026-11-28T03:00:00Z'); // still the 27th in New York
    const keys = budgetKeysOf(
      {
        id: 'li1',
        campaignId: 'c1',
        timezone: 'America/New_York',
        budgets: [
          { scope: 'lineItem', period: 'total', limitMicros: 5n },
          { scope: 'lineItem', period: 'daily', limitMicros: 2n },
          { scope: 'campaign', period: 'daily', limitMicros: 9n },
        ],
      },
      atMs,
    );
    expect(keys).toEqual([
      { key: 'li:li1:total', limitMicros: 5n },
      { key: 'li:li1:day:2026-11-27', limitMicros: 2n },
      { key: 'c:c1:day:2026-11-27', limitMicros: 9n },
    ]);
    expect(budgetKeysOf({ id: 'x', campaignId: 'y' }, atMs)).toEqual([]);
  });

  it('counts days in UTC without a zone', () => {
    const keys = budgetKeysOf(
      { id: 'li1', campaignId: 'c1', budgets: [{ scope: 'lineItem', period: 'daily', limitMicros: 1n }] },
      Date.parse('2026-11-28T03:00:00Z'),
    );
    expect(keys).toEqual([{ key: 'li:li1:day:2026-11-28', limitMicros: 1n }]);
  });

  it('gives the next day’s keys after local midnight for the same line item (the per-day cache rolls over)', () => {
    const item = {
      id: 'li1',
      campaignId: 'c1',
      timezone: 'Asia/Kolkata',
      budgets: [{ scope: 'campaign' as const, period: 'daily' as const, limitMicros: 1n }],
    };
    const beforeMidnight = Date.parse('2026-11-27T18:29:59Z'); // 23:59:59 in Kolkata (UTC+05:30)
    expect(budgetKeysOf(item, beforeMidnight)).toEqual([{ key: 'c:c1:day:2026-11-27', limitMicros: 1n }]);
    expect(budgetKeysOf(item, beforeMidnight - 3_600_000)).toBe(budgetKeysOf(item, beforeMidnight));
    expect(budgetKeysOf(item, beforeMidnight + 1000)).toEqual([{ key: 'c:c1:day:2026-11-28', limitMicros: 1n }]);
  });
});
