import type { DeliveryLineItem } from '@adplatform/decision-core';
import type { Resource, ResourceKind } from '@adplatform/domain';
import type { MetadataStore, ResourceFilter, ResourceStore } from '@adplatform/ports';
import type { AdvertiserData } from '../../modules/advertisers/advertisers.schemas.js';
import type { CampaignData } from '../../modules/campaigns/campaigns.schemas.js';
import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';
import type { LineItemData } from '../../modules/line-items/line-items.schemas.js';
import type { PlacementData } from '../../modules/placements/placements.schemas.js';
import type { PublisherData } from '../../modules/publishers/publishers.schemas.js';
import type { SiteData } from '../../modules/sites/sites.schemas.js';
import { toDeliveryLineItem, toDeliveryPlacement } from './delivery-mapping.js';
import type { CatalogPlacement } from './load-organization.js';

/** The kinds delivery follows and the status that makes a resource of that kind deliverable. */
export const DELIVERABLE_STATUS = {
  advertiser: 'active',
  campaign: 'active',
  line_item: 'active',
  creative: 'approved',
  publisher: 'active',
  site: 'active',
  placement: 'active',
} as const satisfies Partial<Record<ResourceKind, string>>;
export type DeliveryKind = keyof typeof DELIVERABLE_STATUS;
export const isDeliveryKind = (kind: ResourceKind): kind is DeliveryKind => kind in DELIVERABLE_STATUS;

type Any = Resource<unknown>;
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

function addTo(index: Map<string, Set<string>>, key: string | null, id: string): void {
  if (key === null) return;
  let ids = index.get(key);
  if (ids === undefined) {
    ids = new Set();
    index.set(key, ids);
  }
  ids.add(id);
}
const removeFrom = (index: Map<string, Set<string>>, key: string | null, id: string) => {
  if (key !== null) index.get(key)?.delete(id);
};

/** What one change did: the line items whose delivery form may differ, and whether placements or creatives changed. */
export interface ResourceChanges {
  readonly lineItemIds: Set<string>;
  placements: boolean;
  creatives: boolean;
}

/**
 * One organization's deliverable resources (active, or approved for creatives), loaded once and
 * then kept current one resource at a time from change events, with the reverse links a change
 * follows to the line items it affects: campaign → line items, creative → line items attaching it,
 * advertiser → campaigns. Owned by the catalog; read only between builds.
 */
export class OrganizationResources {
  readonly advertisers = new Map<string, Any>();
  readonly campaigns = new Map<string, Resource<CampaignData>>();
  readonly lineItems = new Map<string, Resource<LineItemData>>();
  readonly creatives = new Map<string, Resource<CreativeData>>();
  readonly publishers = new Map<string, Any>();
  readonly sites = new Map<string, Resource<SiteData>>();
  readonly placements = new Map<string, Resource<PlacementData>>();
  private readonly lineItemsOfCampaign = new Map<string, Set<string>>();
  private readonly lineItemsOfCreative = new Map<string, Set<string>>();
  private readonly campaignsOfAdvertiser = new Map<string, Set<string>>();

  /**
   * Each line item's last delivery form with the versions it was mapped from: an unchanged line item
   * keeps the same object, so `compileIndex` takes it over compiled, even across a full reload.
   */
  private readonly mapped: Map<string, { readonly sources: string; readonly item: DeliveryLineItem | undefined }>;

  private constructor(
    readonly organizationId: string,
    carried?: OrganizationResources,
  ) {
    this.mapped = carried?.mapped ?? new Map();
  }

  /**
   * Lists every deliverable resource of the organization (at start, and as the periodic safety net).
   * `carried`, the resources this load replaces, hands over its mapped line items (then discard it).
   */
  static async load(store: MetadataStore, organizationId: string, carried?: OrganizationResources): Promise<OrganizationResources> {
    const loaded = new OrganizationResources(organizationId, carried);
    const kinds = Object.keys(DELIVERABLE_STATUS) as DeliveryKind[];
    const lists = await Promise.all(
      kinds.map((kind) => listAll<unknown>(store.resources[kind], organizationId, { status: [DELIVERABLE_STATUS[kind]] })),
    );
    kinds.forEach((kind, k) => {
      for (const resource of lists[k]!) loaded.put(kind, resource.id, resource);
    });
    for (const id of loaded.mapped.keys()) if (!loaded.lineItems.has(id)) loaded.mapped.delete(id);
    return loaded;
  }

  /**
   * Re-reads the resources named by change events (one `getMany` per kind) and applies them, noting
   * in `changes` every line item reached through the old and the new links.
   */
  async refresh(store: MetadataStore, changed: ReadonlyMap<DeliveryKind, ReadonlySet<string>>, changes: ResourceChanges): Promise<void> {
    const kinds = [...changed.keys()];
    const fetched = await Promise.all(kinds.map((kind) => store.resources[kind].getMany(this.organizationId, [...changed.get(kind)!])));
    kinds.forEach((kind, k) => {
      const byId = new Map(fetched[k]!.map((resource) => [resource.id, resource]));
      for (const id of changed.get(kind)!) {
        const fresh = byId.get(id);
        this.affected(kind, id, changes);
        this.put(kind, id, fresh !== undefined && fresh.status === DELIVERABLE_STATUS[kind] ? fresh : undefined);
        this.affected(kind, id, changes);
      }
    });
  }

  /** The line item's delivery form, or undefined when it cannot deliver (its campaign or advertiser inactive, no approved creative). */
  deliveryLineItem(lineItemId: string): DeliveryLineItem | undefined {
    const lineItem = this.lineItems.get(lineItemId);
    const campaign = lineItem?.parentId == null ? undefined : this.campaigns.get(lineItem.parentId);
    const advertiser = this.advertisers.get(campaign?.parentId ?? '') as Resource<AdvertiserData> | undefined;
    if (lineItem === undefined || campaign === undefined || advertiser === undefined) {
      this.mapped.delete(lineItemId);
      return undefined;
    }
    // What the mapping reads, by version: the line item, its campaign and advertiser (domains), each attached creative (or its absence).
    const creatives = lineItem.data.creatives.map((a) => `${a.creativeId}:${this.creatives.get(a.creativeId)?.version ?? '-'}`);
    const sources = `${lineItem.version}|${campaign.id}:${campaign.version}|${advertiser.id}:${advertiser.version}|${creatives.join(',')}`;
    const known = this.mapped.get(lineItemId);
    if (known?.sources === sources) return known.item;
    const item = toDeliveryLineItem({ lineItem, campaign, creatives: this.creatives, advertiser });
    this.mapped.set(lineItemId, { sources, item });
    return item;
  }

  /** Every placement whose site and publisher are active, in the delivery shape. */
  catalogPlacements(): Map<string, CatalogPlacement> {
    const placements = new Map<string, CatalogPlacement>();
    for (const placement of this.placements.values()) {
      const site = placement.parentId === null ? undefined : this.sites.get(placement.parentId);
      const publisher = this.publishers.get(site?.parentId ?? '') as Resource<PublisherData> | undefined;
      if (site === undefined || publisher === undefined) continue;
      placements.set(placement.id, {
        ...toDeliveryPlacement(this.organizationId, placement, site, publisher),
        fallback: placement.data.fallback,
      });
    }
    return placements;
  }

  private mapOf(kind: DeliveryKind): Map<string, Any> {
    const maps: Record<DeliveryKind, Map<string, Any>> = {
      advertiser: this.advertisers,
      campaign: this.campaigns,
      line_item: this.lineItems,
      creative: this.creatives,
      publisher: this.publishers,
      site: this.sites,
      placement: this.placements,
    };
    return maps[kind];
  }

  /** Records the line items (and placements, creatives) a resource's current links reach. */
  private affected(kind: DeliveryKind, id: string, changes: ResourceChanges): void {
    const add = (ids: Iterable<string> | undefined) => {
      for (const lineItemId of ids ?? []) changes.lineItemIds.add(lineItemId);
    };
    if (kind === 'line_item') changes.lineItemIds.add(id);
    else if (kind === 'campaign') add(this.lineItemsOfCampaign.get(id));
    else if (kind === 'creative') {
      add(this.lineItemsOfCreative.get(id));
      changes.creatives = true;
    } else if (kind === 'advertiser')
      for (const campaignId of this.campaignsOfAdvertiser.get(id) ?? []) add(this.lineItemsOfCampaign.get(campaignId));
    else changes.placements = true;
  }

  /** Sets (or, with undefined, removes) a resource and keeps the reverse links in step. */
  private put(kind: DeliveryKind, id: string, resource: Any | undefined): void {
    const map = this.mapOf(kind);
    const before = map.get(id);
    if (kind === 'line_item' && before !== undefined) {
      removeFrom(this.lineItemsOfCampaign, before.parentId, id);
      for (const a of (before as Resource<LineItemData>).data.creatives) removeFrom(this.lineItemsOfCreative, a.creativeId, id);
    }
    if (kind === 'campaign' && before !== undefined) removeFrom(this.campaignsOfAdvertiser, before.parentId, id);
    if (resource === undefined) {
      map.delete(id);
      return;
    }
    map.set(id, resource);
    if (kind === 'line_item') {
      addTo(this.lineItemsOfCampaign, resource.parentId, id);
      for (const a of (resource as Resource<LineItemData>).data.creatives) addTo(this.lineItemsOfCreative, a.creativeId, id);
    }
    if (kind === 'campaign') addTo(this.campaignsOfAdvertiser, resource.parentId, id);
  }
}
