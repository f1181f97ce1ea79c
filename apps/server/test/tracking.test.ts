import { isId, newId } from '@adplatform/domain';
import type { DeliveryEvent } from '@adplatform/ports';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trackingEventId } from '../src/delivery/tracking/tracking-events.js';
import { createTrackingSigner, type TrackingFacts } from '../src/delivery/tracking/tracking-signer.js';
import { buildTrackingUrls } from '../src/delivery/tracking/tracking-urls.js';
import { createHarness, expectProblem, type Harness, TEST_TRACKING_SECRET } from './harness.js';

const HOUR_MS = 3_600_000;
const LANDING =
  'https://shop.example/landing?src=adp&click={CLICK_ID}&d={DECISION_ID}&p={PLACEMENT_ID}&c={CREATIVE_ID}&cb={CACHEBUSTER}&keep={UNKNOWN}';

let h: Harness;
let logged: DeliveryEvent[];
const tracked: { event: DeliveryEvent; logSizeThen: number }[] = [];
const landings = new Map<string, string>();
/** Decisions whose onTracked hook throws. */
const failingHooks = new Set<string>();
const organizationId = newId();
const creativeId = newId();

beforeAll(async () => {
  landings.set(`${organizationId}/${creativeId}`, LANDING);
  h = await createHarness({
    tracking: {
      landingUrlOf: (org, creative) => landings.get(`${org}/${creative}`),
      onTracked: async (event) => {
        if (failingHooks.has(event.decisionId ?? '')) throw new Error('budget store unreachable');
        tracked.push({ event, logSizeThen: (await h.deps.eventLog.read(0, 10_000)).events.length });
      },
    },
  });
});
afterAll(() => h.close());
beforeEach(async () => {
  logged = [];
});

const signer = () => createTrackingSigner({ secret: TEST_TRACKING_SECRET, ttlMs: 24 * HOUR_MS, clock: h.clock });

function facts(overrides: Partial<TrackingFacts> = {}): TrackingFacts {
  return {
    decisionId: newId(),
    organizationId,
    advertiserId: newId(),
    campaignId: newId(),
    lineItemId: newId(),
    creativeId,
    publisherId: newId(),
    siteId: newId(),
    placementId: newId(),
    pricingModel: 'cpm',
    priceCpmMicros: 2_500_000,
    costMicros: 2_500,
    decidedAtMs: h.clock.now().getTime(),
    ...overrides,
  };
}

/** Relative URLs of a freshly signed ad (inject takes paths). */
const urlsOf = (f: TrackingFacts) => buildTrackingUrls('', signer().sign(f));

async function eventsOf(decisionId: string): Promise<DeliveryEvent[]> {
  logged = (await h.deps.eventLog.read(0, 10_000)).events;
  return logged.filter((e) => e.decisionId === decisionId);
}

async function rejections(endpoint: string, reason: string): Promise<number> {
  const metric = await h.app.metrics.getSingleMetric('adplatform_tracking_rejected_total')?.get();
  return metric?.values.find((v) => v.labels.endpoint === endpoint && v.labels.reason === reason)?.value ?? 0;
}

describe('GET /t/imp', () => {
  it('answers a transparent GIF that is never cached and appends the impression with its signed facts', async () => {
    const f = facts();
    const response = await h.app.inject({ method: 'GET', url: urlsOf(f).impressionUrl });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/gif');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.rawPayload.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(response.rawPayload.byteLength).toBe(43);
    const [event, ...more] = await eventsOf(f.decisionId);
    expect(more).toEqual([]);
    expect(event).toEqual({
      id: trackingEventId(f.decisionId, 'impression', f.decidedAtMs),
      type: 'impression',
      at: h.clock.now().getTime(),
      organizationId,
      decisionId: f.decisionId,
      advertiserId: f.advertiserId,
      campaignId: f.campaignId,
      lineItemId: f.lineItemId,
      creativeId,
      publisherId: f.publisherId,
      siteId: f.siteId,
      placementId: f.placementId,
      costMicros: '2500',
      data: { decidedAtMs: f.decidedAtMs, priceCpmMicros: 2_500_000, pricingModel: 'cpm' },
    });
    expect(isId(event!.id)).toBe(true);
  });

  it('answers 204 with r=204, and ignores cache-busters a publisher appends', async () => {
    const f = facts();
    const response = await h.app.inject({ method: 'GET', url: `${urlsOf(f).impressionUrl}&r=204&cb=8812` });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await eventsOf(f.decisionId)).toHaveLength(1);
  });

  it('counts a replayed impression once, still answering the pixel, and counts the replay', async () => {
    const f = facts();
    const before = await rejections('imp', 'replay');
    const url = urlsOf(f).impressionUrl;
    const answers = await Promise.all([1, 2, 3].map(() => h.app.inject({ method: 'GET', url })));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(await eventsOf(f.decisionId)).toHaveLength(1);
    expect(await rejections('imp', 'replay')).toBe(before + 2);
  });

  it('refuses a tampered token with 403 naming query.t, records nothing, and counts it', async () => {
    const f = facts();
    const url = urlsOf(f).impressionUrl;
    const dot = url.indexOf('.');
    // Flip one payload character (base64url: 'A' <-> 'B' keeps the text canonical).
    const tampered = url.slice(0, dot - 5) + (url[dot - 5] === 'A' ? 'B' : 'A') + url.slice(dot - 4);
    const before = await rejections('imp', 'bad-signature');
    const body = expectProblem(await h.app.inject({ method: 'GET', url: tampered }), 403, 'FORBIDDEN');
    expect(body.errors).toEqual([{ path: 'querystring.t', message: 'has a signature that does not match' }]);
    expect(await eventsOf(f.decisionId)).toEqual([]);
    expect(await rejections('imp', 'bad-signature')).toBe(before + 1);
  });

  it('refuses a token whose facts were swapped for another ad’s', async () => {
    const mine = signer().sign(facts());
    const theirs = signer().sign(facts({ costMicros: 1 }));
    const spliced = `${theirs.split('.')[0]}.${mine.split('.')[1]}`;
    expectProblem(await h.app.inject({ method: 'GET', url: `/t/imp?t=${spliced}` }), 403, 'FORBIDDEN');
  });

  it('refuses an expired token with 403 once the TTL has passed, and counts it', async () => {
    const f = facts();
    const url = urlsOf(f).impressionUrl;
    h.clock.advance(24 * HOUR_MS);
    const before = await rejections('imp', 'expired');
    const body = expectProblem(await h.app.inject({ method: 'GET', url }), 403, 'FORBIDDEN');
    expect(body.errors).toEqual([{ path: 'querystring.t', message: 'has expired' }]);
    expect(await eventsOf(f.decisionId)).toEqual([]);
    expect(await rejections('imp', 'expired')).toBe(before + 1);
  });

  it('answers 400 naming the field for a missing, malformed or oversized token and a bad r', async () => {
    const before = await rejections('imp', 'malformed');
    const cases: [string, string][] = [
      ['/t/imp', 'querystring.t'],
      ['/t/imp?t=', 'querystring.t'],
      ['/t/imp?t=not-a-token', 'querystring.t'],
      [`/t/imp?t=${'A'.repeat(600)}`, 'querystring.t'],
      [`${urlsOf(facts()).impressionUrl}&r=205`, 'querystring.r'],
    ];
    for (const [url, path] of cases) {
      const body = expectProblem(await h.app.inject({ method: 'GET', url }), 400, 'VALIDATION_FAILED');
      expect(
        (body.errors as { path: string }[]).map((e) => e.path),
        url,
      ).toContain(path);
    }
    expect(await rejections('imp', 'malformed')).toBe(before + 1);
  });

  it('counts nothing for HEAD, which link scanners send', async () => {
    const f = facts();
    const response = await h.app.inject({ method: 'HEAD', url: urlsOf(f).impressionUrl });
    expect(response.statusCode).toBe(404);
    expect(await eventsOf(f.decisionId)).toEqual([]);
  });

  it('calls onTracked with the event after the log accepted it', async () => {
    const f = facts();
    await h.app.inject({ method: 'GET', url: urlsOf(f).impressionUrl });
    const call = tracked.find((t) => t.event.decisionId === f.decisionId);
    expect(call?.event.type).toBe('impression');
    const all = (await h.deps.eventLog.read(0, 10_000)).events;
    expect(all.slice(0, call!.logSizeThen).some((e) => e.id === call!.event.id)).toBe(true);
  });
});

describe('when recording fails', () => {
  it('answers 500 when the log refuses the event, and counts the retry', async () => {
    const f = facts();
    const log = h.deps.eventLog;
    const append = log.append;
    log.append = async () => {
      throw new Error('disk full');
    };
    try {
      expectProblem(await h.app.inject({ method: 'GET', url: urlsOf(f).impressionUrl }), 500, 'INTERNAL');
    } finally {
      log.append = append;
    }
    expect(await eventsOf(f.decisionId)).toEqual([]);
    expect((await h.app.inject({ method: 'GET', url: urlsOf(f).impressionUrl })).statusCode).toBe(200);
    expect(await eventsOf(f.decisionId)).toHaveLength(1);
  });

  it('still answers and keeps the event when the onTracked hook throws', async () => {
    const f = facts();
    failingHooks.add(f.decisionId);
    const response = await h.app.inject({ method: 'GET', url: urlsOf(f).impressionUrl });
    expect(response.statusCode).toBe(200);
    expect(await eventsOf(f.decisionId)).toHaveLength(1);
  });
});

describe('GET /t/click', () => {
  it('redirects to the creative’s landing URL with macros substituted and records the click at its CPC price', async () => {
    const f = facts({ pricingModel: 'cpc', costMicros: 450_000 });
    const response = await h.app.inject({ method: 'GET', url: urlsOf(f).clickUrl });
    expect(response.statusCode).toBe(302);
    expect(response.headers['cache-control']).toBe('no-store');
    const location = new URL(String(response.headers.location));
    const clickId = trackingEventId(f.decisionId, 'click', f.decidedAtMs);
    expect(location.origin + location.pathname).toBe('https://shop.example/landing');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      src: 'adp',
      // The click id is the ad's signed token, for the conversion postback.
      click: new URL(urlsOf(f).clickUrl, 'http://x').searchParams.get('t'),
      d: f.decisionId,
      p: f.placementId,
      c: creativeId,
      keep: '{UNKNOWN}',
    });
    expect(location.searchParams.get('cb')).toMatch(/^\d+$/);
    const [event] = await eventsOf(f.decisionId);
    expect(event).toMatchObject({ id: clickId, type: 'click', costMicros: '450000', creativeId, lineItemId: f.lineItemId });
  });

  it('never redirects where the query says, only to the landing URL', async () => {
    const f = facts();
    const url = `${urlsOf(f).clickUrl}&url=https%3A%2F%2Fevil.example&redirect=https://evil.example/&t=zzz`;
    // A second t makes the parameter a list, which the schema refuses rather than pick one.
    const body = expectProblem(await h.app.inject({ method: 'GET', url }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'querystring.t', message: 'must be string' }]);
    const plain = await h.app.inject({ method: 'GET', url: `${urlsOf(f).clickUrl}&url=https://evil.example&next=https://evil.example` });
    expect(plain.statusCode).toBe(302);
    expect(String(plain.headers.location)).toMatch(/^https:\/\/shop\.example\/landing\?/);
    expect(String(plain.headers.location)).not.toContain('evil');
  });

  it('costs nothing for a click on a CPM line item, and counts a replayed click once while still redirecting', async () => {
    const f = facts();
    const url = urlsOf(f).clickUrl;
    const first = await h.app.inject({ method: 'GET', url });
    const again = await h.app.inject({ method: 'GET', url });
    expect([first.statusCode, again.statusCode]).toEqual([302, 302]);
    const events = await eventsOf(f.decisionId);
    expect(events).toHaveLength(1);
    expect(events[0]!.costMicros).toBeUndefined();
  });

  it('answers 404 for a creative no longer delivered, without recording the click', async () => {
    const f = facts({ creativeId: newId() });
    const before = await rejections('click', 'unknown-creative');
    expectProblem(await h.app.inject({ method: 'GET', url: urlsOf(f).clickUrl }), 404, 'NOT_FOUND');
    expect(await eventsOf(f.decisionId)).toEqual([]);
    expect(await rejections('click', 'unknown-creative')).toBe(before + 1);
  });

  it('refuses to redirect to a landing URL that is not http(s)', async () => {
    const other = newId();
    landings.set(`${organizationId}/${other}`, 'javascript:alert(1)//{CLICK_ID}');
    const f = facts({ creativeId: other });
    expectProblem(await h.app.inject({ method: 'GET', url: urlsOf(f).clickUrl }), 404, 'NOT_FOUND');
  });

  it('still takes the visitor to the landing page on an expired click, counting it as expired, not as a click', async () => {
    const f = facts({ pricingModel: 'cpc', costMicros: 1_000 });
    const url = urlsOf(f).clickUrl;
    h.clock.advance(25 * HOUR_MS);
    const before = await rejections('click', 'expired');
    const response = await h.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(302);
    expect(String(response.headers.location)).toMatch(/^https:\/\/shop\.example\/landing\?/);
    expect(await eventsOf(f.decisionId)).toEqual([]);
    expect(await rejections('click', 'expired')).toBe(before + 1);
  });

  it('refuses a tampered click with 403 and no redirect', async () => {
    const token = signer().sign(facts());
    const tampered = `${token.slice(0, -3)}${token.at(-3) === 'A' ? 'B' : 'A'}${token.slice(-2)}`;
    const response = await h.app.inject({ method: 'GET', url: `/t/click?t=${tampered}` });
    expectProblem(response, 403, 'FORBIDDEN');
    expect(response.headers.location).toBeUndefined();
  });
});

describe('GET|POST /t/conv (conversion postback)', () => {
  const clickIdOf = (f: TrackingFacts) => new URL(urlsOf(f).clickUrl, 'http://x').searchParams.get('t') ?? '';

  it('credits the click’s line item with a conversion and its value, once, days after the URL expired', async () => {
    const f = facts({ pricingModel: 'cpa', costMicros: 3_000_000 });
    const click = await h.app.inject({ method: 'GET', url: urlsOf(f).clickUrl });
    const clickId = new URL(String(click.headers.location)).searchParams.get('click') ?? '';
    h.clock.advance(3 * 24 * HOUR_MS); // past the tracking URL's 24 h, inside the 30-day window
    const postback = `/t/conv?click_id=${clickId}&value=49900000`;
    expect((await h.app.inject({ method: 'GET', url: postback })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: postback })).statusCode).toBe(204); // a retry counts once
    const events = await eventsOf(f.decisionId);
    expect(events.map((e) => [e.type, e.costMicros, e.lineItemId])).toEqual([
      ['click', undefined, f.lineItemId],
      ['conversion', '3000000', f.lineItemId],
    ]);
    expect(events[1]!.data).toMatchObject({ valueMicros: 49_900_000 });
    expect(await rejections('conv', 'replay')).toBe(1);
  });

  it('refuses a click older than the attribution window, and forged or mangled click ids, naming click_id', async () => {
    const f = facts();
    h.clock.advance(31 * 24 * HOUR_MS);
    const late = await h.app.inject({ method: 'GET', url: `/t/conv?click_id=${clickIdOf(f)}` });
    expect(late.statusCode).toBe(403);
    expect(late.json().errors).toEqual([{ path: 'querystring.click_id', message: 'is older than the attribution window' }]);
    const g = facts();
    const token = clickIdOf(g);
    const forged = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    const refused = await h.app.inject({ method: 'GET', url: `/t/conv?click_id=${forged}` });
    expect(refused.statusCode).toBe(403);
    expect(JSON.stringify(refused.json().errors)).toContain('querystring.click_id');
    const mangled = await h.app.inject({ method: 'GET', url: '/t/conv?click_id=not-a-click' });
    expect(mangled.statusCode).toBe(400);
    const missing = await h.app.inject({ method: 'GET', url: '/t/conv?value=1' });
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().errors)).toContain('querystring.click_id');
    expect(await eventsOf(f.decisionId)).toEqual([]);
    expect(await eventsOf(g.decisionId)).toEqual([]);
  });
});

describe('GET|POST /t/event', () => {
  it('records viewability and video quartiles once each per decision', async () => {
    const f = facts();
    const urls = urlsOf(f);
    for (const type of ['viewable', 'video_start', 'video_midpoint', 'video_complete', 'viewable'] as const) {
      const response = await h.app.inject({ method: 'GET', url: urls.eventUrl(type) });
      expect(response.statusCode).toBe(204);
    }
    expect((await eventsOf(f.decisionId)).map((e) => e.type)).toEqual(['viewable', 'video_start', 'video_midpoint', 'video_complete']);
  });

  it('takes beacons (POST with any body type) and a conversion value in micros, costing the CPA price', async () => {
    const f = facts({ pricingModel: 'cpa', costMicros: 3_000_000 });
    const urls = urlsOf(f);
    const viewable = await h.app.inject({
      method: 'POST',
      url: urls.eventUrl('viewable'),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: 'ignored',
    });
    expect(viewable.statusCode).toBe(204);
    const form = await h.app.inject({
      method: 'POST',
      url: `${urls.eventUrl('conversion')}&valueMicros=19990000`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    expect(form.statusCode).toBe(204);
    const events = await eventsOf(f.decisionId);
    expect(events.map((e) => [e.type, e.costMicros])).toEqual([
      ['viewable', undefined],
      ['conversion', '3000000'],
    ]);
    expect(events[1]!.data).toMatchObject({ valueMicros: 19_990_000 });
  });

  it('answers 400 naming the field for every bad shape', async () => {
    const { eventUrl } = urlsOf(facts());
    const base = eventUrl('viewable').replace('&type=viewable', '');
    const cases: [string, string][] = [
      [base, 'querystring.type'],
      [`${base}&type=hover`, 'querystring.type'],
      [`${eventUrl('conversion')}&valueMicros=1.5`, 'querystring.valueMicros'],
      [`${eventUrl('conversion')}&valueMicros=-3`, 'querystring.valueMicros'],
      [`${eventUrl('viewable')}&valueMicros=10`, 'querystring.valueMicros'],
      ['/t/event?type=viewable', 'querystring.t'],
    ];
    for (const [url, path] of cases) {
      const body = expectProblem(await h.app.inject({ method: 'GET', url }), 400, 'VALIDATION_FAILED');
      expect(
        (body.errors as { path: string }[]).map((e) => e.path),
        url,
      ).toContain(path);
    }
    const big = await h.app.inject({
      method: 'POST',
      url: eventUrl('viewable'),
      headers: { 'content-type': 'text/plain' },
      payload: 'x'.repeat(5_000),
    });
    expect(big.statusCode).toBe(413);
  });

  it('shows rejections on /metrics by endpoint and reason', async () => {
    await h.app.inject({ method: 'GET', url: '/t/event?t=nope&type=viewable' });
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/adplatform_tracking_rejected_total\{endpoint="event",reason="malformed"\} [1-9]/);
    expect(text).toMatch(/adplatform_tracking_events_total\{type="impression"\} [1-9]/);
  });
});
