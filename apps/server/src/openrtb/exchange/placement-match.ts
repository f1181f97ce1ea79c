import type { CreativeFormat, DecisionSlot } from '@adplatform/decision-core';
import type { DeliveryCatalog } from '../../delivery/catalog/delivery-catalog.js';
import type { CatalogPlacement, OrganizationSnapshot } from '../../delivery/catalog/load-organization.js';
import { isObject, own } from '../model/json-checks.js';
import type { BidRequest, Imp } from '../model/openrtb-types.js';

/** Our bidder code in Prebid.js (`s2sConfig.bidders`) and the seat our bids answer under. */
export const ADPLATFORM_BIDDER = 'adplatform';

export interface MatchedImp {
  readonly imp: Imp;
  readonly placement: CatalogPlacement;
}

export interface PlacementMatch {
  /** The organization of the first matched imp; imps of any other organization are left unmatched. */
  readonly snapshot: OrganizationSnapshot;
  readonly matched: readonly MatchedImp[];
  /** Imp ids that name no placement of that organization (no bid for them). */
  readonly unmatched: readonly string[];
}

/**
 * Which of our placements each imp is, in this order: `imp.tagid`; Prebid's stored request
 * (`imp.ext.prebid.storedrequest.id`); our bidder's params (`imp.ext.prebid.bidder.adplatform.placementId`
 * or `imp.ext.adplatform.placementId`); else the publisher's placement on the request's site or app
 * domain whose sizes include the imp's. A `site.publisher.id` / `app.publisher.id`, when sent, must be
 * the placement's publisher: a placement id alone never lets one publisher's page buy another's slot.
 */
export function matchPlacements(catalog: DeliveryCatalog, request: BidRequest): PlacementMatch | undefined {
  const publisherId = (request.site ?? request.app)?.publisher?.id;
  let snapshot: OrganizationSnapshot | undefined;
  const matched: MatchedImp[] = [];
  const unmatched: string[] = [];
  for (const imp of request.imp) {
    const found = byId(catalog, imp) ?? bySiteAndSize(catalog, request, imp, publisherId);
    const ok =
      found !== undefined &&
      (publisherId === undefined || found.placement.publisherId === publisherId) &&
      (snapshot === undefined || snapshot.organizationId === found.snapshot.organizationId);
    if (!ok) {
      unmatched.push(imp.id);
      continue;
    }
    snapshot ??= found.snapshot;
    matched.push({ imp, placement: found.placement });
  }
  return snapshot === undefined ? undefined : { snapshot, matched, unmatched };
}

type Found = { snapshot: OrganizationSnapshot; placement: CatalogPlacement };

function byId(catalog: DeliveryCatalog, imp: Imp): Found | undefined {
  for (const id of candidateIds(imp)) {
    const snapshot = catalog.forPlacement(id);
    const placement = snapshot?.placements.get(id);
    if (snapshot && placement) return { snapshot, placement };
  }
  return undefined;
}

function candidateIds(imp: Imp): string[] {
  const ids: string[] = [];
  if (typeof imp.tagid === 'string') ids.push(imp.tagid);
  const ext = imp.ext;
  if (!isObject(ext)) return ids;
  const prebid = own(ext, 'prebid');
  if (isObject(prebid)) {
    const stored = own(prebid, 'storedrequest');
    if (isObject(stored) && typeof own(stored, 'id') === 'string') ids.push(own(stored, 'id') as string);
    const bidder = own(prebid, 'bidder');
    const params = isObject(bidder) ? own(bidder, ADPLATFORM_BIDDER) : undefined;
    if (isObject(params) && typeof own(params, 'placementId') === 'string') ids.push(own(params, 'placementId') as string);
  }
  const direct = own(ext, ADPLATFORM_BIDDER);
  if (isObject(direct) && typeof own(direct, 'placementId') === 'string') ids.push(own(direct, 'placementId') as string);
  return ids;
}

/** A banner's fixed sizes: its w×h and its formats'. */
function bannerSizes(banner: NonNullable<Imp['banner']>): { w: number; h: number }[] {
  const sizes: { w: number; h: number }[] = [];
  if (banner.w && banner.h) sizes.push({ w: banner.w, h: banner.h });
  for (const format of banner.format ?? []) if (format.w && format.h) sizes.push({ w: format.w, h: format.h });
  return sizes;
}

/** The imp's fixed sizes: the banner's and the video player's. */
export function impSizes(imp: Imp): { w: number; h: number }[] {
  const sizes = imp.banner ? bannerSizes(imp.banner) : [];
  if (imp.video?.w && imp.video.h) sizes.push({ w: imp.video.w, h: imp.video.h });
  return sizes;
}

/**
 * What an imp lets our creatives be, narrowing its placement's fit: image and HTML creatives for a banner (of the
 * banner's sizes when it names any), video for video, native for native; nothing of ours for audio alone.
 */
export function impSlotFit(imp: Imp): Pick<DecisionSlot, 'formats' | 'sizes'> {
  const formats: CreativeFormat[] = [];
  if (imp.banner) formats.push('image', 'html');
  if (imp.video) formats.push('video');
  if (imp.native) formats.push('native');
  const sizes = imp.banner ? bannerSizes(imp.banner) : [];
  return sizes.length > 0 ? { formats, sizes: sizes.map(({ w, h }) => ({ width: w, height: h })) } : { formats };
}

/** Needs the publisher id (it scopes the search to one publisher) and a domain. */
function bySiteAndSize(catalog: DeliveryCatalog, request: BidRequest, imp: Imp, publisherId: string | undefined): Found | undefined {
  if (publisherId === undefined) return undefined;
  const domain = (request.site?.domain ?? pageHost(request.site?.page) ?? request.app?.bundle)?.toLowerCase();
  if (!domain) return undefined;
  const sizes = impSizes(imp);
  for (const snapshot of catalog.snapshotsNow()) {
    for (const placement of snapshot.placements.values()) {
      if (placement.publisherId !== publisherId || placement.domain?.toLowerCase() !== domain) continue;
      if (sizes.some((s) => placement.sizes.some((p) => p.width === s.w && p.height === s.h))) return { snapshot, placement };
    }
  }
  return undefined;
}

function pageHost(page: string | undefined): string | undefined {
  if (!page) return undefined;
  try {
    return new URL(page.includes('://') ? page : `https://${page}`).hostname;
  } catch {
    return undefined;
  }
}
