import type { DeliveryState } from '@adplatform/decision-core';
import type { FrequencyRecord } from '@adplatform/ports';
import type { AllowanceManager } from '../budget/allowances.js';
import { budgetKeysOf } from '../budget/budget-keys.js';
import type { SpendSnapshot } from '../budget/spend-snapshot.js';

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
