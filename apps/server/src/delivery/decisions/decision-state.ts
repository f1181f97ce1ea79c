import type { DeliveryLineItem, DeliveryState } from '@adplatform/decision-core';
import type { FrequencyRecord } from '@adplatform/ports';
import type { AllowanceManager } from '../budget/allowances.js';
import { budgetKeysOf } from '../budget/budget-keys.js';
import type { SpendSnapshot } from '../budget/spend-snapshot.js';

const NO_USER: Pick<FrequencyRecord, 'count'> = { count: () => 0 };

/** One object per request, no closures: the core asks it about every candidate it reaches. */
class RequestDeliveryState implements DeliveryState {
  /** The last key asked for and its spend: the budget check and pacing ask for the same key in turn. */
  private lastKey: string | undefined = undefined;
  private lastSpent = 0n;

  constructor(
    private readonly record: Pick<FrequencyRecord, 'count'>,
    private readonly spend: SpendSnapshot,
    private readonly allowances: AllowanceManager,
    private readonly nowMs: number | undefined,
  ) {}

  frequency(scopeId: string, windowMs: number | null): number {
    return this.record.count(scopeId, windowMs);
  }

  // Spend does not change while the core decides (it is synchronous; what it serves is committed after).
  spent(key: string): bigint {
    if (key === this.lastKey) return this.lastSpent;
    const spent = this.nowMs === undefined ? this.spend.spent(key) : this.spend.spent(key, this.nowMs);
    this.lastKey = key;
    this.lastSpent = spent;
    return spent;
  }

  hasAllowance(lineItem: DeliveryLineItem, costMicros: bigint, nowMs: number): boolean {
    const keys = budgetKeysOf(lineItem, nowMs);
    if (keys.length === 0) return true;
    return this.nowMs === undefined
      ? this.allowances.hasAllowance(keys, costMicros)
      : this.allowances.hasAllowance(keys, costMicros, this.nowMs);
  }
}

/**
 * The synchronous view the pure core decides from: this user's frequency
 * record (read once per request), the spend snapshot and the process's leased
 * allowances. No I/O behind any of it. `nowMs`, the decision's instant, saves
 * reading the clock for every key asked about (default: the clock, per ask).
 */
export function deliveryStateFor(
  frequency: Pick<FrequencyRecord, 'count'> | undefined,
  spend: SpendSnapshot,
  allowances: AllowanceManager,
  nowMs?: number,
): DeliveryState {
  return new RequestDeliveryState(frequency ?? NO_USER, spend, allowances, nowMs);
}
