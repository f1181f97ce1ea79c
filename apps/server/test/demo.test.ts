import type { AddressInfo } from 'node:net';
import { seededRandom } from '@adplatform/decision-core';
import type { DeliveryEvent } from '@adplatform/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADVERTISERS, DEMO_CAMPAIGNS, DEMO_PLACEMENTS, type PlacementKey } from '../src/demo/demo-plan.js';
import { type DemoSeed, seedDemo } from '../src/demo/seed.js';
import { startTraffic } from '../src/demo/traffic.js';
import { demoSegmentMembers } from '../src/demo/visitors.js';
import { createAnalyticsConsumer } from '../src/pipeline/analytics-consumer.js';
import { createHarness, type Harness, login, OPERATOR, type Session } from './harness.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const DAY = '2026-11-27'; // the harness clock: Friday 2026-11-27 12:00 UTC

const lineItemNames = DEMO_CAMPAIGNS.flatMap((c) => c.lineItems.map((li) => li.name));
const creativeNames = new Set(DEMO_CAMPAIGNS.flatMap((c) => c.lineItems.flatMap((li) => li.creatives.map((x) => x.creative.name))));

// Seeding makes ~80 writes and a dozen images: seconds on an idle machine, far more on a loaded one.
const SLOW = 180_000;

async function list(harness: Harness, session: Session, path: string): Promise<{ name: string; status: string; [k: string]: unknown }[]> {
  const response = await harness.app.inject({ method: 'GET', url: `${path}?limit=100`, headers: session.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}

/** Seeds, then waits for the delivery index to hold the demo and its budgets to be leased. */
async function seeded(harness: Harness): Promise<DemoSeed> {
  const seed = await seedDemo(harness.deps);
  await harness.app.delivery.catalog.settle();
  harness.app.delivery.warmBudgets();
  await harness.app.delivery.allowances.settle();
  return seed;
}

async function decide(harness: Harness, placementId: string, request: object) {
  const response = await harness.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    payload: { placements: [{ divName: 'slot', placementId }], ...request },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().decisions.slot?.[0] as { lineItemId: string; impressionUrl: string; format: string } | undefined;
}

describe('demo seed', () => {
  it('creates every demo record once, through the services, and a second run creates and changes nothing', { timeout: SLOW }, async () => {
    const h = await createHarness();
    try {
      await seedTwice(h);
    } finally {
      await h.close();
    }
  });
});

/** Seeds twice; checks what the first run made, through the API, and that the second made nothing. */
async function seedTwice(h: Harness): Promise<void> {
  const first = await seedDemo(h.deps);
  expect(first.created).toEqual({
    publisher: 1,
    site: 1,
    placement: 4,
    segment: 1,
    demand_partner: 1,
    advertiser: 3,
    campaign: DEMO_CAMPAIGNS.length,
    line_item: lineItemNames.length,
    creative: creativeNames.size,
  });
  const changes = h.events.length;
  const second = await seedDemo(h.deps);
  expect(second.created).toEqual({});
  expect(second.placements).toEqual(first.placements);
  expect(second.lineItemIds).toEqual(first.lineItemIds);
  expect(h.events.length).toBe(changes); // no update either: nothing re-approved, re-attached or re-activated

  const operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  const advertisers = await list(h, operator, '/api/v1/advertisers');
  expect(advertisers.map((a) => [a.name, a.status]).sort()).toEqual(
    Object.values(DEMO_ADVERTISERS)
      .map((a) => [a.name, 'active'])
      .sort(),
  );
  const campaigns = await list(h, operator, '/api/v1/campaigns');
  expect(campaigns).toHaveLength(DEMO_CAMPAIGNS.length);
  expect(campaigns.every((c) => c.status === 'active' && c.name.startsWith('Demo '))).toBe(true);
  const lineItems = await list(h, operator, '/api/v1/line-items');
  expect(lineItems.map((li) => li.name).sort()).toEqual([...lineItemNames].sort());
  expect(new Set(lineItems.map((li) => li.status))).toEqual(new Set(['active']));
  expect(new Set(lineItems.map((li) => (li.pricing as { model: string }).model))).toEqual(new Set(['cpm', 'cpc', 'cpa']));
  expect(new Set(lineItems.map((li) => li.priority))).toEqual(new Set(['sponsorship', 'standard', 'price', 'house']));
  const creatives = await list(h, operator, '/api/v1/creatives');
  expect(new Set(creatives.map((c) => c.name))).toEqual(creativeNames);
  expect(new Set(creatives.map((c) => c.status))).toEqual(new Set(['approved']));
  expect(new Set(creatives.map((c) => c.format))).toEqual(new Set(['image', 'html', 'native']));
  // Generated images: stored at their declared size, with a WebP variant, served from /assets.
  const image = creatives.find((c) => c.format === 'image' && c.width === 728)!;
  const assets = image.assets as { original: { url: string; width: number; height: number; contentType: string } };
  expect(assets.original).toMatchObject({ width: 728, height: 90, contentType: 'image/png' });
  expect((await h.app.inject({ method: 'GET', url: assets.original.url })).statusCode).toBe(200);

  const placements = await list(h, operator, '/api/v1/placements');
  expect(placements.map((p) => [p.name, p.status, p.floorMicros]).sort()).toEqual(
    Object.values(DEMO_PLACEMENTS)
      .map((p) => [p.name, 'active', p.floorMicros])
      .sort(),
  );
  const [partner] = await list(h, operator, '/api/v1/demand-partners');
  expect(partner).toMatchObject({ name: 'Demo Exchange Partner (disabled)', enabled: false });
  const [segment] = await list(h, operator, '/api/v1/segments');
  expect(segment).toMatchObject({ name: expect.stringMatching(/^Demo /), memberCount: demoSegmentMembers().length });
}

describe('demo delivery', () => {
  // One seeded server for both: the decisions below record no impressions, so the traffic test counts only its own.
  let h: Harness;
  let seed: DemoSeed;
  beforeAll(async () => {
    h = await createHarness({ analytics: true });
    seed = await seeded(h);
  }, SLOW);
  afterAll(async () => h?.close());

  it('serves a demo ad in every demo placement, and targeting picks the campaign the request matches', { timeout: SLOW }, async () => {
    const desktopUs = { ip: '8.8.8.8', userAgent: CHROME, user: { key: 'demo-visitor-001' } };
    const mobileUs = { ...desktopUs, userAgent: IPHONE };
    const requests: Record<PlacementKey, object> = {
      leaderboard: desktopUs,
      mpu: desktopUs,
      mobile: mobileUs,
      native: { ...desktopUs, ip: '133.11.0.1' },
    };
    for (const [key, request] of Object.entries(requests) as [PlacementKey, object][]) {
      const ad = await decide(h, seed.placements[key], request);
      expect(ad, key).toBeDefined();
      expect(seed.lineItemIds).toContain(ad!.lineItemId);
      expect(ad!.impressionUrl).toContain('/t/imp?t=');
    }
    const winner = async (key: PlacementKey, request: object) => {
      const ad = await decide(h, seed.placements[key], request);
      const items = await list(h, await login(h.app, OPERATOR.email, OPERATOR.password), '/api/v1/line-items');
      return items.find((li) => li.id === ad?.lineItemId)?.name;
    };
    // US desktop: Acme's CPM display; on a sports page its HTML sports MPU (standard tier, higher CPM).
    expect(await winner('leaderboard', desktopUs)).toBe('Demo Acme - Desktop display (CPM)');
    expect(await winner('mpu', { ...desktopUs, keywords: ['sports', 'running'], keyValues: { section: 'sports' } })).toBe(
      'Demo Acme - Sports MPU (HTML, CPM)',
    );
    // A member of the savers segment, in the US: the sponsorship outranks every other tier.
    expect(await winner('mpu', { ...mobileUs, user: { key: demoSegmentMembers()[0] } })).toBe('Demo Brightside - Savers sponsorship (CPM)');
    // GB on a Friday at noon, London time: Northwind's weekday day-part; not on a finance page (keywords.none).
    expect(await winner('leaderboard', { ...desktopUs, ip: '212.58.244.22' })).toBe('Demo Northwind - Leaderboard and mobile (CPM)');
    expect(await winner('leaderboard', { ...desktopUs, ip: '212.58.244.22', keywords: ['finance'] })).toBe('Demo Brightside - House ads');
    // Japan, travel section: Northwind's CPA native (price tier) beats the house ad.
    expect(await winner('native', { ...desktopUs, ip: '133.11.0.1', keyValues: { section: 'travel' } })).toBe(
      'Demo Northwind - Travel MPU and native (CPA)',
    );
  });

  it('sends decisions, impressions, clicks and conversions over HTTP, and they reach the event log and reports', {
    timeout: SLOW,
  }, async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const traffic = startTraffic({
      baseUrl: `http://127.0.0.1:${port}`,
      placements: seed.placements,
      requestsPerSecond: 40,
      clickRate: 0.2,
      conversionRate: 0.5,
      delayScale: 0,
      random: seededRandom(7),
    });
    // Until every kind of event has come back at least once (bounded: a loaded machine answers slowly).
    const until = Date.now() + 60_000;
    for (
      let s = traffic.stats();
      Date.now() < until && !(s.requests > 20 && s.impressions > 20 && s.clicks > 0 && s.conversions > 0);
      s = traffic.stats()
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await traffic.stop();
    const stats = traffic.stats();
    expect(stats.errors).toBe(0);
    expect(stats.requests).toBeGreaterThan(20);

    const events: DeliveryEvent[] = (await h.deps.eventLog.read(0, 100_000)).events;
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('impression')).toBe(stats.impressions);
    expect(count('viewable')).toBe(stats.viewables);
    expect(count('click')).toBe(stats.clicks);
    expect(count('conversion')).toBe(stats.conversions);
    expect(stats.impressions).toBeGreaterThan(20);
    expect(stats.clicks).toBeGreaterThan(0);
    expect(stats.conversions).toBeGreaterThan(0);
    expect(events.every((e) => e.organizationId === seed.organizationId)).toBe(true);
    // Varied visitors (countries, devices, sections, the segment): many demo line items won impressions.
    const served = new Set(events.filter((e) => e.type === 'impression').map((e) => e.lineItemId));
    expect(served.size).toBeGreaterThanOrEqual(5);
    // A stopped simulator sends nothing more.
    const after = traffic.stats();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(traffic.stats()).toEqual(after);

    await createAnalyticsConsumer({ eventLog: h.deps.eventLog, store: h.deps.analytics! }).drain();
    const operator = await login(h.app, OPERATOR.email, OPERATOR.password);
    const report = await h.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: operator.headers,
      payload: { dimensions: [], metrics: ['impressions', 'clicks'], from: DAY, to: DAY },
    });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().totals).toMatchObject({ impressions: stats.impressions, clicks: stats.clicks });
  });
});
