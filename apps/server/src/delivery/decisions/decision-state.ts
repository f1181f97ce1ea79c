import type { DeliveryLineItem, DeliveryState } from '@adplatform/decision-core';
import type { FrequencyRecord } from '@adplatform/ports';
import type { AllowanceManager } from '../budget/allowances.js';
import { budgetKeysOf } from '../budget/budget-keys.js';
import type { SpendSnapshot } from '../budget/spend-snapshot.js';

const NO_USER: Pick<FrequencyRecord, 'count'> = { count: () => 0 };

/** One object per request, no closures: the core asks it about every candidate it reaches. */
class RequestDeliveryState implements DeliveryState {
  constructor(
    private readonly record: Pick<FrequencyRecord, 'count'>,
    private readonly spend: SpendSnapshot,
    private readonly allowances: AllowanceManager,
  ) {}

  frequency(scopeId: string, windowMs: number | null): number {
    return this.record.count(scopeId, windowMs);
  }

  spent(key: string): bigint {
    return this.spend.spent(key);
  }

  hasAllowance(lineItem: DeliveryLineItem, costMicros: bigint, nowMs: number): boolean {
    const keys = budgetKeysOf(lineItem, nowMs);
    return keys.length === 0 || this.allowances.hasAllowance(keys, costMicros);
  }
}

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
  return new RequestDeliveryState(frequency ?? NO_USER, spend, allowances);
}
