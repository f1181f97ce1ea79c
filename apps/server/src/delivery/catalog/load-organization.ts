import { compileIndex, type DeliveryIndex, type DeliveryLineItem, type DeliveryPlacement } from '@adplatform/decision-core';
import type { Resource } from '@adplatform/domain';
import type { MetadataStore, ResourceFilter, ResourceStore } from '@adplatform/ports';
import type { CampaignData } from '../../modules/campaigns/campaigns.schemas.js';
import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';
import type { LineItemData } from '../../modules/line-items/line-items.schemas.js';
import type { PlacementData, PlacementFallback } from '../../modules/placements/placements.schemas.js';
import type { SiteData } from '../../modules/sites/sites.schemas.js';
import { toDeliveryLineItem, toDeliveryPlacement } from './delivery-mapping.js';

/** A placement as the delivery routes need it: the core's view plus what to show when nothing fills. */
export interface CatalogPlacement extends DeliveryPlacement {
  readonly fallback: PlacementFallback;
}

/**
 * Everything one organization delivers, frozen: the compiled index and the
 * records the answer is rendered from. Replaced whole on change, never mutated.
 */
export interface OrganizationSnapshot {
  readonly organizationId: string;
  readonly index: DeliveryIndex;
  readonly placements: ReadonlyMap<string, CatalogPlacement>;
  /** Approved creatives of deliverable line items, and house creatives of placements. */
  readonly creatives: ReadonlyMap<string, Resource<CreativeData>>;
  /** Store version of each line item's sources when built (for "visible within 1 s" checks and debugging). */
  readonly builtAtMs: number;
  readonly buildMs: number;
}

const PAGE = 500;

async function listAll<D>(store: ResourceStore<unknown>, organizationId: string, filter: ResourceFilter): Promise<Resource<D>[]> {
  const all: Resource<D>[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(organizationId, filter, { limit: PAGE, cursor });
    all.push(...(page.items as Resource<D>[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

const ACTIVE = { status: ['active'] };

/** Reads one organization's deliverable resources and compiles its snapshot. */
export async function loadOrganization(store: MetadataStore, organizationId: string, nowMs: number): Promise<OrganizationSnapshot> {
  const started = performance.now();
  const r = store.resources;
  const [advertisers, campaigns, lineItems, creatives, publishers, sites, placements] = await Promise.all([
    listAll<unknown>(r.advertiser, organizationId, ACTIVE),
    listAll<CampaignData>(r.campaign, organizationId, ACTIVE),
    listAll<LineItemData>(r.line_item, organizationId, ACTIVE),
    listAll<CreativeData>(r.creative, organizationId, { status: ['approved'] }),
    listAll<unknown>(r.publisher, organizationId, ACTIVE),
    listAll<SiteData>(r.site, organizationId, ACTIVE),
    listAll<PlacementData>(r.placement, organizationId, ACTIVE),
  ]);
  const activeAdvertisers = new Set(advertisers.map((a) => a.id));
  const campaignById = new Map(campaigns.filter((c) => activeAdvertisers.has(c.parentId ?? '')).map((c) => [c.id, c]));
  const creativeById = new Map(creatives.map((c) => [c.id, c]));
  const deliverable: DeliveryLineItem[] = [];
  for (const lineItem of lineItems) {
    const campaign = campaignById.get(lineItem.parentId ?? '');
    if (!campaign) continue;
    const item = toDeliveryLineItem({ lineItem, campaign, creatives: creativeById });
    if (item) deliverable.push(item);
  }
  const activePublishers = new Set(publishers.map((p) => p.id));
  const siteById = new Map(sites.filter((s) => activePublishers.has(s.parentId ?? '')).map((s) => [s.id, s]));
  const catalogPlacements = new Map<string, CatalogPlacement>();
  for (const placement of placements) {
    const site = siteById.get(placement.parentId ?? '');
    if (site)
      catalogPlacements.set(placement.id, { ...toDeliveryPlacement(organizationId, placement, site), fallback: placement.data.fallback });
  }
  const index = compileIndex(deliverable, { now: nowMs, placements: [...catalogPlacements.values()] });
  return Object.freeze({
    organizationId,
    index,
    placements: catalogPlacements,
    creatives: creativeById,
    builtAtMs: nowMs,
    buildMs: performance.now() - started,
  });
}
