import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdvertiser, organizationOf, patch, post } from './campaigns.helpers.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, createKey, type Harness, login, OPERATOR, type Session } from './harness.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const US_IP = '8.8.8.8';
const GB_IP = '212.58.244.22';
const STARTED = { startsAt: '2026-11-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };

describe('POST /v1/decisions', () => {
  let h: Harness;
  let owner: Session;
  let ids: Awaited<ReturnType<typeof activeLineItem>>;

  beforeEach(async () => {
    h = await createHarness();
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    ids = await activeLineItem(h, owner, {
      campaign: STARTED,
      lineItem: { targeting: { deviceTypes: ['mobile'], keywords: { none: ['politics'] } } },
    });
    await settled(h);
  });
  afterEach(async () => h.close());

  const decide = (payload: object, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/v1/decisions', headers: { 'user-agent': IPHONE, ...headers }, payload });
  const slot = () => ({ divName: 'top', placementId: ids.placementId });

  it('returns the ad for a matching context, with signed URLs that count and redirect', async () => {
    const response = await decide({ placements: [slot()], ip: US_IP, url: 'https://news.example/today' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const [ad] = response.json().decisions.top;
    expect(ad).toMatchObject({
      lineItemId: ids.lineItemId,
      campaignId: ids.campaignId,
      advertiserId: ids.advertiserId,
      creativeId: ids.creativeId,
      format: 'html',
      width: 300,
      height: 250,
    });
    expect(ad.html).toContain('Winter shoes');

    const pixel = await h.app.inject({ method: 'GET', url: pathOf(ad.impressionUrl) });
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    const click = await h.app.inject({ method: 'GET', url: pathOf(ad.clickUrl) });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://acme.example/shoes');
    const { events } = await h.deps.eventLog.read(0, 100);
    expect(events.map((e) => [e.type, e.lineItemId, e.placementId])).toEqual([
      ['request', ids.lineItemId, ids.placementId],
      ['impression', ids.lineItemId, ids.placementId],
      ['click', ids.lineItemId, ids.placementId],
    ]);
    // The request event is filled by the decision its impression and click belong to, and costs nothing.
    expect(events[0]?.decisionId).toBe(events[1]?.decisionId);
    expect(events[0]?.costMicros).toBeUndefined();
    // A CPM of 2.50 costs 2,500 micros per impression.
    expect(events[1]?.costMicros).toBe('2500');

    const tampered = ad.impressionUrl.replace(/t=(.)/, (_: string, c: string) => `t=${c === 'A' ? 'B' : 'A'}`);
    expect((await h.app.inject({ method: 'GET', url: pathOf(tampered) })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await h.deps.eventLog.read(0, 100)).events).toHaveLength(3);
  });

  it('answers null when the country, the device or a keyword does not match', async () => {
    expect((await decide({ placements: [slot()], ip: US_IP })).json().decisions.top).not.toBeNull();
    expect((await decide({ placements: [slot()], ip: GB_IP })).json().decisions.top).toBeNull();
    expect((await decide({ placements: [slot()], ip: US_IP }, { 'user-agent': DESKTOP })).json().decisions.top).toBeNull();
    expect((await decide({ placements: [slot()], ip: US_IP, keywords: ['Politics'] })).json().decisions.top).toBeNull();
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('adplatform_decision_slots_total{outcome="filled"} 1');
    expect(metrics).toContain('adplatform_decision_slots_total{outcome="unfilled"} 3');
    // Each placement asked for is one request event; only the filled one carries a decision and a line item.
    await vi.waitFor(async () => {
      const requests = (await h.deps.eventLog.read(0, 100)).events.filter((e) => e.type === 'request');
      expect(requests.map((e) => [e.country, e.decisionId !== undefined, e.lineItemId !== undefined])).toEqual([
        ['US', true, true],
        ['GB', false, false],
        ['US', false, false],
        ['US', false, false],
      ]);
      expect(requests.every((e) => e.placementId === ids.placementId)).toBe(true);
    });
  });

  it('applies the placement’s floor rule of the request’s country and device, and no other rule', async () => {
    // The line item bids a 2.50 CPM; the placement's own floor is 0.50.
    const floorRules = async (rules: object[]) => {
      const saved = await patch(h, owner, `/api/v1/placements/${ids.placementId}`, { floorRules: rules });
      expect(saved.statusCode, saved.body).toBe(200);
      await settled(h);
    };
    // A new user each time: the campaign's frequency cap (3 per 2 hours) stays out of it.
    let user = 0;
    const served = async (ip: string) => {
      const response = await decide({ placements: [slot()], ip, user: { key: `floor-user-${user++}` } });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().decisions.top?.[0]?.lineItemId;
    };
    await floorRules([{ country: ['US'], floorMicros: 3_000_000 }]);
    expect(await served(US_IP)).toBeUndefined();
    await floorRules([{ country: ['GB'], floorMicros: 3_000_000 }]);
    expect(await served(US_IP)).toBe(ids.lineItemId);
    // A rule for US desktops leaves an iPhone in the US at the placement's floor.
    await floorRules([{ country: ['US'], deviceType: ['desktop'], floorMicros: 3_000_000 }]);
    expect(await served(US_IP)).toBe(ids.lineItemId);
    await floorRules([{ country: ['US'], deviceType: ['mobile'], floorMicros: 2_500_001 }]);
    expect(await served(US_IP)).toBeUndefined();
    // A bid equal to the floor meets it.
    await floorRules([{ country: ['US'], floorMicros: 2_500_000 }]);
    expect(await served(US_IP)).toBe(ids.lineItemId);
    await floorRules([]);
    expect(await served(US_IP)).toBe(ids.lineItemId);
  });

  it('accepts the ad tag’s text/plain body and answers CORS preflights', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': IPHONE },
      payload: JSON.stringify({ placements: [slot()], ip: US_IP }),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().decisions.top).toHaveLength(1);
    const preflight = await h.app.inject({ method: 'OPTIONS', url: '/v1/decisions', headers: { origin: 'https://news.example' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
  });

  it('stops serving a user once the campaign’s cap (3 per 2 hours) is reached, and serves again after the window', async () => {
    const ask = () => decide({ placements: [slot()], ip: US_IP, user: { key: 'reader-1' } });
    for (let i = 0; i < 3; i++) expect((await ask()).json().decisions.top, `request ${i + 1}`).not.toBeNull();
    expect((await ask()).json().decisions.top).toBeNull();
    // Another user is not capped, whatever characters their key has (the segment upload's rule).
    expect((await decide({ placements: [slot()], ip: US_IP, user: { key: 'lecteur-été 42' } })).json().decisions.top).not.toBeNull();
    expect((await decide({ placements: [slot()], ip: US_IP, user: { key: 'reader-2' } })).json().decisions.top).not.toBeNull();
    // Counts may include the whole hour bucket the window starts in (never fewer impressions): 3 h later the cap has lapsed.
    h.clock.advance(3 * 3_600_000);
    // The manual clock jumped past every budget lease (a live process renews them every minute).
    h.app.delivery.warmBudgets();
    await h.app.delivery.allowances.settle();
    expect((await ask()).json().decisions.top).not.toBeNull();
  });

  it('sees a paused line item disappear within a second', async () => {
    expect((await patch(h, owner, `/api/v1/line-items/${ids.lineItemId}`, { status: 'paused' })).statusCode).toBe(200);
    const started = Date.now();
    await h.app.delivery.catalog.settle();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await decide({ placements: [slot()], ip: US_IP })).json().decisions.top).toBeNull();
  });

  it('fills several slots with different advertisers unless duplicates are allowed', async () => {
    const second = await activeLineItem(h, owner, { campaign: STARTED, placementId: ids.placementId, advertiserId: ids.advertiserId });
    await settled(h);
    const payload = { placements: [slot(), { divName: 'side', placementId: ids.placementId }], ip: US_IP };
    const separated = (await decide(payload)).json().decisions;
    expect([separated.top, separated.side].filter((ads) => ads !== null)).toHaveLength(1);
    const together = (await decide({ ...payload, allowDuplicateAdvertisers: true })).json().decisions;
    expect(new Set([together.top[0].lineItemId, together.side[0].lineItemId])).toEqual(new Set([ids.lineItemId, second.lineItemId]));
  });

  it('explains itself only to the owning organization', async () => {
    const payload = { placements: [slot()], ip: GB_IP, explain: true };
    expect((await decide(payload)).statusCode).toBe(401);
    const { key } = await createKey(h.app, owner.headers, 'analyst');
    const explained = await decide(payload, { authorization: `Bearer ${key}` });
    expect(explained.statusCode, explained.body).toBe(200);
    expect(explained.json().explanation).toContainEqual(
      expect.objectContaining({ slotId: 'top', lineItemId: ids.lineItemId, step: 'targeting', dimension: 'campaign.geo.countries' }),
    );
    const other = await post(h, owner, '/api/v1/organizations', {
      name: 'Other',
      owner: { email: 'o@example.com', password: 'other-password-1' },
    });
    expect(other.statusCode).toBe(201);
    const outsider = await login(h.app, 'o@example.com', 'other-password-1');
    const forbidden = await decide(payload, outsider.headers);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('FORBIDDEN');
  });

  it.each([
    [{}, 'body.placements'],
    [{ placements: [] }, 'body.placements'],
    [{ placements: [{ divName: 'a', placementId: 'nope' }] }, 'body.placements[0].placementId'],
    [{ placements: [{ divName: 'a', placementId: '0191d2a8-0000-7000-8000-000000000000' }] }, 'body.placements[0].placementId'],
    [
      {
        placements: [
          { divName: 'a', placementId: 'PLACEMENT' },
          { divName: 'a', placementId: 'PLACEMENT' },
        ],
      },
      'body.placements[1].divName',
    ],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT', count: 0 }] }, 'body.placements[0].count'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], ip: 'localhost' }, 'body.ip'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], user: { key: '' } }, 'body.user.key'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], user: { key: 'tab\tinside' } }, 'body.user.key'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], user: { key: 'k'.repeat(257) } }, 'body.user.key'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], keyValues: { 'bad key': 'x' } }, 'body.keyValues'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], consent: { usPrivacy: 'yes' } }, 'body.consent.usPrivacy'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], surprise: 1 }, 'body.surprise'],
    [JSON.parse('{"placements":[{"divName":"a","placementId":"PLACEMENT"}],"__proto__":{"explain":true}}'), 'body.__proto__'],
    [{ placements: [{ divName: 'a', placementId: 'PLACEMENT' }], constructor: { prototype: {} } }, 'body.constructor'],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const payload = JSON.parse(JSON.stringify(body).replaceAll('PLACEMENT', ids.placementId));
    const response = await decide(payload);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.json().errors)).toContain(path);
  });

  it('refuses a text/plain body that is not JSON, naming the body', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: { 'content-type': 'text/plain' },
      payload: '{nope',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('MALFORMED_JSON');
    expect(response.json().errors).toEqual([{ path: 'body', message: 'is not valid JSON' }]);
  });

  it('never serves a placement of another organization', async () => {
    const other = await post(h, owner, '/api/v1/organizations', {
      name: 'Other',
      owner: { email: 'p@example.com', password: 'other-password-1' },
    });
    const outsider = await login(h.app, 'p@example.com', 'other-password-1');
    expect(other.statusCode).toBe(201);
    const foreignAdvertiser = await createAdvertiser(h, outsider, 'Foreign');
    expect(foreignAdvertiser).toBeTruthy();
    const orgId = await organizationOf(h, outsider);
    expect(orgId).not.toBe(await organizationOf(h, owner));
    // Mixing placements of two organizations in one request reads as an unknown placement.
    const theirs = await activeLineItem(h, outsider, { campaign: STARTED });
    await settled(h);
    const mixed = await decide({ placements: [slot(), { divName: 'b', placementId: theirs.placementId }], ip: US_IP });
    expect(mixed.statusCode).toBe(400);
    expect(JSON.stringify(mixed.json().errors)).toContain('body.placements[1].placementId');
    const [ad] = (await decide({ placements: [{ divName: 'b', placementId: theirs.placementId }], ip: US_IP })).json().decisions.b;
    expect(ad.lineItemId).toBe(theirs.lineItemId);
  });
});

/** The index has caught up with every change and the new budgets have their first leases. */
async function settled(h: Harness): Promise<void> {
  await h.app.delivery.catalog.settle();
  await h.app.delivery.allowances.settle();
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};
