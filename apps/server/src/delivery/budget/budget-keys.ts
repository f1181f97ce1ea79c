import type { BudgetKey } from './allowances.js';

/** The budget facts of a line item (structurally decision-core's DeliveryLineItem). */
export interface BudgetedLineItem {
  readonly id: string;
  readonly campaignId: string;
  /** IANA zone the campaign's days are counted in; default UTC. */
  readonly timezone?: string;
  readonly budgets?: readonly { scope: 'lineItem' | 'campaign'; period: 'total' | 'daily'; limitMicros: bigint }[];
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of `atMs` in the zone, `YYYY-MM-DD`. */
export function dayIn(timeZone: string, atMs: number): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(atMs);
}

/**
 * The counter keys a line item spends from at `atMs`: `li:<id>:total`,
 * `li:<id>:day:<YYYY-MM-DD>`, `c:<campaignId>:total`, `c:<campaignId>:day:…`
 * (days in the campaign's zone), each with its limit. Decisions consume from
 * them and tracking records spend to the same keys.
 */
export function budgetKeysOf(lineItem: BudgetedLineItem, atMs: number): BudgetKey[] {
  return (lineItem.budgets ?? []).map((budget) => {
    const owner = budget.scope === 'lineItem' ? `li:${lineItem.id}` : `c:${lineItem.campaignId}`;
    const period = budget.period === 'total' ? 'total' : `day:${dayIn(lineItem.timezone ?? 'UTC', atMs)}`;
    return { key: `${owner}:${period}`, limitMicros: budget.limitMicros };
  });
}
