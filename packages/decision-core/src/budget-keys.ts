import type { DeliveryBudget, DeliveryLineItem } from './delivery-types.js';
import { localDayAt } from './local-time.js';

/**
 * The counter key a budget's spend is kept under, the same in every process and in the counter store:
 * `li:<lineItemId>:total`, `li:<lineItemId>:day:YYYY-MM-DD`, and `c:<campaignId>:…` for a campaign's
 * budget. A daily key names the day in the line item's time zone (its campaign's), so a day's spend
 * resets at local midnight.
 */
export function budgetKey(
  lineItem: Pick<DeliveryLineItem, 'id' | 'campaignId' | 'timezone'>,
  budget: DeliveryBudget,
  nowMs: number,
): string {
  const owner = budget.scope === 'campaign' ? `c:${lineItem.campaignId}` : `li:${lineItem.id}`;
  if (budget.period === 'total') return `${owner}:total`;
  return `${owner}:day:${localDayAt(nowMs, lineItem.timezone ?? 'UTC').date}`;
}
