import type { DeliveryEvent } from '@adplatform/ports';

/** The organization and start time of the adapter's test events. */
export const ORG = 'org-1';
export const T0 = Date.UTC(2026, 10, 1);

/** An impression of campaign c1 in ORG costing 1,000 micros, with `extra` over it: the tests' event. */
export const event = (id: string, atMs: number, extra: Partial<DeliveryEvent> = {}): DeliveryEvent => ({
  id,
  type: 'impression',
  at: atMs,
  organizationId: ORG,
  campaignId: 'c1',
  costMicros: '1000',
  ...extra,
});
