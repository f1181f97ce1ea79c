import type { DeliveryEvent } from '@adplatform/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemandFanout } from '../src/openrtb/demand/demand-types.js';
import { get, patch, post } from './campaigns.helpers.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, expectProblem, type Harness, login, OPERATOR, type Session } from './harness.js';
import { bidFor, type PartnerServer, partnerAt, startPartnerServer } from './openrtb-demand.helpers.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const NO_DEMAND: DemandFanout = { collect: async () => ({ bids: [], nonBids: [] }), close: async () => {} };

/** The shared harness; the exchange has no outside demand. */
const exchangeHarness = (): Promise<Harness> => createHarness({ openrtb: { fanout: NO_DEMAND, partnersOf: () => [], random: () => 0.5 } });

describe('floor rules and blocklists: API, snapshot and exchange', () => {
  let h: Harness;
  let owner: Session;
  let ids: Awaited<ReturnType<typeof activeLineItem>>;
  let publisherId: string;

  beforeAll(async () => {
    h = await exchangeHarness();
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    // A price-priority line item at 2.50 CPM for mobile, in the US and Germany (no frequency cap: the same user asks many
    // times), on a 300x250 placement floored at 0.50.
    ids = await activeLineItem(h, owner, {
      campaign: {
        startsAt: '2026-11-01T00:00:00Z',
        endsAt: '2027-01-01T00:00:00Z',
        targeting: { geo: { countries: ['US', 'DE'] } },
        frequencyCaps: [],
      },
      lineItem: { priority: 'price' },
    });
    publisherId = (await get(h, owner, `/api/v1/placements/${ids.placementId}`)).json().publisherId;
  }, 120_000);
  afterAll(async () => h.close());

  const settled = async () => {
    await h.app.delivery.catalog.settle();
    await h.app.delivery.allowances.settle();
  };
  let auctions = 0;
  const auction = (extra: object = {}, country = 'USA') =>
    h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      headers: { 'content-type': 'application/json', origin: 'https://news.example' },
      payload: {
        id: `auction-${++auctions}`,
        imp: [{ id: 'imp-1', tagid: ids.placementId, banner: { format: [{ w: 300, h: 250 }] } }],
        site: { page: 'https://news.example/today', domain: 'news.example' },
        device: { ip: '8.8.8.8', ua: IPHONE, devicetype: 4, geo: { country } },
        tmax: 500,
        ...extra,
      },
    });
  const logged = async (auctionId: string): Promise<DeliveryEvent | undefined> => {
    await new Promise((resolve) => setTimeout(resolve, 120));
    const { events } = await h.deps.eventLog.read(0, 10_000);
    return events.find((e) => e.type === 'decision' && e.data?.kind === 'openrtb-auction' && e.data.auctionId === auctionId);
  };

  it('refuses malformed floor rules, advertiser domains and creative categories with 400 naming the field', async () => {
    const placement = `/api/v1/placements/${ids.placementId}`;
    const bad = async (url: string, payload: object, fieldPath: string) => {
      const problem = expectProblem(await patch(h, owner, url, payload), 400, 'VALIDATION_FAILED');
      expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(fieldPath);
    };
    const rule = { floorMicros: 1_000_000 };
    await bad(placement, { floorRules: [rule, { ...rule, size: ['300by250'] }] }, 'body.floorRules[1].size[0]');
    await bad(placement, { floorRules: [{ ...rule, size: ['20000x90'] }] }, 'body.floorRules[0].size[0]');
    await bad(placement, { floorRules: [{ ...rule, country: ['de'] }] }, 'body.floorRules[0].country[0]');
    await bad(placement, { floorRules: [{ ...rule, deviceType: ['phone'] }] }, 'body.floorRules[0].deviceType[0]');
    await bad(placement, { floorRules: [{ floorMicros: 1.5 }] }, 'body.floorRules[0].floorMicros');
    await bad(placement, { floorRules: [{ floorMicros: '1500000' }] }, 'body.floorRules[0].floorMicros');
    await bad(placement, { floorRules: [{ ...rule, city: ['Berlin'] }] }, 'body.floorRules[0].city');
    await bad(`/api/v1/publishers/${publisherId}`, { floorRules: [{ ...rule, country: [] }] }, 'body.floorRules[0].country');
    await bad(`/api/v1/advertisers/${ids.advertiserId}`, { domains: ['shoes.example', 'http://x/'] }, 'body.domains[1]');
    await bad(`/api/v1/advertisers/${ids.advertiserId}`, { domains: ['Shoes.example', 'shoes.EXAMPLE'] }, 'body.domains[1]');
    await bad(`/api/v1/creatives/${ids.creativeId}`, { categories: ['Food'] }, 'body.categories[0]');
  });

  it('a floor rule for DE raises the floor of a DE request and not of a US one, and the auction log names it', async () => {
    const saved = await patch(h, owner, `/api/v1/placements/${ids.placementId}`, {
      floorRules: [{ country: ['DE'], floorMicros: 2_000_000 }],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().floorRules).toEqual([{ country: ['DE'], floorMicros: 2_000_000 }]);
    await settled();

    const us = await auction({}, 'USA');
    expect(us.statusCode, us.body).toBe(200);
    // A lone price-tier bidder pays the floor + 1 cent: the placement's 0.50 in the US ...
    expect(us.json().seatbid[0].bid[0].price).toBe(0.51);
    expect((await logged(us.json().id))?.data).toMatchObject({ floorMicros: '500000', floorRule: null });

    // ... the rule's 2.00 in Germany.
    const de = await auction({}, 'DEU');
    expect(de.statusCode, de.body).toBe(200);
    expect(de.json().seatbid[0].bid[0].price).toBe(2.01);
    expect((await logged(de.json().id))?.data).toMatchObject({
      floorMicros: '2000000',
      floorRule: { rule: 'placement.floorRules[0]', floorMicros: '2000000' },
    });

    // A publisher rule for mobile at 3.00 applies to all its placements, after the placement's own (equally specific rules:
    // the placement's wins), so DE stays at 2.00 and the US, where only the publisher's matches, is over the 2.50 bid.
    const publisher = await patch(h, owner, `/api/v1/publishers/${publisherId}`, {
      floorRules: [{ deviceType: ['mobile'], floorMicros: 3_000_000 }],
    });
    expect(publisher.statusCode, publisher.body).toBe(200);
    await settled();
    expect((await auction({}, 'DEU')).json().seatbid[0].bid[0].price).toBe(2.01);
    const floored = await auction({}, 'USA');
    expect(floored.statusCode).toBe(204);
    expect((await logged(`auction-${auctions}`))?.data).toMatchObject({
      floorMicros: '3000000',
      floorRule: { rule: 'publisher.floorRules[0]' },
      winner: null,
    });
    // Empty lists remove the rules.
    await patch(h, owner, `/api/v1/publishers/${publisherId}`, { floorRules: [] });
    const cleared = await patch(h, owner, `/api/v1/placements/${ids.placementId}`, { floorRules: [] });
    expect(cleared.json().floorRules).toBeUndefined();
    await settled();
    expect((await auction({}, 'DEU')).json().seatbid[0].bid[0].price).toBe(0.51);
  }, 120_000);

  it('badv naming our line item’s advertiser domain, or bcat its creative’s category, removes it from the auction', async () => {
    const advertiser = await patch(h, owner, `/api/v1/advertisers/${ids.advertiserId}`, { domains: ['Shoes.example'] });
    expect(advertiser.statusCode, advertiser.body).toBe(200);
    expect(advertiser.json().domains).toEqual(['shoes.example']);
    // Categories are reviewed content: the creative goes back to pending until approved again.
    const creative = await patch(h, owner, `/api/v1/creatives/${ids.creativeId}`, { categories: ['IAB8-5'] });
    expect(creative.json()).toMatchObject({ status: 'pending', categories: ['IAB8-5'] });
    expect((await post(h, owner, `/api/v1/creatives/${ids.creativeId}/approve`, {})).statusCode).toBe(200);
    await settled();

    const open = await auction({ badv: ['other.example'], bcat: ['IAB25'] });
    expect(open.statusCode, open.body).toBe(200);
    // OpenRTB: our bid says who the advertiser is and what the ad is about, for the caller's own checks.
    expect(open.json().seatbid[0].bid[0]).toMatchObject({ adomain: ['shoes.example'], cat: ['IAB8-5'], crid: ids.creativeId });

    expect((await auction({ badv: ['SHOES.example'] })).statusCode).toBe(204);
    expect((await auction({ bcat: ['IAB8-5'] })).statusCode).toBe(204);
    // A parent category blocks its subcategories.
    expect((await auction({ bcat: ['IAB8'] })).statusCode).toBe(204);
    expect((await logged(`auction-${auctions}`))?.data).toMatchObject({ winner: null });
  }, 120_000);

  it('the bidder endpoint honours badv too and carries adomain on its bids', async () => {
    const bid = (extra: object) =>
      h.app.inject({
        method: 'POST',
        url: `/openrtb2/bid?placement=${ids.placementId}`,
        headers: { 'content-type': 'application/json' },
        payload: {
          id: `bid-${++auctions}`,
          imp: [{ id: '1', banner: { w: 300, h: 250 } }],
          site: { page: 'https://news.example/today' },
          device: { ip: '8.8.8.8', ua: IPHONE, devicetype: 4 },
          tmax: 5_000,
          ...extra,
        },
      });
    const answered = await bid({});
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().seatbid[0].bid[0]).toMatchObject({ adomain: ['shoes.example'], cat: ['IAB8-5'] });
    expect((await bid({ badv: ['shoes.example'] })).statusCode).toBe(204);
    expect((await bid({ bcat: ['IAB8'] })).statusCode).toBe(204);
  }, 120_000);
});

describe('outside bids against the request’s bcat and bapp: real partners through the exchange', () => {
  let h: Harness;
  let ids: Awaited<ReturnType<typeof activeLineItem>>;
  let a: PartnerServer;
  let b: PartnerServer;
  const partnerA = { id: '' };
  const partnerB = { id: '' };

  beforeAll(async () => {
    [a, b] = await Promise.all([startPartnerServer(), startPartnerServer()]);
    const targets = [partnerAt(`${a.url}/custom`), partnerAt(`${b.url}/custom`)];
    partnerA.id = targets[0]!.id;
    partnerB.id = targets[1]!.id;
    // The real fan-out and notifier (loss notices reach the partners), with partners on loopback.
    h = await createHarness({ openrtb: { partnersOf: () => targets, allowPrivateOutbound: true, random: () => 0.5 } });
    const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    // Our price-priority line item bids 2.50 on a placement floored at 0.50; its creative declares no category.
    ids = await activeLineItem(h, owner, {
      campaign: { startsAt: '2026-11-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z', frequencyCaps: [] },
      lineItem: { priority: 'price' },
    });
    await h.app.delivery.catalog.settle();
    await h.app.delivery.allowances.settle();
  }, 120_000);
  afterAll(async () => {
    await h.close();
    await Promise.all([a.close(), b.close()]);
  });

  /** A partner's answer: one bid on the imp at `price`, with `extra` fields (cat, cattax, bundle…) and a loss notice URL. */
  const answers = (partner: PartnerServer, price: number | undefined, extra: Record<string, unknown> = {}) => {
    partner.custom = (request) =>
      price === undefined
        ? { status: 204 }
        : {
            status: 200,
            body: bidFor(request, {
              id: `${request.id}-bid`,
              price,
              lurl: `${partner.url}/loss/${request.id}/\${AUCTION_LOSS}`,
              ...extra,
            }),
          };
  };
  let auctions = 0;
  const auction = async (extra: object) => {
    const id = `outside-${++auctions}`;
    const response = await h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      payload: {
        id,
        imp: [{ id: 'imp-1', tagid: ids.placementId, banner: { format: [{ w: 300, h: 250 }] } }],
        site: { page: 'https://news.example/today', domain: 'news.example' },
        device: { ip: '8.8.8.8', ua: IPHONE, devicetype: 4 },
        tmax: 1_000,
        ...extra,
      },
    });
    return { id, response };
  };
  const loggedNonBids = async (auctionId: string) => {
    await new Promise((resolve) => setTimeout(resolve, 120));
    const { events } = await h.deps.eventLog.read(0, 10_000);
    const event = events.find((e) => e.type === 'decision' && e.data?.kind === 'openrtb-auction' && e.data.auctionId === auctionId);
    return event?.data?.nonBids as { partnerId: string; bidId?: string; code: number; lossCode?: number; reason: string }[];
  };
  /** The loss notices the partner got for an auction: the `${AUCTION_LOSS}` each carried (notices are sent in the background). */
  const lossCodes = async (partner: PartnerServer, auctionId: string): Promise<string[]> => {
    const prefix = `/loss/${auctionId}/`;
    const found = () => partner.received.filter((r) => r.path.startsWith(prefix)).map((r) => r.path.slice(prefix.length));
    for (let waited = 0; found().length === 0 && waited < 2_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return found();
  };

  it('bcat screens a partner bid whose category it lists: the other partner’s bid wins, the screened one is logged 357 and gets lurl 209', async () => {
    answers(a, 5, { cat: ['IAB8-5'] });
    answers(b, 3, { cat: ['IAB1'] });
    const { id, response } = await auction({ bcat: ['IAB8-5'] });
    expect(response.statusCode, response.body).toBe(200);
    // B wins at second price over our line item's 2.50 (A's 5.00 never entered the auction).
    expect(response.json().seatbid[0].bid[0]).toMatchObject({ id: `${id}-bid`, price: 2.51, crid: 'cr-imp-1' });
    expect(await loggedNonBids(id)).toContainEqual({
      partnerId: partnerA.id,
      impId: 'imp-1',
      bidId: `${id}-bid`,
      code: 357,
      lossCode: 209,
      reason: 'blocked content category (bcat)',
    });
    expect(await lossCodes(a, id)).toEqual(['209']);
    // B won: it gets no loss notice.
    expect(b.received.filter((r) => r.path.startsWith(`/loss/${id}/`))).toEqual([]);
  });

  it('a blocked parent category (IAB8) screens a subcategory (IAB8-5), and our line item wins', async () => {
    answers(a, 5, { cat: ['IAB8-5', 'IAB1'], cattax: 1 });
    answers(b, undefined);
    const { id, response } = await auction({ bcat: ['IAB8'] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().seatbid[0].bid[0]).toMatchObject({ crid: ids.creativeId, price: 0.51 });
    expect(await loggedNonBids(id)).toContainEqual(expect.objectContaining({ partnerId: partnerA.id, code: 357, lossCode: 209 }));
    expect(await lossCodes(a, id)).toEqual(['209']);
  });

  it('a category in another taxonomy (cattax 2) is not screened by an IAB 1.0 bcat, and wins', async () => {
    answers(a, 5, { cat: ['IAB8'], cattax: 2 });
    answers(b, undefined);
    const { id, response } = await auction({ bcat: ['IAB8'] });
    expect(response.json().seatbid[0].bid[0]).toMatchObject({ id: `${id}-bid`, price: 2.51 });
    expect((await loggedNonBids(id)).filter((n) => n.partnerId === partnerA.id)).toEqual([]);
  });

  it('bapp screens a bid promoting a blocked app (its bundle, any case): logged 350 and lurl 206, the other partner wins', async () => {
    answers(a, 5, { bundle: 'com.Example.Game' });
    answers(b, 3, { bundle: 'com.example.other' });
    const { id, response } = await auction({ bapp: ['com.example.game'] });
    expect(response.json().seatbid[0].bid[0]).toMatchObject({ id: `${id}-bid`, price: 2.51, crid: 'cr-imp-1' });
    expect(await loggedNonBids(id)).toContainEqual({
      partnerId: partnerA.id,
      impId: 'imp-1',
      bidId: `${id}-bid`,
      code: 350,
      lossCode: 206,
      reason: 'blocked app bundle (bapp)',
    });
    expect(await lossCodes(a, id)).toEqual(['206']);
  });

  it('badv already screens a partner bid by its adomain (any case): logged 356 and lurl 205', async () => {
    answers(a, 5, { adomain: ['Blocked.example'] });
    answers(b, undefined);
    const { id, response } = await auction({ badv: ['blocked.example'] });
    expect(response.json().seatbid[0].bid[0]).toMatchObject({ crid: ids.creativeId });
    expect(await loggedNonBids(id)).toContainEqual(expect.objectContaining({ partnerId: partnerA.id, code: 356, lossCode: 205 }));
    expect(await lossCodes(a, id)).toEqual(['205']);
  });

  it('a bid whose cat or bundle has the wrong JSON type is an invalid bid (102) in the log, not a crash', async () => {
    answers(a, 5, { cat: 'IAB8-5' });
    answers(b, 3, { bundle: 42 });
    const { id, response } = await auction({ bcat: ['IAB8'] });
    expect(response.json().seatbid[0].bid[0]).toMatchObject({ crid: ids.creativeId });
    const nonBids = await loggedNonBids(id);
    expect(nonBids).toContainEqual(
      expect.objectContaining({ partnerId: partnerA.id, code: 102, reason: 'bid.cat must be an array of strings' }),
    );
    expect(nonBids).toContainEqual(expect.objectContaining({ partnerId: partnerB.id, code: 102, reason: 'bid.bundle must be a string' }));
  });
});
