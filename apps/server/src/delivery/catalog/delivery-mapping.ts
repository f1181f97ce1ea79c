import {
  type DeliveryBudget,
  type DeliveryCap,
  type DeliveryCreative,
  type DeliveryFloorRule,
  type DeliveryLineItem,
  type DeliveryPlacement,
  tierRank,
} from '@adplatform/decision-core';
import type { Resource } from '@adplatform/domain';
import type { AdvertiserData } from '../../modules/advertisers/advertisers.schemas.js';
import type { CampaignData } from '../../modules/campaigns/campaigns.schemas.js';
import type { FrequencyCap } from '../../modules/campaigns/delivery.schemas.js';
import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';
import type { LineItemData } from '../../modules/line-items/line-items.schemas.js';
import type { FloorRule } from '../../modules/placements/floor-rules.schemas.js';
import type { PlacementData } from '../../modules/placements/placements.schemas.js';
import type { PublisherData } from '../../modules/publishers/publishers.schemas.js';
import type { SiteData } from '../../modules/sites/sites.schemas.js';

/**
 * From management resources to what the decision core reads. Pure: the
 * catalog loads the resources, these functions only reshape them.
 */

const UNIT_MS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  // A month window is 30 days: caps are "at most N per 30 days", not calendar months.
  month: 30 * 86_400_000,
} as const;

export function capWindowMs(cap: FrequencyCap): number | null {
  const { unit, size = 1 } = cap.window;
  return unit === 'lifetime' ? null : UNIT_MS[unit] * size;
}

const capsOf = (scope: DeliveryCap['scope'], caps: readonly FrequencyCap[]): DeliveryCap[] =>
  caps.map((cap) => ({ scope, count: cap.count, windowMs: capWindowMs(cap) }));

function budgetsOf(scope: DeliveryBudget['scope'], data: { totalBudgetMicros: number | null; dailyBudgetMicros: number | null }) {
  const budgets: DeliveryBudget[] = [];
  if (data.totalBudgetMicros !== null) budgets.push({ scope, period: 'total', limitMicros: BigInt(data.totalBudgetMicros) });
  if (data.dailyBudgetMicros !== null) budgets.push({ scope, period: 'daily', limitMicros: BigInt(data.dailyBudgetMicros) });
  return budgets;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** A creative the core may rotate: approved, and of a format it knows. */
export function toDeliveryCreative(creative: Resource<CreativeData>, weight: number, experimentId?: string): DeliveryCreative {
  return {
    id: creative.id,
    format: creative.data.format,
    width: creative.data.width,
    height: creative.data.height,
    weight,
    experimentId,
    categories: creative.data.categories?.length ? creative.data.categories : undefined,
  };
}

export interface LineItemSources {
  lineItem: Resource<LineItemData>;
  campaign: Resource<CampaignData>;
  /** Approved creatives by id (others are left out of rotation). */
  creatives: ReadonlyMap<string, Resource<CreativeData>>;
  /** The campaign's advertiser: its domains are the line item's (`badv`, `adomain`). */
  advertiser?: Resource<Pick<AdvertiserData, 'domains'>> | undefined;
}

/** Undefined when nothing of it can deliver (no approved creative attached). */
export function toDeliveryLineItem({ lineItem, campaign, creatives, advertiser }: LineItemSources): DeliveryLineItem | undefined {
  const li = lineItem.data;
  const attached = li.creatives.flatMap((attachment) => {
    const creative = creatives.get(attachment.creativeId);
    return creative ? [toDeliveryCreative(creative, attachment.weight, attachment.experimentId)] : [];
  });
  if (attached.length === 0) return undefined;
  const c = campaign.data;
  return {
    id: lineItem.id,
    campaignId: campaign.id,
    advertiserId: campaign.parentId ?? '',
    priority: tierRank(li.priority),
    tier: li.priority,
    pricing: li.pricing,
    targeting: li.targeting,
    campaignTargeting: c.targeting,
    timezone: c.timezone,
    creatives: attached,
    frequencyCaps: [...capsOf('lineItem', li.frequencyCaps), ...capsOf('campaign', c.frequencyCaps)],
    budgets: [...budgetsOf('lineItem', li), ...budgetsOf('campaign', c)],
    pacing: li.pacing,
    flight: {
      startMs: ms(li.startsAt) ?? Date.parse(c.startsAt),
      endMs: ms(li.endsAt) ?? ms(c.endsAt),
    },
    advertiserDomains: advertiser?.data.domains?.length ? advertiser.data.domains : undefined,
  };
}

/** `300x250` strings as sizes (the API validated them; anything else is dropped rather than matched wrongly). */
const sizesOf = (sizes: readonly string[]) =>
  sizes.flatMap((size) => {
    const [width, height] = size.split('x').map(Number);
    return width && height ? [{ width, height }] : [];
  });

/** The API's rules in the core's shape, each labelled with where it is stored (`placement.floorRules[1]`). */
export function toDeliveryFloorRules(rules: readonly FloorRule[] | undefined, owner: 'placement' | 'publisher'): DeliveryFloorRule[] {
  return (rules ?? []).map((rule, i) => ({
    countries: rule.country,
    deviceTypes: rule.deviceType,
    sizes: rule.size === undefined ? undefined : sizesOf(rule.size),
    floorMicros: rule.floorMicros,
    label: `${owner}.floorRules[${i}]`,
  }));
}

export function toDeliveryPlacement(
  organizationId: string,
  placement: Resource<PlacementData>,
  site: Resource<SiteData>,
  publisher?: Resource<Pick<PublisherData, 'floorRules'>> | undefined,
): DeliveryPlacement {
  // The placement's own rules first, then its publisher's: of equally specific rules the placement's wins.
  const floorRules = [
    ...toDeliveryFloorRules(placement.data.floorRules, 'placement'),
    ...toDeliveryFloorRules(publisher?.data.floorRules, 'publisher'),
  ];
  return {
    id: placement.id,
    organizationId,
    publisherId: site.parentId ?? '',
    siteId: site.id,
    formats: placement.data.formats,
    sizes: placement.data.sizes,
    floorMicros: placement.data.floorMicros,
    domain: site.data.domain ?? site.data.bundleId,
    categories: site.data.categories,
    floorRules: floorRules.length > 0 ? floorRules : undefined,
  };
}
