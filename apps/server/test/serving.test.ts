import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdvertiser, createCampaign, created, patch, post } from './campaigns.helpers.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, type Harness, login, OPERATOR, type Session } from './harness.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const OPEN = { startsAt: '2026-11-01T00:00:00Z', targeting: {} };

describe('ad tag, iframe and VAST invocation', () => {
  let h: Harness;
  let owner: Session;

  beforeEach(async () => {
    h = await createHarness();
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
  });
  afterEach(async () => h.close());

  const settled = async () => {
    await h.app.delivery.catalog.settle();
    await h.app.delivery.allowances.settle();
  };

  it('serves /v1/ad.js with an ETag and answers 304 to a matching If-None-Match', async () => {
    const first = await h.app.inject({ method: 'GET', url: '/v1/ad.js' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('javascript');
    expect(first.body).toContain('/v1/decisions');
    const etag = String(first.headers.etag);
    const again = await h.app.inject({ method: 'GET', url: '/v1/ad.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it('answers an iframe page with the ad, its impression pixel and the sandbox CSP; an empty page without fill', async () => {
    const ids = await activeLineItem(h, owner, { campaign: OPEN, lineItem: { targeting: { keywords: { any: ['shoes'] } } } });
    await settled();
    const page = await h.app.inject({
      method: 'GET',
      url: `/v1/ad/${ids.placementId}?kw=boots,shoes&uid=u1`,
      headers: { 'user-agent': IPHONE },
    });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/^sandbox /);
    expect(page.body).toContain('Winter shoes');
    expect(page.body).toContain('/t/imp?t=');
    const empty = await h.app.inject({ method: 'GET', url: `/v1/ad/${ids.placementId}?kw=boots`, headers: { 'user-agent': IPHONE } });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).not.toContain('Winter shoes');
    const bad = await h.app.inject({ method: 'GET', url: '/v1/ad/not-a-uuid' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('params.placementId');
  });

  it('answers VAST 4.2 for a video placement, with trackers that count, and an empty VAST without fill', async () => {
    const publisher = await created(h, owner, '/api/v1/publishers', { name: 'Tube' });
    const site = await created(h, owner, '/api/v1/sites', {
      publisherId: publisher.id,
      type: 'site',
      name: 'Tube',
      domain: 'tube.example',
    });
    const placement = await created(h, owner, '/api/v1/placements', { siteId: site.id, name: 'Pre-roll', formats: ['video'] });
    const advertiserId = await createAdvertiser(h, owner);
    const creative = await created(h, owner, '/api/v1/creatives', {
      advertiserId,
      name: 'Spot',
      format: 'video',
      clickUrl: 'https://acme.example/spot',
      video: {
        durationSeconds: 15,
        mediaFiles: [{ url: 'https://cdn.acme.example/spot.mp4', mimeType: 'video/mp4', width: 1280, height: 720 }],
      },
    });
    expect((await post(h, owner, `/api/v1/creatives/${creative.id}/approve`, {})).statusCode).toBe(200);
    const campaign = await createCampaign(h, owner, advertiserId, OPEN);
    const item = await created(h, owner, '/api/v1/line-items', {
      campaignId: campaign.id,
      name: 'Pre-roll',
      pricing: { model: 'cpm', bidMicros: 12_000_000 },
      targeting: { placements: [placement.id] },
    });
    expect((await post(h, owner, `/api/v1/line-items/${item.id}/creatives`, { creativeId: creative.id, weight: 100 })).statusCode).toBe(
      200,
    );
    for (const url of [`/api/v1/campaigns/${campaign.id}`, `/api/v1/line-items/${item.id}`]) {
      expect((await patch(h, owner, url, { status: 'active' })).statusCode).toBe(200);
    }
    await settled();

    const vast = await h.app.inject({ method: 'GET', url: `/v1/vast/${placement.id}` });
    expect(vast.statusCode, vast.body).toBe(200);
    expect(vast.headers['content-type']).toContain('application/xml');
    expect(vast.body).toContain('<VAST version="4.2"');
    expect(vast.body).toContain('https://cdn.acme.example/spot.mp4');
    expect(vast.body).toContain('<Duration>00:00:15</Duration>');
    const impression = /<Impression[^>]*><!\[CDATA\[([^\]]+)\]\]>/.exec(vast.body)?.[1];
    const midpoint = /<Tracking event="midpoint"><!\[CDATA\[([^\]]+)\]\]>/.exec(vast.body)?.[1];
    expect(impression).toContain('/t/imp?t=');
    for (const url of [impression, midpoint]) {
      const u = new URL(url ?? '');
      const hit = await h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
      expect(hit.statusCode).toBeLessThan(300);
    }
    expect((await h.deps.eventLog.read(0, 10)).events.map((e) => e.type)).toEqual(['request', 'impression', 'video_midpoint']);

    // The decision API answers the same ad with a vastUrl.
    const decided = await h.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      payload: { placements: [{ divName: 'v', placementId: placement.id }] },
    });
    const [ad] = decided.json().decisions.v;
    expect(ad.format).toBe('video');
    const byUrl = await h.app.inject({ method: 'GET', url: new URL(ad.vastUrl).pathname + new URL(ad.vastUrl).search });
    expect(byUrl.body).toContain('https://cdn.acme.example/spot.mp4');

    expect((await patch(h, owner, `/api/v1/line-items/${item.id}`, { status: 'paused' })).statusCode).toBe(200);
    await settled();
    const none = await h.app.inject({ method: 'GET', url: `/v1/vast/${placement.id}` });
    expect(none.statusCode).toBe(200);
    expect(none.body).toMatch(/<VAST version="4.2"[^>]*\/>/);
    const tampered = await h.app.inject({ method: 'GET', url: `/v1/vast/ad?t=${'A'.repeat(40)}.${'B'.repeat(22)}` });
    expect([400, 403]).toContain(tampered.statusCode);
  });
});
