import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DeliveryEvent } from '@adplatform/ports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemandFanout, FanoutRequest, PartnerBid } from '../src/openrtb/demand/demand-types.js';
import type { OpenRtbOptions } from '../src/openrtb/openrtb.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, type Harness, login, OPERATOR, type Session } from './harness.js';
import { partnerAt, startPartnerServer } from './openrtb-demand.helpers.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const US_IP = '8.8.8.8';
const STARTED = { startsAt: '2026-11-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };
const PARTNER = {
  id: 'p1',
  organizationId: '',
  name: 'Partner',
  endpointUrl: 'https://dsp.example/bid',
  timeoutMs: 200,
  bidAdjustment: 1,
  placementIds: [],
  qpsLimit: 1000,
};

/** Our own port's test double: answers every auction with the bids the test set, and remembers what it was asked. */
function scriptedFanout() {
  const state = { bids: [] as Omit<PartnerBid, 'impId'>[], requests: [] as FanoutRequest[] };
  const fanout: DemandFanout = {
    async collect(_partners, request) {
      state.requests.push(request);
      const impId = request.request.imp[0]!.id;
      return { bids: state.bids.map((b) => ({ ...b, impId })), nonBids: [{ partnerId: 'p2', code: 101, reason: 'timeout' }] };
    },
    close: async () => {},
  };
  return { fanout, state };
}

/** OpenRTB macros as partners write them (`${…}` in a plain string, not a template). */
const macro = (name: string) => `\${${name}}`;

const bid = (priceMicros: number, extra: Partial<PartnerBid> = {}): Omit<PartnerBid, 'impId'> => ({
  partnerId: 'p1',
  seat: 'dsp-seat',
  bidId: `b-${priceMicros}`,
  priceMicros,
  originalPriceMicros: priceMicros,
  originalCurrency: 'USD',
  adm: `<div>outside ad ${macro('AUCTION_PRICE')}</div>`,
  adomain: ['brand.example'],
  crid: 'cr-1',
  w: 300,
  h: 250,
  burl: `https://dsp.example/bill?p=${macro('AUCTION_PRICE')}&c=${macro('AUCTION_CURRENCY')}`,
  ...extra,
});

/** The shared harness with the exchange's test options (a big body limit for the size tests). */
const openRtbHarness = (openrtb: OpenRtbOptions): Promise<Harness> => createHarness({ openrtb, bodyLimitBytes: 4 * 1024 * 1024 });

async function settled(h: Harness): Promise<void> {
  await h.app.delivery.catalog.settle();
  await h.app.delivery.allowances.settle();
}

/** The auction log is appended in batches (50 ms): wait past one. */
async function auctionEvents(h: Harness): Promise<DeliveryEvent[]> {
  await new Promise((resolve) => setTimeout(resolve, 120));
  const { events } = await h.deps.eventLog.read(0, 1000);
  return events.filter((e) => e.type === 'decision' && e.data?.kind === 'openrtb-auction');
}

/** Lets the line item's placement take native ads and attaches an approved native creative (title, image, icon, sponsor, description). */
async function attachNativeCreative(h: Harness, owner: Session, ids: { placementId: string; advertiserId: string; lineItemId: string }) {
  const call = (method: 'POST' | 'PATCH', url: string, payload: object) => h.app.inject({ method, url, headers: owner.headers, payload });
  expect((await call('PATCH', `/api/v1/placements/${ids.placementId}`, { formats: ['image', 'html', 'native'] })).statusCode).toBe(200);
  const creative = await call('POST', '/api/v1/creatives', {
    advertiserId: ids.advertiserId,
    name: 'Native',
    format: 'native',
    clickUrl: 'https://acme.example/boots',
    native: {
      title: 'Winter boots',
      imageUrl: 'https://cdn.example/boots.jpg',
      iconUrl: 'https://cdn.example/acme.png',
      sponsor: 'Acme',
      description: 'Warm and dry',
    },
  });
  expect(creative.statusCode, creative.body).toBe(201);
  const creativeId = creative.json().id as string;
  expect((await call('POST', `/api/v1/creatives/${creativeId}/approve`, {})).statusCode).toBe(200);
  expect((await call('POST', `/api/v1/line-items/${ids.lineItemId}/creatives`, { creativeId, weight: 30 })).statusCode).toBe(200);
  return creativeId;
}

describe('POST /openrtb2/auction', () => {
  let h: Harness;
  let owner: Session;
  let ids: Awaited<ReturnType<typeof activeLineItem>>;
  let demand: ReturnType<typeof scriptedFanout>;

  beforeEach(async () => {
    demand = scriptedFanout();
    h = await openRtbHarness({ fanout: demand.fanout, partnersOf: () => [PARTNER], random: () => 0.5 });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    ids = await activeLineItem(h, owner, { campaign: STARTED, lineItem: { priority: 'price' } });
    await settled(h);
  });
  afterEach(async () => h.close());

  const request = (extra: object = {}, imp: object = {}) => ({
    id: 'auction-1',
    imp: [{ id: 'imp-1', tagid: ids.placementId, banner: { format: [{ w: 300, h: 250 }] }, ...imp }],
    site: { page: 'https://news.example/today', domain: 'news.example' },
    device: { ip: US_IP, ua: IPHONE },
    tmax: 500,
    ext: { prebid: { targeting: { pricegranularity: 'medium' } } },
    ...extra,
  });
  const auction = (body: unknown) =>
    h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      headers: { 'content-type': 'text/plain', origin: 'https://news.example' },
      payload: JSON.stringify(body),
    });

  it('sells an imp to the publisher’s own line item at second price, with Prebid targeting keys and the auction logged', async () => {
    const response = await auction(request());
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://news.example');
    const body = response.json();
    expect(body).toMatchObject({ id: 'auction-1', cur: 'USD' });
    const [seat] = body.seatbid;
    expect(seat.seat).toBe('adplatform');
    const [win] = seat.bid;
    // A lone price-tier bidder pays the floor (0.50) + one cent.
    expect(win).toMatchObject({ impid: 'imp-1', price: 0.51, w: 300, h: 250, mtype: 1, crid: ids.creativeId });
    expect(win.adm).toContain('/t/imp?t=');
    expect(win.ext.prebid.targeting).toMatchObject({ hb_pb: '0.50', hb_bidder: 'adplatform', hb_size: '300x250' });
    const [event] = await auctionEvents(h);
    expect(event).toMatchObject({ placementId: ids.placementId, lineItemId: ids.lineItemId, decisionId: win.id });
    expect(event!.data).toMatchObject({
      auctionId: 'auction-1',
      floorMicros: '500000',
      winner: { source: 'direct', bidMicros: '2500000', priceMicros: '510000', tier: 'price' },
      nonBids: [{ partnerId: 'p2', code: 101, reason: 'timeout' }],
    });
    expect(demand.state.requests[0]!.placementOfImp.get('imp-1')).toBe(ids.placementId);
  });

  it('lets an outside bid beat the line item in one auction: second price pays the runner-up + 1 cent, first price its bid', async () => {
    demand.state.bids = [bid(3_000_000)];
    const second = (await auction(request())).json().seatbid[0].bid[0];
    expect(second).toMatchObject({ id: 'b-3000000', price: 2.51, adomain: ['brand.example'] });
    expect(second.adm).toBe('<div>outside ad 2.51</div>');
    expect(second.burl).toBe('https://dsp.example/bill?p=2.51&c=USD');
    expect(second.ext.prebid.targeting.hb_pb).toBe('2.50');
    const first = (await auction(request({ id: 'auction-2', at: 1 }))).json().seatbid[0].bid[0];
    expect(first.price).toBe(3);
    const events = await auctionEvents(h);
    expect(events[0]!.data).toMatchObject({
      winner: { source: 'p1', priceMicros: '2510000' },
      bids: [{ seat: 'dsp-seat', bidId: 'p1:b-3000000', priceMicros: '3000000', outcome: 'won' }],
    });
  });

  it('refuses outside bids from blocked advertisers and under the imp floor, and records them as non-bids', async () => {
    demand.state.bids = [bid(9_000_000, { bidId: 'blocked', adomain: ['Bad.example'] })];
    const blocked = (await auction(request({ badv: ['bad.example'] }))).json().seatbid[0].bid[0];
    expect(blocked.crid).toBe(ids.creativeId);
    demand.state.bids = [bid(3_000_000)];
    const floored = await auction(request({ id: 'auction-2' }, { bidfloor: 3.5 }));
    expect(floored.statusCode).toBe(204);
    const events = await auctionEvents(h);
    expect(events[0]!.data!.nonBids).toContainEqual(expect.objectContaining({ bidId: 'blocked', code: 356 }));
    expect(events[1]!.data).toMatchObject({ floorMicros: '3500000', winner: null });
    expect(events[1]!.data!.nonBids).toContainEqual(expect.objectContaining({ bidId: 'b-3000000', code: 301 }));
  });

  it('clears at no less than imp.bidfloor instead of dropping the line item: the floor is the slot’s inside decide()', async () => {
    // A lone price-tier bidder (2.50) used to clear at the placement floor + 1 cent (0.51), under bidfloor 1.00: no bid.
    const response = await auction(request({}, { bidfloor: 1 }));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().seatbid[0].bid[0]).toMatchObject({ crid: ids.creativeId, price: 1.01 });
    // Under a bidfloor above the line item, the next eligible candidate (an outside bid at the floor) wins.
    demand.state.bids = [bid(3_000_000)];
    const next = (await auction(request({ id: 'auction-2' }, { bidfloor: 2.75 }))).json().seatbid[0].bid[0];
    expect(next).toMatchObject({ id: 'b-3000000', price: 2.76 });
    const events = await auctionEvents(h);
    expect(events[1]!.data).toMatchObject({ floorMicros: '2750000', winner: { source: 'p1', priceMicros: '2760000' } });
  });

  it('refuses outside bids from a buyer seat the request does not allow (wseat/bseat), recorded as non-bids', async () => {
    demand.state.bids = [bid(9_000_000, { bidId: 'other-seat', seat: 'other-seat' }), bid(3_000_000)];
    const allowed = (await auction(request({ wseat: ['dsp-seat'] }))).json().seatbid[0].bid[0];
    expect(allowed).toMatchObject({ id: 'b-3000000', price: 2.51 });
    demand.state.bids = [bid(3_000_000)];
    const blocked = (await auction(request({ id: 'auction-2', bseat: ['dsp-seat'] }))).json().seatbid[0].bid[0];
    expect(blocked.crid).toBe(ids.creativeId);
    const events = await auctionEvents(h);
    expect(events[0]!.data!.nonBids).toContainEqual(expect.objectContaining({ bidId: 'other-seat', code: 300 }));
    expect(events[1]!.data!.nonBids).toContainEqual(
      expect.objectContaining({ bidId: 'b-3000000', code: 300, reason: 'buyer seat not allowed (wseat/bseat)' }),
    );
  });

  it('targets by the OpenRTB alpha-3 device.geo.country over the IP’s country', async () => {
    // The line item targets US; the IP is in the US.
    const france = await auction(request({ device: { ip: US_IP, ua: IPHONE, geo: { country: 'FRA' } } }));
    expect(france.statusCode).toBe(204);
    const us = await auction(request({ id: 'auction-2', device: { ip: '192.0.2.1', ua: IPHONE, geo: { country: 'USA' } } }));
    expect(us.statusCode, us.body).toBe(200);
    expect(us.json().seatbid[0].bid[0].crid).toBe(ids.creativeId);
    // An unknown code leaves the IP to decide.
    const unknown = await auction(request({ id: 'auction-3', device: { ip: US_IP, ua: IPHONE, geo: { country: 'ZZZ' } } }));
    expect(unknown.statusCode).toBe(200);
  });

  it('answers a native imp won by a native line item with a Native response keyed to the request’s assets, and does not bid when it cannot fill a required one', async () => {
    const creativeId = await attachNativeCreative(h, owner, ids);
    await settled(h);
    // The IAB Native 1.2 content-context example: title, main image, icon, sponsor and description, an optional video
    // (without its plcmttype 11, outside 1-4, which Prebid Server's rules refuse).
    const { plcmttype: _outOfRange, ...example } = JSON.parse(
      readFileSync(
        path.resolve(
          import.meta.dirname,
          '../../../../shared/fixtures/mxmcherry-openrtb/native1/request/testdata/v1.2/content-context.json',
        ),
        'utf8',
      ),
    );
    const iabNative = JSON.stringify(example);
    const response = await auction(request({}, { banner: undefined, native: { request: iabNative, ver: '1.2' } }));
    expect(response.statusCode, response.body).toBe(200);
    const [bid] = response.json().seatbid[0].bid;
    expect(bid).toMatchObject({ impid: 'imp-1', mtype: 4, crid: creativeId });
    const adm = JSON.parse(bid.adm) as { assets: { id: number }[]; link: { url: string }; imptrackers: string[] };
    expect(adm.assets.map((a) => a.id)).toEqual([123, 128, 124, 126, 127]);
    expect(adm.assets[0]).toEqual({ id: 123, title: { text: 'Winter boots' } });
    expect(adm.link.url).toMatch(/\/t\/click\?t=/);
    expect(adm.imptrackers[0]).toMatch(/\/t\/imp\?t=/);

    // A required rating (data type 3), which the creative does not carry: no direct bid.
    const rating = JSON.stringify({
      assets: [
        { id: 1, required: 1, title: { len: 90 } },
        { id: 2, required: 1, data: { type: 3 } },
      ],
    });
    const unfilled = await auction(request({}, { banner: undefined, native: { request: rating } }));
    expect(unfilled.statusCode).toBe(204);
  });

  it('prices in a currency the request asks for', async () => {
    demand.state.bids = [bid(3_000_000)];
    const response = await auction(request({ cur: ['EUR'] }));
    const body = response.json();
    expect(body.cur).toBe('EUR');
    expect(body.seatbid[0].bid[0].price).toBeGreaterThan(0);
    expect(body.seatbid[0].bid[0].price).not.toBe(2.51);
  });

  it('answers 204 for an imp of another publisher, and refuses oversized and malformed bodies', async () => {
    const other = await auction(request({ site: { page: 'https://news.example/', publisher: { id: 'someone-else' } } }));
    expect(other.statusCode).toBe(204);
    const huge = await auction({ ...request(), padding: 'x'.repeat(300 * 1024) });
    expect(huge.statusCode).toBe(413);
    const malformed = await h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      headers: { 'content-type': 'application/json' },
      payload: '{"id":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().detail).toMatch(/^Invalid request: /);
    const invalid = await auction(request({}, { banner: { w: -1, h: 250 } }));
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors[0]).toEqual({
      path: 'request.imp[0].banner.w',
      message: 'request.imp[0].banner.w must be a positive number',
    });
  });
});

describe('POST /openrtb2/auction: tiers before price', () => {
  it('serves a sponsorship line item over any outside bid', async () => {
    const demand = scriptedFanout();
    const h = await openRtbHarness({ fanout: demand.fanout, partnersOf: () => [PARTNER] });
    try {
      const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
      const ids = await activeLineItem(h, owner, { campaign: STARTED, lineItem: { priority: 'sponsorship' } });
      await settled(h);
      demand.state.bids = [bid(50_000_000)];
      const response = await h.app.inject({
        method: 'POST',
        url: '/openrtb2/auction',
        payload: {
          id: 'a',
          imp: [{ id: '1', tagid: ids.placementId, banner: { w: 300, h: 250 } }],
          site: { page: 'https://news.example/' },
          device: { ip: US_IP, ua: IPHONE },
        },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().seatbid[0].bid[0]).toMatchObject({ crid: ids.creativeId, price: 2.5 });
      expect(response.json().seatbid[0].bid[0].ext.prebid.targeting).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});

describe('POST /openrtb2/auction: our schain node', () => {
  it('appends our node (seller domain, publisher id, hp 1, request id) to the chain a real partner receives, 2.6 and 2.5', async () => {
    const partner = await startPartnerServer();
    const h = await openRtbHarness({
      partnersOf: () => [partnerAt(`${partner.url}/nobid`)],
      allowPrivateOutbound: true,
      sellerDomain: 'ads.example.com',
    });
    try {
      const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
      const ids = await activeLineItem(h, owner, { campaign: STARTED, lineItem: { priority: 'price' } });
      await settled(h);
      const publisherId = h.app.delivery.catalog.forPlacement(ids.placementId)!.placements.get(ids.placementId)!.publisherId;
      const upstream = { asi: 'upstream.example', sid: 'u-1', hp: 1 };
      const ours = (rid: string) => ({ asi: 'ads.example.com', sid: publisherId, hp: 1, rid });
      const send = (id: string, source?: object) =>
        h.app.inject({
          method: 'POST',
          url: '/openrtb2/auction',
          payload: {
            id,
            imp: [{ id: '1', tagid: ids.placementId, banner: { w: 300, h: 250 } }],
            site: { page: 'https://news.example/' },
            device: { ip: US_IP, ua: IPHONE },
            ...(source ? { source } : {}),
          },
        });
      await send('a-26', { schain: { complete: 0, ver: '1.0', nodes: [upstream] } });
      await send('a-25', { ext: { schain: { complete: 1, ver: '1.0', nodes: [upstream] } } });
      await send('a-none');
      const sourceOf = (id: string) => partner.received.find((r) => r.body.id === id)?.body.source as Record<string, unknown>;
      // 2.6: the chain stays where it came, complete as sent.
      expect(sourceOf('a-26')).toEqual({ schain: { complete: 0, ver: '1.0', nodes: [upstream, ours('a-26')] } });
      // 2.5: up-converted to source.schain and kept in source.ext.schain, for bidders of either version.
      const chain25 = { complete: 1, ver: '1.0', nodes: [upstream, ours('a-25')] };
      expect(sourceOf('a-25')).toEqual({ schain: chain25, ext: { schain: chain25 } });
      // No chain: the publisher sells to us directly.
      expect(sourceOf('a-none')).toEqual({ schain: { complete: 1, ver: '1.0', nodes: [ours('a-none')] } });
    } finally {
      await h.close();
      await partner.close();
    }
  });
});

describe('POST /openrtb2/bid', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof activeLineItem>>;

  beforeEach(async () => {
    h = await openRtbHarness({ fanout: scriptedFanout().fanout, partnersOf: () => [] });
    const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    ids = await activeLineItem(h, owner, {
      campaign: { ...STARTED, targeting: {} },
      lineItem: { priority: 'price', targeting: {} },
    });
    await settled(h);
  });
  afterEach(async () => h.close());

  const iabBanner = () =>
    JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, '../../../../shared/fixtures/iab-openrtb2.x/2.6.md-section6/6.2.1-simple-banner.request.json'),
        'utf8',
      ),
    );

  it('answers the IAB simple banner example with a bid from a matching line item, billing back to our tracking', async () => {
    const response = await h.app.inject({ method: 'POST', url: `/openrtb2/bid?placement=${ids.placementId}`, payload: iabBanner() });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ id: '80ce30c53c16e6ede735f123ef6e32361bfc7b22', cur: 'USD' });
    const [win] = body.seatbid[0].bid;
    expect(win).toMatchObject({ impid: '1', price: 2.5, w: 300, h: 250, crid: ids.creativeId, adid: ids.lineItemId });
    expect(win.burl.endsWith(`&r=204&cp=${macro('AUCTION_PRICE')}`)).toBe(true);
    expect(win.burl).toMatch(/\/t\/imp\?t=/);
    // The calling exchange ran a second-price auction and bills us its clearing price, 1.25 against our 2.50.
    const cleared = new URL(win.burl.replace(macro('AUCTION_PRICE'), '1.25'));
    const billed = await h.app.inject({ method: 'GET', url: cleared.pathname + cleared.search });
    expect(billed.statusCode).toBe(204);
    const impressions = (await h.deps.eventLog.read(0, 100)).events.filter((e) => e.type === 'impression');
    expect(impressions).toHaveLength(1);
    // 2.50 CPM is 2,500 micros an impression; at the clearing price half of it.
    expect(impressions[0]).toMatchObject({ costMicros: '1250', lineItemId: ids.lineItemId, data: { clearingCpmMicros: 1_250_000 } });
  });

  it('bills its signed price when the exchange leaves the price macro unsubstituted or claims more than we bid', async () => {
    const bids = await Promise.all(
      [0, 1].map(async () => {
        const response = await h.app.inject({ method: 'POST', url: `/openrtb2/bid?placement=${ids.placementId}`, payload: iabBanner() });
        return response.json().seatbid[0].bid[0] as { burl: string };
      }),
    );
    for (const [bid, price] of [
      [bids[0]!, macro('AUCTION_PRICE')],
      [bids[1]!, '9.99'],
    ] as const) {
      const url = new URL(bid.burl.replace(macro('AUCTION_PRICE'), encodeURIComponent(price)));
      expect((await h.app.inject({ method: 'GET', url: url.pathname + url.search })).statusCode).toBe(204);
    }
    const costs = (await h.deps.eventLog.read(0, 100)).events.filter((e) => e.type === 'impression').map((e) => e.costMicros);
    expect(costs).toEqual(['2500', '2500']);
  });

  it('does not bid under the floor, on a size it has no creative for, or for an unknown placement', async () => {
    const request = iabBanner();
    const floored = await h.app.inject({
      method: 'POST',
      url: `/openrtb2/bid?placement=${ids.placementId}`,
      payload: { ...request, imp: [{ ...request.imp[0], bidfloor: 3 }] },
    });
    expect(floored.statusCode).toBe(204);
    const sized = await h.app.inject({
      method: 'POST',
      url: `/openrtb2/bid?placement=${ids.placementId}`,
      payload: { ...request, imp: [{ id: '1', banner: { w: 728, h: 90 } }] },
    });
    expect(sized.statusCode).toBe(204);
    const unknown = await h.app.inject({ method: 'POST', url: '/openrtb2/bid?placement=nope', payload: request });
    expect(unknown.statusCode).toBe(204);
    expect(unknown.headers['x-openrtb-nbr']).toBe('7');
  });

  it('bids a native creative on a native imp with a Native response for its request, counted by the billing notice alone', async () => {
    const creativeId = await attachNativeCreative(h, await login(h.app, OPERATOR.email, OPERATOR.password), ids);
    await settled(h);
    const native = (assets: object[]) => ({
      ...iabBanner(),
      imp: [{ id: '1', native: { request: JSON.stringify({ ver: '1.2', assets }) } }],
    });
    const wanted = [
      { id: 7, required: 1, title: { len: 25 } },
      { id: 8, required: 1, img: { type: 3 } },
      { id: 9, data: { type: 1 } },
    ];
    const response = await h.app.inject({ method: 'POST', url: `/openrtb2/bid?placement=${ids.placementId}`, payload: native(wanted) });
    expect(response.statusCode, response.body).toBe(200);
    const [bid] = response.json().seatbid[0].bid;
    expect(bid).toMatchObject({ mtype: 4, crid: creativeId });
    const adm = JSON.parse(bid.adm) as { assets: object[]; imptrackers?: string[]; eventtrackers: { url: string }[] };
    expect(adm.assets).toEqual([
      { id: 7, title: { text: 'Winter boots' } },
      { id: 8, img: { type: 3, url: 'https://cdn.example/boots.jpg' } },
      { id: 9, data: { type: 1, value: 'Acme' } },
    ]);
    // Our impression URL is the burl's; the markup does not count it a second time.
    expect(bid.burl).toMatch(/\/t\/imp\?t=/);
    const ours = bid.burl.split('&r=204')[0] as string;
    expect([...(adm.imptrackers ?? []), ...adm.eventtrackers.map((t) => t.url)]).not.toContain(ours);
    // A required asset the creative lacks (a rating): no bid.
    const unfilled = await h.app.inject({
      method: 'POST',
      url: `/openrtb2/bid?placement=${ids.placementId}`,
      payload: native([...wanted, { id: 10, required: 1, data: { type: 3 } }]),
    });
    expect(unfilled.statusCode).toBe(204);
  });
});
