import { compileIndex, type DeliveryIndex, type DeliveryLineItem, type DeliveryPlacement } from '@adplatform/decision-core';
import type { Resource } from '@adplatform/domain';
import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';
import type { PlacementFallback } from '../../modules/placements/placements.schemas.js';
import type { OrganizationResources, ResourceChanges } from './organization-resources.js';

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
  /** The organization's approved creatives (those of deliverable line items, and house creatives of placements). */
  readonly creatives: ReadonlyMap<string, Resource<CreativeData>>;
  readonly builtAtMs: number;
  /** Time to build this snapshot from the resources in memory (no store reads), ms. */
  readonly buildMs: number;
}

export interface SnapshotBuild {
  readonly snapshot: OrganizationSnapshot;
  /** The line items whose delivery form is new in this snapshot (all of them for a build from scratch). */
  readonly changed: readonly DeliveryLineItem[];
}

/** Every deliverable line item, from scratch. */
function allLineItems(resources: OrganizationResources): DeliveryLineItem[] {
  const items: DeliveryLineItem[] = [];
  for (const id of resources.lineItems.keys()) {
    const item = resources.deliveryLineItem(id);
    if (item) items.push(item);
  }
  return items;
}

/**
 * The previous snapshot's line items in its index order with the changed ones replaced in place
 * (dropped when they no longer deliver), then the changed ones that are new: the order lets
 * `compileIndex` find the unchanged items in step and keep an edit that moves nothing cheap.
 */
function nextLineItems(resources: OrganizationResources, previous: DeliveryIndex, lineItemIds: ReadonlySet<string>) {
  const items: DeliveryLineItem[] = [];
  const changed: DeliveryLineItem[] = [];
  const replace = (id: string) => {
    const item = resources.deliveryLineItem(id);
    if (item === undefined) return;
    items.push(item);
    changed.push(item);
  };
  const done = new Set<string>();
  for (const item of previous.lineItems) {
    if (!lineItemIds.has(item.id)) items.push(item);
    else {
      replace(item.id);
      done.add(item.id);
    }
  }
  for (const id of lineItemIds) if (!done.has(id)) replace(id);
  return { items, changed };
}

/**
 * Builds an organization's next snapshot from its resources in memory: from scratch (`changes`
 * undefined or no previous snapshot), or from the previous one, recompiling only what changed.
 */
export function buildSnapshot(
  resources: OrganizationResources,
  previous: OrganizationSnapshot | undefined,
  changes: ResourceChanges | undefined,
  nowMs: number,
): SnapshotBuild {
  const started = performance.now();
  const incremental = previous !== undefined && changes !== undefined;
  const { items, changed } = incremental
    ? nextLineItems(resources, previous.index, changes.lineItemIds)
    : { items: allLineItems(resources), changed: undefined };
  const placements = incremental && !changes.placements ? previous.placements : resources.catalogPlacements();
  const creatives = incremental && !changes.creatives ? previous.creatives : new Map(resources.creatives);
  const index = compileIndex(items, { now: nowMs, placements: [...placements.values()], previous: previous?.index });
  const snapshot: OrganizationSnapshot = Object.freeze({
    organizationId: resources.organizationId,
    index,
    placements,
    creatives,
    builtAtMs: nowMs,
    buildMs: performance.now() - started,
  });
  return { snapshot, changed: changed ?? index.lineItems };
}
