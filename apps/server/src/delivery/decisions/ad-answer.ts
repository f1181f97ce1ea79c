import type { DirectSelection } from '@adplatform/decision-core';
import type { Resource } from '@adplatform/domain';
import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';
import type { CatalogPlacement, OrganizationSnapshot } from '../catalog/load-organization.js';
import { assetUrl, renderAdMarkup, renderAdMarkupCached, renderNative } from '../render/index.js';
import type { TrackingFacts, TrackingSigner } from '../tracking/tracking-signer.js';
import { adTrackingUrls } from '../tracking/tracking-urls.js';
import type { Ad, FallbackAd } from './decisions.schemas.js';

/** The facts a served ad's tracking URLs vouch for. */
export function trackingFactsOf(
  selection: DirectSelection,
  at: { placement: CatalogPlacement; decisionId: string; nowMs: number },
): TrackingFacts {
  const { lineItem, creative } = selection;
  const pricing = lineItem.pricing ?? { model: 'cpm' as const, bidMicros: selection.priceMicros };
  return {
    decisionId: at.decisionId,
    organizationId: at.placement.organizationId,
    advertiserId: lineItem.advertiserId,
    campaignId: lineItem.campaignId,
    lineItemId: lineItem.id,
    creativeId: creative.id,
    publisherId: at.placement.publisherId,
    siteId: at.placement.siteId,
    placementId: at.placement.id,
    pricingModel: pricing.model,
    priceCpmMicros: selection.priceMicros,
    // CPM: the impression's cost; CPC and CPA: the bid, charged when the click or conversion arrives.
    costMicros: pricing.model === 'cpm' ? Number(selection.costMicros) : pricing.bidMicros,
    decidedAtMs: at.nowMs,
  };
}

export interface DirectAdInput {
  selection: DirectSelection;
  creative: Resource<CreativeData>;
  placement: CatalogPlacement;
  signer: TrackingSigner;
  decisionId: string;
  nowMs: number;
  origin: string;
}

/** What the renderers take: the creative's data with its name. */
const renderedCreative = (creative: Resource<CreativeData>) => ({ ...creative.data, name: creative.name });

/** One served ad of the answer: signed URLs and the markup to render (through the creative's template). */
export function renderDirectAd(input: DirectAdInput): Ad {
  const { selection, creative, origin } = input;
  const token = input.signer.sign(trackingFactsOf(selection, input));
  const tracking = adTrackingUrls(origin, token);
  const urls = {
    clickUrl: tracking.clickUrl,
    impressionUrl: tracking.impressionUrl,
    viewableUrl: tracking.viewableUrl,
    assetBaseUrl: origin,
  };
  const data = creative.data;
  const ad: Ad = {
    decisionId: input.decisionId,
    lineItemId: selection.lineItem.id,
    campaignId: selection.lineItem.campaignId,
    advertiserId: selection.lineItem.advertiserId,
    creativeId: creative.id,
    format: data.format,
    width: data.width ?? null,
    height: data.height ?? null,
    html: data.format === 'video' ? '' : renderAdMarkupCached(creative, renderedCreative, urls),
    clickUrl: urls.clickUrl,
    impressionUrl: urls.impressionUrl,
    viewableUrl: urls.viewableUrl,
  };
  if (data.format === 'image' && data.assets) ad.imageUrl = assetUrl(origin, data.assets.webp.url);
  if (data.format === 'native') ad.native = renderNative(renderedCreative(creative), urls);
  if (data.format === 'video') ad.vastUrl = `${origin}/v1/vast/ad?t=${token}`;
  return ad;
}

/** What an unfilled slot shows: the placement's passback markup or house creative; null when it has none. */
export function renderFallback(placement: CatalogPlacement, snapshot: OrganizationSnapshot, origin: string): FallbackAd[] | null {
  const fallback = placement.fallback;
  const size = placement.sizes[0];
  if (fallback.type === 'passback') {
    return [{ fallback: 'passback', format: 'html', width: size?.width ?? null, height: size?.height ?? null, html: fallback.html }];
  }
  if (fallback.type === 'house') {
    const creative = snapshot.creatives.get(fallback.creativeId);
    if (!creative) return null;
    const urls = { clickUrl: creative.data.clickUrl, impressionUrl: '', assetBaseUrl: origin };
    return [
      {
        fallback: 'house',
        format: creative.data.format,
        width: creative.data.width ?? size?.width ?? null,
        height: creative.data.height ?? size?.height ?? null,
        html: renderAdMarkup({ ...creative.data, name: creative.name }, urls),
        creativeId: creative.id,
      },
    ];
  }
  return null;
}
