// Builders and a toy state for the decide tests (not exported from the package).
import type { Targeting } from '@adplatform/domain';
import type { DeliveryState } from './decide-types.js';
import type { DeliveryCreative, DeliveryLineItem, DeliveryPlacement } from './delivery-types.js';
import { seededRandom } from './seeded-random.js';

export const placement = (id: string, over: Partial<DeliveryPlacement> = {}): DeliveryPlacement => ({
  id,
  organizationId: 'org',
  publisherId: 'pub',
  siteId: 'site',
  formats: ['image', 'html', 'video'],
  sizes: [{ width: 300, height: 250 }],
  floorMicros: 0,
  ...over,
});

export const banner = (id: string, over: Partial<DeliveryCreative> = {}): DeliveryCreative => ({
  id,
  format: 'image',
  width: 300,
  height: 250,
  weight: 1,
  ...over,
});

export const lineItem = (id: string, over: Partial<DeliveryLineItem> = {}): DeliveryLineItem => ({
  id,
  campaignId: `c-${id}`,
  advertiserId: `a-${id}`,
  priority: 1,
  tier: 'price',
  targeting: {} as Targeting,
  pricing: { model: 'cpm', bidMicros: 1_000_000 },
  creatives: [banner(`${id}-cr`)],
  ...over,
});

/** A state with no caps reached, no spend and an unlimited allowance, unless told otherwise. */
export const openState = (over: Partial<DeliveryState> = {}): DeliveryState => ({
  frequency: () => 0,
  spent: () => 0n,
  hasAllowance: () => true,
  ...over,
});

/** The tests' seeded `random`. */
export const seeded = seededRandom;
