import { randomUUID } from 'node:crypto';
import { newId } from '@adplatform/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsConsumer } from '../src/pipeline/analytics-consumer.js';
import { createAdvertiser, get, organizationOf, patch, post } from './campaigns.helpers.js';
import { activeLineItem } from './delivery.helpers.js';
import { htmlCreative, imageFields, multipartOf, pngOf } from './fixtures/creatives.fixture.js';
import { bearer, createHarness, expectProblem, type Harness, login, OPERATOR, type Session } from './harness.js';

/**
 * Issue 5: "advertisers see their campaigns, publishers their inventory" (ADR 0017).
 * Two advertisers (A, B), each with its own publisher's placement (PA, PB), real
 * decisions and tracked impressions and clicks through the event log and the
 * analytics consumer; then a user limited to A and an API key limited to PA.
 */
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DAY = '2026-11-27';
const LIMITED_PASSWORD = 'limited-password-123';

let h: Harness;
let owner: Session;
let org: string;
let a: Awaited<ReturnType<typeof activeLineItem>> & { publisherId: string };
let b: Awaited<ReturnType<typeof activeLineItem>> & { publisherId: string };
/** A user with the advertiser role limited to advertiser A. */
let userA: Session;
/** An API key with the publisher role limited to publisher PA. */
let keyPA: Session;

const asSession = (key: string): Session => ({ cookie: '', csrfToken: '', headers: bearer(key) });
const report = (session: Session, body: object) => post(h, session, '/api/v1/reports', { from: DAY, to: DAY, ...body });

/** Asks for an ad on the placement and fetches its impression URL (and click URL when `click`). */
async function serve(placementId: string, click: boolean): Promise<void> {
  const decided = await h.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: { 'user-agent': IPHONE },
    payload: { placements: [{ divName: 'slot', placementId }], ip: '8.8.8.8' },
  });
  const [ad] = decided.json().decisions.slot;
  expect(ad, decided.body).toBeDefined();
  for (const url of click ? [ad.impressionUrl, ad.clickUrl] : [ad.impressionUrl]) {
    const u = new URL(url);
    const tracked = await h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    expect(tracked.statusCode).toBeLessThan(400);
  }
}

beforeAll(async () => {
  h = await createHarness({ analytics: true });
  owner = await login(h.app, OPERATOR.email, OPERATOR.password);
  org = await organizationOf(h, owner);
  const chain = async (name: string) => {
    const ids = await activeLineItem(h, owner, {
      campaign: { startsAt: '2026-11-01T00:00:00Z' },
      advertiserId: await createAdvertiser(h, owner, name),
    });
    const placement = (await get(h, owner, `/api/v1/placements/${ids.placementId}`)).json();
    return { ...ids, publisherId: placement.publisherId as string };
  };
  a = await chain('Advertiser A');
  b = await chain('Advertiser B');
  await h.app.delivery.catalog.settle();
  await h.app.delivery.allowances.settle();
  await serve(a.placementId, true);
  await serve(b.placementId, false);
  await serve(b.placementId, true);
  // Publisher earnings arrive server to server (the tracked events carry cost only): one per publisher.
  const earning = (side: typeof a, revenueMicros: string) => ({
    id: randomUUID(),
    type: 'impression' as const,
    at: Date.parse(`${DAY}T13:00:00Z`),
    organizationId: org,
    advertiserId: side.advertiserId,
    campaignId: side.campaignId,
    publisherId: side.publisherId,
    placementId: side.placementId,
    costMicros: '0',
    revenueMicros,
  });
  await h.deps.analytics!.ingest([earning(a, '700'), earning(b, '5000')]);
  await createAnalyticsConsumer({ eventLog: h.deps.eventLog, store: h.deps.analytics! }).drain();

  const user = await post(h, owner, '/api/v1/users', {
    email: 'buyer-a@example.com',
    role: 'advertiser',
    password: LIMITED_PASSWORD,
    advertiserIds: [a.advertiserId],
  });
  expect(user.statusCode, user.body).toBe(201);
  expect(user.json().user).toMatchObject({ advertiserIds: [a.advertiserId], publisherIds: [] });
  userA = await login(h.app, 'buyer-a@example.com', LIMITED_PASSWORD);
  const key = await post(h, owner, '/api/v1/api-keys', { name: 'PA reports', role: 'publisher', publisherIds: [a.publisherId] });
  expect(key.statusCode, key.body).toBe(201);
  expect(key.json()).toMatchObject({ advertiserIds: [], publisherIds: [a.publisherId] });
  keyPA = asSession(key.json().key);
}, 120_000);

afterAll(() => h.close());

describe('reports for a user limited to advertiser A', () => {
  it('holds the tracked events of both advertisers (the owner sees both)', async () => {
    const all = await report(owner, { dimensions: ['advertiser'], metrics: ['impressions', 'clicks'] });
    expect(all.json().rows).toEqual(
      expect.arrayContaining([
        { advertiser: a.advertiserId, impressions: 2, clicks: 1 },
        { advertiser: b.advertiserId, impressions: 3, clicks: 1 },
      ]),
    );
  });

  it('shows only A’s rows and totals, equal to the owner’s report filtered to A', async () => {
    const body = { dimensions: ['advertiser', 'campaign'], metrics: ['impressions', 'clicks', 'ctr', 'spend', 'ecpm'] };
    const mine = await report(userA, body);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().rows).toEqual([
      { advertiser: a.advertiserId, campaign: a.campaignId, impressions: 2, clicks: 1, ctr: 0.5, spend: '2500', ecpm: '1250000' },
    ]);
    const ownersView = await report(owner, { ...body, filters: { advertiserId: [a.advertiserId] } });
    expect(mine.json().totals).toEqual(ownersView.json().totals);
    const grandTotal = await report(userA, { dimensions: [], metrics: ['impressions', 'spend'] });
    expect(grandTotal.json().totals).toEqual({ impressions: 2, spend: '2500' });
  });

  it('keeps A’s rows only when grouped by the inventory its ads ran on', async () => {
    const rows = (await report(userA, { dimensions: ['publisher'], metrics: ['impressions'] })).json().rows;
    expect(rows).toEqual([{ publisher: a.publisherId, impressions: 2 }]);
  });

  it('may filter to A, and answers 403 naming the field for a filter to B', async () => {
    expect((await report(userA, { dimensions: [], metrics: ['clicks'], filters: { advertiserId: [a.advertiserId] } })).statusCode).toBe(
      200,
    );
    const refused = await report(userA, {
      dimensions: [],
      metrics: ['clicks'],
      filters: { advertiserId: [a.advertiserId, b.advertiserId] },
    });
    const problem = expectProblem(refused, 403, 'FORBIDDEN');
    expect(JSON.stringify(problem.errors)).toContain('body.filters.advertiserId[1]');
  });

  it('a campaign filter cannot reach B’s rows either: they are simply not A’s', async () => {
    const response = await report(userA, { dimensions: [], metrics: ['impressions'], filters: { campaignId: [b.campaignId] } });
    expect(response.json().totals).toEqual({ impressions: 0 });
  });

  it.each([
    [{ dimensions: [], metrics: ['impressions', 'revenue'] }, 'body.metrics[1]'],
    [{ dimensions: [], metrics: ['requests'] }, 'body.metrics[0]'],
    [{ dimensions: [], metrics: ['fillRate'] }, 'body.metrics[0]'],
    [{ dimensions: [], metrics: ['impressions'], sort: [{ by: 'revenue', direction: 'desc' }] }, 'body.sort[0].by'],
  ])('cannot see publisher figures: %j answers 403 naming %s', async (body, path) => {
    const problem = expectProblem(await report(userA, body), 403, 'FORBIDDEN');
    expect(JSON.stringify(problem.errors)).toContain(path);
  });

  it('exports only A’s rows as CSV, and refuses revenue before any byte of the file', async () => {
    const csv = await report(userA, { dimensions: ['advertiser'], metrics: ['impressions', 'spend'], format: 'csv' });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body).toBe(`advertiser,impressions,spend\r\n${a.advertiserId},2,2500\r\n`);
    expectProblem(await report(userA, { dimensions: [], metrics: ['revenue'], format: 'parquet' }), 403, 'FORBIDDEN');
  });
});

describe('reports for an API key limited to publisher PA', () => {
  it('shows only PA’s traffic and earnings, its requests included', async () => {
    const response = await report(keyPA, { dimensions: ['publisher'], metrics: ['requests', 'impressions', 'clicks', 'revenue'] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().rows).toEqual([{ publisher: a.publisherId, requests: 1, impressions: 2, clicks: 1, revenue: '700' }]);
    expect(response.json().totals).toEqual({ requests: 1, impressions: 2, clicks: 1, revenue: '700' });
  });

  it('sees the campaigns that ran on its inventory only', async () => {
    const rows = (await report(keyPA, { dimensions: ['campaign'], metrics: ['impressions'] })).json().rows;
    expect(rows).toEqual([{ campaign: a.campaignId, impressions: 2 }]);
  });

  it.each([
    [{ dimensions: [], metrics: ['spend'] }, 'body.metrics[0]'],
    [{ dimensions: [], metrics: ['impressions', 'ecpm'] }, 'body.metrics[1]'],
    [{ dimensions: [], metrics: ['conversions'] }, 'body.metrics[0]'],
    [{ dimensions: [], metrics: ['impressions'], sort: [{ by: 'spend', direction: 'asc' }] }, 'body.sort[0].by'],
  ])('cannot see what advertisers paid: %j answers 403 naming %s', async (body, path) => {
    const problem = expectProblem(await report(keyPA, body), 403, 'FORBIDDEN');
    expect(JSON.stringify(problem.errors)).toContain(path);
  });

  it('answers 403 naming the field for a filter to another publisher', async () => {
    const refused = await report(keyPA, { dimensions: [], metrics: ['impressions'], filters: { publisherId: [b.publisherId] } });
    expect(JSON.stringify(expectProblem(refused, 403, 'FORBIDDEN').errors)).toContain('body.filters.publisherId[0]');
  });

  it('exports only PA’s rows as CSV', async () => {
    const csv = await report(keyPA, { dimensions: ['placement'], metrics: ['impressions', 'revenue'], format: 'csv' });
    expect(csv.body).toBe(`placement,impressions,revenue\r\n${a.placementId},2,700\r\n`);
  });
});

describe('the metrics each limited side may request', () => {
  it('are listed in /openapi.json beside the metric enum, and a limited caller gets exactly those', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const metrics = doc.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema.properties.metrics;
    const bySide = metrics['x-metrics-of-limited-callers'] as Record<'advertiser' | 'publisher', string[]>;
    expect(bySide.advertiser).toEqual([
      'impressions',
      'viewableImpressions',
      'viewableRate',
      'clicks',
      'ctr',
      'conversions',
      'conversionRate',
      'spend',
      'ecpm',
      'ecpc',
      'cpa',
    ]);
    expect(bySide.publisher).toEqual([
      'requests',
      'impressions',
      'fillRate',
      'viewableImpressions',
      'viewableRate',
      'clicks',
      'ctr',
      'revenue',
    ]);
    const all = metrics.items.enum as string[];
    for (const [session, side] of [
      [userA, 'advertiser'],
      [keyPA, 'publisher'],
    ] as const) {
      expect((await report(session, { dimensions: [], metrics: bySide[side] })).statusCode, side).toBe(200);
      for (const metric of all.filter((m) => !bySide[side].includes(m))) {
        expectProblem(await report(session, { dimensions: [], metrics: [metric] }), 403, 'FORBIDDEN');
      }
    }
  });
});

describe('management reads and writes of limited callers', () => {
  const ids = (response: { json(): { items: { id: string }[] } }) => response.json().items.map((item) => item.id);

  it('lists and gets only A and what lies below it; B reads as missing', async () => {
    expect(ids(await get(h, userA, '/api/v1/advertisers'))).toEqual([a.advertiserId]);
    expect(ids(await get(h, userA, '/api/v1/campaigns'))).toEqual([a.campaignId]);
    expect(ids(await get(h, userA, '/api/v1/line-items'))).toEqual([a.lineItemId]);
    expect(ids(await get(h, userA, '/api/v1/creatives'))).toEqual([a.creativeId]);
    expect(ids(await get(h, userA, `/api/v1/campaigns?advertiserId=${b.advertiserId}`))).toEqual([]);
    expect((await get(h, userA, `/api/v1/campaigns/${a.campaignId}`)).statusCode).toBe(200);
    for (const url of [
      `/api/v1/advertisers/${b.advertiserId}`,
      `/api/v1/campaigns/${b.campaignId}`,
      `/api/v1/line-items/${b.lineItemId}`,
      `/api/v1/creatives/${b.creativeId}`,
    ]) {
      expectProblem(await get(h, userA, url), 404, 'NOT_FOUND');
    }
  });

  it('sees only its own publisher’s inventory as a publisher key, and no advertisers', async () => {
    expect(ids(await get(h, keyPA, '/api/v1/publishers'))).toEqual([a.publisherId]);
    expect(ids(await get(h, keyPA, '/api/v1/placements'))).toEqual([a.placementId]);
    expectProblem(await get(h, keyPA, `/api/v1/placements/${b.placementId}`), 404, 'NOT_FOUND');
    expectProblem(await get(h, keyPA, `/api/v1/publishers/${b.publisherId}`), 404, 'NOT_FOUND');
  });

  it('cannot change B’s campaign, create under B, or create advertisers', async () => {
    expectProblem(await patch(h, userA, `/api/v1/campaigns/${b.campaignId}`, { name: 'Mine now' }), 404, 'NOT_FOUND');
    const under = await post(h, userA, '/api/v1/campaigns', {
      advertiserId: b.advertiserId,
      name: 'Sneaky',
      startsAt: '2026-12-01T00:00:00Z',
    });
    expect(JSON.stringify(expectProblem(under, 403, 'FORBIDDEN').errors)).toContain('body.advertiserId');
    expectProblem(await post(h, userA, '/api/v1/advertisers', { name: 'New', currency: 'USD' }), 403, 'FORBIDDEN');
    const renamed = await patch(h, userA, `/api/v1/campaigns/${a.campaignId}`, { name: 'Still mine' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await get(h, owner, `/api/v1/campaigns/${b.campaignId}`)).json().name).not.toBe('Mine now');
  });

  it('answers a parent outside the limit exactly like a missing or archived one: 403 naming the field, nothing else said', async () => {
    const archived = await createAdvertiser(h, owner, 'Archived C');
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/advertisers/${archived}`, headers: owner.headers })).statusCode).toBe(200);
    const siteOfB = (await get(h, owner, `/api/v1/placements/${b.placementId}`)).json().siteId as string;
    const cases: [Session, string, (parent: string) => object, string, string[]][] = [
      [
        userA,
        '/api/v1/campaigns',
        (advertiserId) => ({ advertiserId, name: 'Probe', startsAt: '2026-12-01T00:00:00Z' }),
        'body.advertiserId',
        [b.advertiserId, archived],
      ],
      [userA, '/api/v1/creatives', (advertiserId) => htmlCreative(advertiserId), 'body.advertiserId', [b.advertiserId, archived]],
      [
        userA,
        '/api/v1/line-items',
        (campaignId) => ({ campaignId, name: 'Probe', pricing: { model: 'cpm', bidMicros: 1_000_000 } }),
        'body.campaignId',
        [b.campaignId],
      ],
      [
        keyPA,
        '/api/v1/sites',
        (publisherId) => ({ publisherId, type: 'site', name: 'Probe', domain: 'probe.example' }),
        'body.publisherId',
        [b.publisherId],
      ],
      [keyPA, '/api/v1/placements', (siteId) => ({ siteId, name: 'Probe', formats: ['video'] }), 'body.siteId', [siteOfB]],
    ];
    for (const [session, url, body, path, outside] of cases) {
      const missing = expectProblem(await post(h, session, url, body(newId())), 403, 'FORBIDDEN');
      expect(JSON.stringify(missing.errors), url).toContain(path);
      for (const parent of outside) {
        const refused = expectProblem(await post(h, session, url, body(parent)), 403, 'FORBIDDEN');
        expect(refused.errors, `${url} under ${parent}`).toEqual(missing.errors);
      }
    }
    const upload = async (advertiserId: string) => {
      const form = await multipartOf(imageFields(advertiserId), [{ bytes: await pngOf(300, 250) }]);
      return h.app.inject({
        method: 'POST',
        url: '/api/v1/creatives',
        headers: { ...userA.headers, ...form.headers },
        payload: form.payload,
      });
    };
    const missing = expectProblem(await upload(newId()), 403, 'FORBIDDEN');
    expect(expectProblem(await upload(b.advertiserId), 403, 'FORBIDDEN').errors).toEqual(missing.errors);
  });

  it('creates under its own advertiser or publisher, down to line items and placements', async () => {
    const campaign = await post(h, userA, '/api/v1/campaigns', {
      advertiserId: a.advertiserId,
      name: 'Mine',
      startsAt: '2026-12-01T00:00:00Z',
    });
    expect(campaign.statusCode, campaign.body).toBe(201);
    const pricing = { model: 'cpm', bidMicros: 1_000_000 };
    const item = await post(h, userA, '/api/v1/line-items', { campaignId: campaign.json().id, name: 'Mine', pricing });
    expect(item.statusCode, item.body).toBe(201);
    expect((await post(h, userA, `/api/v1/line-items/${item.json().id}/creatives`, { creativeId: a.creativeId })).statusCode).toBe(200);
    const site = await post(h, keyPA, '/api/v1/sites', { publisherId: a.publisherId, type: 'site', name: 'Mine', domain: 'mine.example' });
    expect(site.statusCode, site.body).toBe(201);
    const placement = await post(h, keyPA, '/api/v1/placements', { siteId: site.json().id, name: 'Mine', formats: ['video'] });
    expect(placement.statusCode, placement.body).toBe(201);
    expect(ids(await get(h, keyPA, '/api/v1/placements')).sort()).toEqual([a.placementId, placement.json().id].sort());
  });

  it('cannot move its own resources to another advertiser or publisher by PATCH: the parent is fixed (400)', async () => {
    const siteOfA = (await get(h, owner, `/api/v1/placements/${a.placementId}`)).json().siteId as string;
    const moves: [Session, string, object][] = [
      [userA, `/api/v1/campaigns/${a.campaignId}`, { advertiserId: b.advertiserId }],
      [userA, `/api/v1/line-items/${a.lineItemId}`, { campaignId: b.campaignId }],
      [userA, `/api/v1/creatives/${a.creativeId}`, { advertiserId: b.advertiserId }],
      [keyPA, `/api/v1/sites/${siteOfA}`, { publisherId: b.publisherId }],
      [keyPA, `/api/v1/placements/${a.placementId}`, { siteId: siteOfA, publisherId: b.publisherId }],
    ];
    for (const [session, url, body] of moves) {
      expectProblem(await patch(h, session, url, body), 400, 'VALIDATION_FAILED');
    }
    expect((await get(h, owner, `/api/v1/campaigns/${a.campaignId}`)).json().advertiserId).toBe(a.advertiserId);
    expect((await get(h, owner, `/api/v1/placements/${a.placementId}`)).json().publisherId).toBe(a.publisherId);
  });

  it('cannot attach another advertiser’s creative, which reads as missing rather than as someone else’s', async () => {
    const attach = (creativeId: string) => post(h, userA, `/api/v1/line-items/${a.lineItemId}/creatives`, { creativeId });
    const missing = expectProblem(await attach(newId()), 400, 'VALIDATION_FAILED');
    expect(missing.errors).toEqual([{ path: 'body.creativeId', message: 'is not a creative of this organization' }]);
    expect(expectProblem(await attach(b.creativeId), 400, 'VALIDATION_FAILED').errors).toEqual(missing.errors);
  });

  it('gives a limited publisher no house creative it cannot see, but keeps the one its placement has', async () => {
    const house = (creativeId: string) =>
      patch(h, keyPA, `/api/v1/placements/${a.placementId}`, { fallback: { type: 'house', creativeId } });
    const missing = expectProblem(await house(newId()), 400, 'VALIDATION_FAILED');
    expect(missing.errors).toEqual([{ path: 'body.fallback.creativeId', message: 'is not a creative of this organization' }]);
    // B's approved creative exists, fits the placement and would serve on it: to PA's key it is just as unknown.
    expect(expectProblem(await house(b.creativeId), 400, 'VALIDATION_FAILED').errors).toEqual(missing.errors);
    const set = await patch(h, owner, `/api/v1/placements/${a.placementId}`, { fallback: { type: 'house', creativeId: a.creativeId } });
    expect(set.statusCode, set.body).toBe(200);
    try {
      const kept = await patch(h, keyPA, `/api/v1/placements/${a.placementId}`, { sizes: [{ width: 300, height: 250 }], name: 'Top MPU' });
      expect(kept.statusCode, kept.body).toBe(200);
      expect(kept.json().fallback).toEqual({ type: 'house', creativeId: a.creativeId });
      expect((await house(a.creativeId)).statusCode).toBe(200);
    } finally {
      await patch(h, owner, `/api/v1/placements/${a.placementId}`, { fallback: { type: 'none' } });
    }
  });

  it('refuses the organization-wide live stats stream, segments and demand partners', async () => {
    for (const session of [userA, keyPA]) {
      for (const url of ['/api/v1/stats/live', '/api/v1/segments', '/api/v1/demand-partners']) {
        expectProblem(await get(h, session, url), 403, 'FORBIDDEN');
      }
    }
  });

  it('applies a changed limit at once: lifting it shows both advertisers', async () => {
    const me = (await get(h, userA, '/api/v1/me')).json();
    expect(me.user.advertiserIds).toEqual([a.advertiserId]);
    const lifted = await patch(h, owner, `/api/v1/users/${me.user.id}`, { advertiserIds: [] });
    expect(lifted.json()).toMatchObject({ advertiserIds: [], publisherIds: [] });
    try {
      const active = await get(h, userA, '/api/v1/advertisers?status=active');
      expect(ids(active).sort()).toEqual([a.advertiserId, b.advertiserId].sort());
    } finally {
      const restored = await patch(h, owner, `/api/v1/users/${me.user.id}`, { advertiserIds: [a.advertiserId] });
      expect(restored.statusCode, restored.body).toBe(200);
    }
    expect(ids(await get(h, userA, '/api/v1/advertisers'))).toEqual([a.advertiserId]);
  });
});

describe('setting limits on users and API keys', () => {
  const newUser = (extra: object) => post(h, owner, '/api/v1/users', { email: `u-${randomUUID()}@example.com`, ...extra });

  type Limits = { role: string; advertiserIds?: string[]; publisherIds?: string[] };
  it.each<[Limits, number, string]>([
    [{ role: 'advertiser', advertiserIds: ['0190a1b2-0000-7000-8000-000000000000'] }, 400, 'body.advertiserIds[0]'],
    [{ role: 'owner', advertiserIds: [] }, 201, ''],
    [{ role: 'admin', advertiserIds: ['A'] }, 400, 'body.advertiserIds'],
    [{ role: 'advertiser', publisherIds: ['PA'] }, 400, 'body.publisherIds'],
    [{ role: 'publisher', advertiserIds: ['A'] }, 400, 'body.advertiserIds'],
    [{ role: 'analyst', advertiserIds: ['A'], publisherIds: ['PA'] }, 400, 'body.publisherIds'],
    [{ role: 'analyst', publisherIds: ['A'] }, 400, 'body.publisherIds[0]'],
    [{ role: 'analyst', advertiserIds: ['not-a-uuid'] }, 400, 'advertiserIds'],
  ])('a user %j answers %i naming %s', async (input, status, path) => {
    // 'A' and 'PA' stand for advertiser A and publisher PA, known only once the chain is built.
    const named = (list: string[]) => list.map((x) => (x === 'A' ? a.advertiserId : x === 'PA' ? a.publisherId : x));
    const response = await newUser({
      ...input,
      ...(input.advertiserIds ? { advertiserIds: named(input.advertiserIds) } : {}),
      ...(input.publisherIds ? { publisherIds: named(input.publisherIds) } : {}),
    });
    expect(response.statusCode, response.body).toBe(status);
    if (status === 400) expect(JSON.stringify(response.json().errors)).toContain(path);
  });

  it('refuses an advertiser of another organization, a role change under a limit, and limits on ingest keys', async () => {
    const other = await post(h, owner, '/api/v1/organizations', {
      name: 'Other tenant',
      owner: { email: 'owner@othertenant.example', password: 'owner-password-123' },
    });
    expect(other.statusCode, other.body).toBe(201);
    const otherOwner = await login(h.app, 'owner@othertenant.example', 'owner-password-123');
    const foreign = await createAdvertiser(h, otherOwner, 'Foreign');
    const refused = await newUser({ role: 'advertiser', advertiserIds: [foreign] });
    expect(JSON.stringify(expectProblem(refused, 400, 'VALIDATION_FAILED').errors)).toContain('body.advertiserIds[0]');
    const me = (await get(h, userA, '/api/v1/me')).json();
    const promote = await patch(h, owner, `/api/v1/users/${me.user.id}`, { role: 'admin' });
    expect(JSON.stringify(expectProblem(promote, 400, 'VALIDATION_FAILED').errors)).toContain('body.role');
    const ingest = await post(h, owner, '/api/v1/api-keys', { name: 'in', kind: 'ingest', advertiserIds: [a.advertiserId] });
    expect(JSON.stringify(expectProblem(ingest, 400, 'VALIDATION_FAILED').errors)).toContain('body.advertiserIds');
    const keyForB = await post(h, owner, '/api/v1/api-keys', { name: 'x', role: 'publisher', publisherIds: [b.advertiserId] });
    expect(JSON.stringify(expectProblem(keyForB, 400, 'VALIDATION_FAILED').errors)).toContain('body.publisherIds[0]');
  });

  it('shows the limits in lists of users and keys', async () => {
    const users = (await get(h, owner, '/api/v1/users?limit=100')).json().items as { email: string; advertiserIds: string[] }[];
    expect(users.find((u) => u.email === 'buyer-a@example.com')?.advertiserIds).toEqual([a.advertiserId]);
    const keys = (await get(h, owner, '/api/v1/api-keys?limit=100')).json().items as { name: string; publisherIds: string[] }[];
    expect(keys.find((k) => k.name === 'PA reports')?.publisherIds).toEqual([a.publisherId]);
  });
});
