import { budgetKey, type DeliveryLineItem } from '@adplatform/decision-core';
import type { BudgetKey } from './allowances.js';

/**
 * The counter keys a line item spends from at `atMs`, each with its limit:
 * decision-core's `budgetKey` (`li:<id>:total`, `li:<id>:day:<YYYY-MM-DD>`,
 * `c:<campaignId>:…`, days in the campaign's zone). Decisions consume from
 * them and tracking records spend to the same keys.
 */
export function budgetKeysOf(lineItem: Pick<DeliveryLineItem, 'id' | 'campaignId' | 'timezone' | 'budgets'>, atMs: number): BudgetKey[] {
  const budgets = lineItem.budgets;
  if (!budgets || budgets.length === 0) return [];
  return budgets.map((budget) => ({ key: budgetKey(lineItem, budget, atMs), limitMicros: budget.limitMicros }));
}
