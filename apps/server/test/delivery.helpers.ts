import { expect } from 'vitest';
import { createAdvertiser, createCampaign, created, patch, post } from './campaigns.helpers.js';
import type { Harness, Session } from './harness.js';

/** Helpers of the delivery tests: a whole deliverable chain built through the management API. */

/** Publisher → site → placement through the API (300x250 image or html, floor 0.50 CPM). */
export async function createPlacement(h: Harness, session: Session): Promise<string> {
  const publisher = await created(h, session, '/api/v1/publishers', { name: 'Daily News' });
  const site = await created(h, session, '/api/v1/sites', {
    publisherId: publisher.id,
    type: 'site',
    name: 'Daily News',
    domain: 'news.example',
  });
  const placement = await created(h, session, '/api/v1/placements', {
    siteId: site.id,
    name: 'Top MPU',
    formats: ['image', 'html'],
    sizes: [{ width: 300, height: 250 }],
    floorMicros: 500_000,
  });
  return placement.id;
}

export interface LineItemOptions {
  /** Merged into the campaign body. */
  campaign?: object;
  /** Merged into the line item body. */
  lineItem?: object;
  /** Reuse a placement instead of creating one. */
  placementId?: string;
  /** Reuse an advertiser instead of creating one. */
  advertiserId?: string;
  clickUrl?: string;
}

/** An approved 300x250 HTML creative, through the API. */
export async function approvedCreative(h: Harness, owner: Session, advertiserId: string, clickUrl = 'https://acme.example/shoes') {
  const creative = await created(h, owner, '/api/v1/creatives', {
    advertiserId,
    name: 'MPU',
    format: 'html',
    width: 300,
    height: 250,
    clickUrl,
    html: '<div class="ad">Winter shoes</div>',
  });
  const approved = await post(h, owner, `/api/v1/creatives/${creative.id}/approve`, {});
  expect(approved.statusCode, approved.body).toBe(200);
  return creative.id;
}

/** Advertiser → campaign (US) → line item (mobile, the placement) with an approved creative, all active. */
export async function activeLineItem(h: Harness, owner: Session, options: LineItemOptions = {}) {
  const advertiserId = options.advertiserId ?? (await createAdvertiser(h, owner));
  const campaign = await createCampaign(h, owner, advertiserId, {
    targeting: { geo: { countries: ['US'] } },
    totalBudgetMicros: 10_000_000,
    frequencyCaps: [{ count: 3, window: { unit: 'hour', size: 2 } }],
    ...options.campaign,
  });
  const placementId = options.placementId ?? (await createPlacement(h, owner));
  const creativeId = await approvedCreative(h, owner, advertiserId, options.clickUrl);
  const item = await created(h, owner, '/api/v1/line-items', {
    campaignId: campaign.id,
    name: 'MPU',
    pricing: { model: 'cpm', bidMicros: 2_500_000 },
    dailyBudgetMicros: 1_000_000,
    targeting: { deviceTypes: ['mobile'], placements: [placementId] },
    ...options.lineItem,
  });
  const attached = await post(h, owner, `/api/v1/line-items/${item.id}/creatives`, { creativeId, weight: 70 });
  expect(attached.statusCode, attached.body).toBe(200);
  for (const url of [`/api/v1/campaigns/${campaign.id}`, `/api/v1/line-items/${item.id}`]) {
    const activated = await patch(h, owner, url, { status: 'active' });
    expect(activated.statusCode, activated.body).toBe(200);
  }
  return { advertiserId, campaignId: campaign.id, lineItemId: item.id, placementId, creativeId };
}
