import type { DeliveryBudget, DeliveryLineItem } from './delivery-types.js';
import { localDayAt } from './local-time.js';

type KeyedLineItem = Pick<DeliveryLineItem, 'id' | 'campaignId' | 'timezone'>;

/**
 * The last key built for a budget object and the instants it holds for (a total budget's: always; a daily
 * one's: its local day). Decisions ask for the same keys of the same index objects for every candidate they
 * reach (the budget check and pacing each ask), so the string is built once a day instead of each time.
 */
interface KnownKey {
  readonly lineItem: KeyedLineItem;
  readonly startMs: number;
  readonly endMs: number;
  readonly key: string;
}
const known = new WeakMap<DeliveryBudget, KnownKey>();

/**
 * The counter key a budget's spend is kept under, the same in every process and in the counter store:
 * `li:<lineItemId>:total`, `li:<lineItemId>:day:YYYY-MM-DD`, and `c:<campaignId>:…` for a campaign's
 * budget. A daily key names the day in the line item's time zone (its campaign's), so a day's spend
 * resets at local midnight.
 */
export function budgetKey(lineItem: KeyedLineItem, budget: DeliveryBudget, nowMs: number): string {
  const last = known.get(budget);
  if (last !== undefined && last.lineItem === lineItem && nowMs >= last.startMs && nowMs < last.endMs) return last.key;
  const owner = budget.scope === 'campaign' ? `c:${lineItem.campaignId}` : `li:${lineItem.id}`;
  if (budget.period === 'total') {
    const key = `${owner}:total`;
    known.set(budget, { lineItem, startMs: Number.NEGATIVE_INFINITY, endMs: Number.POSITIVE_INFINITY, key });
    return key;
  }
  const day = localDayAt(nowMs, lineItem.timezone ?? 'UTC');
  const key = `${owner}:day:${day.date}`;
  // Only a span that holds the instant (a zone whose midnight is skipped starts its day later).
  if (nowMs >= day.startMs && nowMs < day.endMs) known.set(budget, { lineItem, startMs: day.startMs, endMs: day.endMs, key });
  return key;
}
