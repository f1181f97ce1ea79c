import { budgetKey, type DeliveryLineItem, type DeliveryState } from '@adplatform/decision-core';
import type { FrequencyRecord } from '@adplatform/ports';
import type { AllowanceManager, BudgetKey } from '../budget/allowances.js';
import type { SpendSnapshot } from '../budget/spend-snapshot.js';

/** The counter keys and limits of every budget a line item spends from, at an instant. */
export function budgetKeysOf(lineItem: DeliveryLineItem, atMs: number): BudgetKey[] {
  const budgets = lineItem.budgets;
  if (!budgets || budgets.length === 0) return [];
  return budgets.map((budget) => ({ key: budgetKey(lineItem, budget, atMs), limitMicros: budget.limitMicros }));
}

const NO_USER: Pick<FrequencyRecord, 'count'> = { count: () => 0 };

/**
 * The synchronous view the pure core decides from: this user's frequency
 * record (read once per request), the spend snapshot and the process's leased
 * allowances. No I/O behind any of it.
 */
export function deliveryStateFor(
  frequency: Pick<FrequencyRecord, 'count'> | undefined,
  spend: SpendSnapshot,
  allowances: AllowanceManager,
): DeliveryState {
  const record = frequency ?? NO_USER;
  return {
    frequency: (scopeId, windowMs) => record.count(scopeId, windowMs),
    spent: (key) => spend.spent(key),
    hasAllowance: (lineItem, costMicros, nowMs) => {
      const keys = budgetKeysOf(lineItem, nowMs);
      return keys.length === 0 || allowances.hasAllowance(keys, costMicros);
    },
  };
}
