import { budgetKey, type DeliveryLineItem, localDayAt } from '@adplatform/decision-core';
import type { BudgetKey } from './allowances.js';

type BudgetedLineItem = Pick<DeliveryLineItem, 'id' | 'campaignId' | 'timezone' | 'budgets'>;

const NONE: readonly BudgetKey[] = Object.freeze([]);
/** Per line item object, its keys for one local day: asked for every candidate of every decision, they change at local midnight. */
const cache = new WeakMap<BudgetedLineItem, { startMs: number; endMs: number; keys: readonly BudgetKey[] }>();

/**
 * The counter keys a line item spends from at `atMs`, each with its limit:
 * decision-core's `budgetKey` (`li:<id>:total`, `li:<id>:day:<YYYY-MM-DD>`,
 * `c:<campaignId>:…`, days in the campaign's zone). Decisions consume from
 * them and tracking records spend to the same keys. The answer is shared:
 * never mutate it.
 */
export function budgetKeysOf(lineItem: BudgetedLineItem, atMs: number): readonly BudgetKey[] {
  const budgets = lineItem.budgets;
  if (!budgets || budgets.length === 0) return NONE;
  const cached = cache.get(lineItem);
  if (cached !== undefined && atMs >= cached.startMs && atMs < cached.endMs) return cached.keys;
  const day = localDayAt(atMs, lineItem.timezone ?? 'UTC');
  const keys = Object.freeze(budgets.map((budget) => ({ key: budgetKey(lineItem, budget, atMs), limitMicros: budget.limitMicros })));
  // Only a span that holds the instant (a zone whose midnight is skipped starts its day later).
  if (atMs >= day.startMs && atMs < day.endMs) cache.set(lineItem, { startMs: day.startMs, endMs: day.endMs, keys });
  return keys;
}
