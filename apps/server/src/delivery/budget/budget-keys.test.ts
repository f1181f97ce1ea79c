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
});
