import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCurrencyRates } from '../src/openrtb/demand/currency-rates.js';
import { createDemandFanout, type DemandFanoutHandle } from '../src/openrtb/demand/demand-fanout.js';
import type { DemandPartnerTarget, FanoutRequest, OpenRtbRequest } from '../src/openrtb/demand/demand-types.js';
import { substituteMacros } from '../src/openrtb/demand/macros.js';
import { createNoticeNotifier } from '../src/openrtb/demand/notice-notifier.js';
import { createOutboundClient } from '../src/openrtb/demand/outbound-client.js';
import { createOutsideDemand } from '../src/openrtb/demand/outside-demand.js';
import { LOSS, SEAT_NON_BID } from '../src/openrtb/demand/reason-codes.js';
import { auctionRequest, bidFor, type PartnerServer, partnerAt, startPartnerServer } from './openrtb-demand.helpers.js';

/**
 * The outside demand against real HTTP partners on 127.0.0.1: bids, every
 * kind of failure as a non-bid with its code, collect() resolving by the
 * deadline whatever the partners do, breaker, QPS cap, gzip both ways,
 * currency conversion, notices and the SSRF guard.
 */
const rates = createCurrencyRates({ dataAsOf: '2025-01-02', conversions: { USD: { EUR: 0.8 } } });
/** After the deadline's own timer fires (late on a loaded machine), collect() has resolved within this. */
const TOLERANCE_MS = 30;

let partner: PartnerServer;
let fanout: DemandFanoutHandle;

beforeAll(async () => {
  partner = await startPartnerServer();
  // gzipMinBytes 0: the small test requests are compressed too, so gzip is exercised.
  fanout = createDemandFanout({ rates, allowPrivateOutbound: true, gzipMinBytes: 0 });
});

afterAll(async () => {
  await fanout.close();
  await partner.close();
});

function fanoutRequest(request: OpenRtbRequest, budgetMs = 1500, placements: Record<string, string> = {}): FanoutRequest {
  return {
    organizationId: 'org-1',
    request,
    placementOfImp: new Map(Object.entries(placements)),
    deadlineMs: Date.now() + budgetMs,
    currency: 'USD',
  };
}

const codesOf = (nonBids: readonly { partnerId: string; code: number }[], p: DemandPartnerTarget) =>
  nonBids.filter((n) => n.partnerId === p.id).map((n) => n.code);

describe('demand fan-out', () => {
  it('collects a partner’s bids, gzip-compressed both ways, with its tmax and only its placements', async () => {
    const bidder = partnerAt(`${partner.url}/gzip`, { placementIds: ['pl-a'], timeoutMs: 800 });
    const request = auctionRequest(['imp-a', 'imp-b']);
    const outcome = await fanout.collect([bidder], fanoutRequest(request, 1500, { 'imp-a': 'pl-a', 'imp-b': 'pl-b' }));
    expect(outcome.nonBids).toEqual([]);
    expect(outcome.bids).toHaveLength(1);
    expect(outcome.bids[0]).toMatchObject({
      partnerId: bidder.id,
      seat: 'seat-1',
      impId: 'imp-a',
      bidId: 'bid-imp-a',
      priceMicros: 1_500_000,
      originalPriceMicros: 1_500_000,
      originalCurrency: 'USD',
      crid: 'cr-imp-a',
      adomain: ['advertiser.example'],
    });
    const sent = partner.received.at(-1)!;
    expect(sent.headers['content-encoding']).toBe('gzip');
    expect(sent.headers['accept-encoding']).toBe('gzip');
    expect(sent.body.imp.map((imp) => imp.id)).toEqual(['imp-a']);
    expect(sent.body.tmax).toBeLessThanOrEqual(800);
    expect(sent.body.tmax).toBeGreaterThan(500);
    expect(outcome.calls).toEqual([expect.objectContaining({ partnerId: bidder.id, outcome: 'called', status: 200 })]);
  });

  it('gzips only bodies of 1 KiB or more by default', async () => {
    const own = createDemandFanout({ rates, allowPrivateOutbound: true });
    const bidder = partnerAt(`${partner.url}/bid`);
    await own.collect([bidder], fanoutRequest(auctionRequest()));
    expect(partner.received.at(-1)!.headers['content-encoding']).toBeUndefined();
    const big = {
      ...auctionRequest(),
      user: { data: [{ id: 'segments', segment: Array.from({ length: 100 }, (_, i) => ({ id: `s${i}` })) }] },
    };
    const outcome = await own.collect([bidder], fanoutRequest(big));
    expect(outcome.bids).toHaveLength(1);
    expect(partner.received.at(-1)!.headers['content-encoding']).toBe('gzip');
    await own.close();
  });

  it('converts the partner’s currency and applies its bid adjustment exactly', async () => {
    const bidder = partnerAt(`${partner.url}/eur`, { bidAdjustment: 0.85 });
    const outcome = await fanout.collect([bidder], fanoutRequest(auctionRequest(['i1', 'i2'])));
    // 1.5 EUR / 0.8 × 0.85 = 1.59375 USD; 2.5 EUR → 2.65625 USD.
    expect(outcome.bids.map((b) => [b.priceMicros, b.originalPriceMicros, b.originalCurrency])).toEqual([
      [1_593_750, 1_500_000, 'EUR'],
      [2_656_250, 2_500_000, 'EUR'],
    ]);
  });

  it('resolves by the deadline whatever the partners do, each failure a non-bid with its code', async () => {
    partner.lateMs = 1500;
    const good = partnerAt(`${partner.url}/bid`);
    const late = partnerAt(`${partner.url}/late`);
    const failing = partnerAt(`${partner.url}/error`);
    const nonsense = partnerAt(`${partner.url}/nonsense`);
    const hanging = partnerAt(`${partner.url}/hang`);
    const stalled = partnerAt(`${partner.url}/hang-after-headers`);
    const silent = partnerAt(`${partner.url}/nobid`);
    const started = Date.now();
    const request = fanoutRequest(auctionRequest(), 600);
    // A control timer for the same deadline: how late timers fire right now on this (shared) machine.
    const deadlineTimer = new Promise<number>((resolve) => setTimeout(() => resolve(Date.now()), request.deadlineMs - Date.now()));
    const outcome = await fanout.collect([good, late, failing, nonsense, hanging, stalled, silent], request);
    const resolvedAt = Date.now();
    expect(resolvedAt).toBeLessThanOrEqual(Math.max(await deadlineTimer, request.deadlineMs) + TOLERANCE_MS);
    expect(resolvedAt - started).toBeGreaterThanOrEqual(550);
    expect(outcome.bids.map((b) => b.partnerId)).toEqual([good.id]);
    expect(codesOf(outcome.nonBids, late)).toEqual([SEAT_NON_BID.ERROR_TIMEOUT]);
    expect(codesOf(outcome.nonBids, failing)).toEqual([SEAT_NON_BID.ERROR_GENERAL]);
    expect(codesOf(outcome.nonBids, nonsense)).toEqual([SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE]);
    expect(codesOf(outcome.nonBids, hanging)).toEqual([SEAT_NON_BID.ERROR_TIMEOUT]);
    expect(codesOf(outcome.nonBids, stalled)).toEqual([SEAT_NON_BID.ERROR_TIMEOUT]);
    expect(codesOf(outcome.nonBids, silent)).toEqual([SEAT_NON_BID.NO_BID]);
  });

  it('answers at the deadline without waiting for the slow partners’ requests to be torn down', async () => {
    // Tearing a request down (abort, socket destroy, error events) costs time, and more on a loaded machine: here 40 ms of
    // CPU per call. Three partners hang; collect() must not pay their teardowns, one after the other, before it answers.
    const inner = createOutboundClient({ allowPrivate: true });
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const client = {
      ...inner,
      request: (call: Parameters<typeof inner.request>[0]) => {
        call.signal.addEventListener('abort', () => busy(40));
        return inner.request(call);
      },
    };
    const own = createDemandFanout({ rates, allowPrivateOutbound: true, client });
    const request = fanoutRequest(auctionRequest(), 300);
    const deadlineTimer = new Promise<number>((resolve) => setTimeout(() => resolve(Date.now()), request.deadlineMs - Date.now()));
    const hanging = [1, 2, 3].map(() => partnerAt(`${partner.url}/hang`));
    const outcome = await own.collect([partnerAt(`${partner.url}/bid`), ...hanging], request);
    const resolvedAt = Date.now();
    expect(resolvedAt).toBeLessThan(Math.max(await deadlineTimer, request.deadlineMs) + 40);
    expect(outcome.bids).toHaveLength(1);
    expect(outcome.nonBids.map((n) => n.code)).toEqual([
      SEAT_NON_BID.ERROR_TIMEOUT,
      SEAT_NON_BID.ERROR_TIMEOUT,
      SEAT_NON_BID.ERROR_TIMEOUT,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the teardowns run after the answer
    expect(inner.sockets().active).toBe(0);
    await own.close();
    inner.close();
  });

  it('never lets a late answer in, and leaks no socket from an aborted call', async () => {
    const client = createOutboundClient({ allowPrivate: true });
    const own = createDemandFanout({ rates, allowPrivateOutbound: true, client });
    partner.lateMs = 500;
    const late = partnerAt(`${partner.url}/late`);
    const outcome = await own.collect([late, partnerAt(`${partner.url}/hang`)], fanoutRequest(auctionRequest(), 300));
    expect(outcome.bids).toEqual([]);
    expect(outcome.calls?.map((c) => c.outcome)).toEqual(['called', 'called']);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the late answer arrives now, into nothing
    expect(client.sockets().active).toBe(0);
    await own.close();
    client.close();
  });

  it('turns each malformed bid into a non-bid with its reason and loss code, keeping the good ones', async () => {
    partner.custom = (request) => {
      const [one] = bidFor(request).seatbid[0]!.bid;
      const bids = [
        one,
        { ...one, id: 'wrong-imp', impid: 'nope' },
        { ...one, id: 'zero', price: 0 },
        { ...one, id: 'text-price', price: '1.5' },
        { ...one, id: 'no-markup', adm: undefined, nurl: undefined },
        { ...one, id: 'no-crid', crid: '' },
        { ...one, id: 'bad-adomain', adomain: 'x.example' },
        { ...one }, // duplicate id
        'not a bid',
      ];
      return { status: 200, body: { id: request.id, seatbid: [{ seat: 's', bid: bids }, { seat: 'broken' }] } };
    };
    const bidder = partnerAt(`${partner.url}/custom`);
    const outcome = await fanout.collect([bidder], fanoutRequest(auctionRequest(['imp-1'])));
    expect(outcome.bids.map((b) => b.bidId)).toEqual(['bid-imp-1']);
    const rejected = Object.fromEntries(outcome.nonBids.map((n) => [n.bidId ?? n.reason, [n.code, n.lossCode]]));
    expect(rejected).toMatchObject({
      'wrong-imp': [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.INVALID_BID_RESPONSE],
      zero: [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.MISSING_BID_PRICE],
      'text-price': [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.MISSING_BID_PRICE],
      'no-markup': [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.MISSING_MARKUP],
      'no-crid': [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.MISSING_CREATIVE_ID],
      'bad-adomain': [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.INVALID_ADVERTISER_DOMAIN],
      'bid-imp-1': [SEAT_NON_BID.RESPONSE_REJECTED_DUPLICATE, undefined],
      'bid is not an object': [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.INVALID_BID_RESPONSE],
      'seatbid.bid is not an array': [SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, LOSS.INVALID_BID_RESPONSE],
    });
  });

  it('refuses a response to another auction, and a currency it cannot convert', async () => {
    partner.custom = (request) => ({ status: 200, body: { ...bidFor(request), id: 'someone-else' } });
    const wrongId = await fanout.collect([partnerAt(`${partner.url}/custom`)], fanoutRequest(auctionRequest()));
    expect(wrongId.nonBids).toEqual([
      expect.objectContaining({ code: SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, lossCode: LOSS.INVALID_AUCTION_ID }),
    ]);
    partner.custom = (request) => ({ status: 200, body: bidFor(request, {}, 'XYZ') });
    const unknown = await fanout.collect([partnerAt(`${partner.url}/custom`)], fanoutRequest(auctionRequest()));
    expect(unknown.bids).toEqual([]);
    expect(unknown.nonBids).toEqual([expect.objectContaining({ code: SEAT_NON_BID.RESPONSE_REJECTED_GENERAL, bidId: 'bid-imp-1' })]);
  });

  it('opens the breaker after repeated failures, probes after the cool-down and closes on success', async () => {
    let skewMs = 0;
    const own = createDemandFanout({
      rates,
      allowPrivateOutbound: true,
      now: () => Date.now() + skewMs,
      breaker: { consecutiveFailures: 3, cooldownMs: 10_000 },
    });
    partner.custom = () => ({ status: 503 });
    const flaky = partnerAt(`${partner.url}/custom`);
    const withSkew = (request: FanoutRequest) => ({ ...request, deadlineMs: request.deadlineMs + skewMs });
    for (let i = 0; i < 3; i++) await own.collect([flaky], withSkew(fanoutRequest(auctionRequest())));
    expect(own.breakerState(flaky.id)).toBe('open');
    const before = partner.hits('/custom');
    const refused = await own.collect([flaky], withSkew(fanoutRequest(auctionRequest())));
    expect(refused.nonBids).toEqual([
      expect.objectContaining({ code: SEAT_NON_BID.REQUEST_BLOCKED_GENERAL, reason: expect.stringMatching(/breaker/) }),
    ]);
    expect(partner.hits('/custom')).toBe(before);

    skewMs = 11_000; // past the cool-down: one probe; it fails, the breaker opens again
    await own.collect([flaky], withSkew(fanoutRequest(auctionRequest())));
    expect(partner.hits('/custom')).toBe(before + 1);
    expect(own.breakerState(flaky.id)).toBe('open');

    skewMs = 22_000;
    partner.custom = (request) => ({ status: 200, body: bidFor(request) });
    const probe = await own.collect([flaky], withSkew(fanoutRequest(auctionRequest())));
    expect(probe.bids).toHaveLength(1);
    expect(own.breakerState(flaky.id)).toBe('closed');
    await own.close();
  });

  it('caps a partner’s QPS: over the cap is a non-bid and no call', async () => {
    const capped = partnerAt(`${partner.url}/bid`, { qpsLimit: 2 });
    const before = partner.hits('/bid');
    const outcomes = await Promise.all([1, 2, 3].map(() => fanout.collect([capped], fanoutRequest(auctionRequest()))));
    expect(outcomes.map((o) => o.bids.length).sort()).toEqual([0, 1, 1]);
    const capNonBid = outcomes.flatMap((o) => o.nonBids);
    expect(capNonBid).toEqual([
      expect.objectContaining({ code: SEAT_NON_BID.REQUEST_BLOCKED_OPTIMIZED, reason: expect.stringMatching(/QPS/) }),
    ]);
    expect(partner.hits('/bid')).toBe(before + 2);
  });

  it('does not call a partner when too little time is left', async () => {
    const before = partner.hits('/bid');
    const outcome = await fanout.collect([partnerAt(`${partner.url}/bid`)], fanoutRequest(auctionRequest(), 40));
    expect(outcome.nonBids).toEqual([
      expect.objectContaining({ code: SEAT_NON_BID.REQUEST_BLOCKED_GENERAL, reason: expect.stringMatching(/time/) }),
    ]);
    expect(partner.hits('/bid')).toBe(before);
  });

  it('falls back to plain JSON for a partner that answers 415 to gzip', async () => {
    const picky = partnerAt(`${partner.url}/no-gzip`);
    const first = await fanout.collect([picky], fanoutRequest(auctionRequest()));
    expect(first.nonBids).toEqual([expect.objectContaining({ code: SEAT_NON_BID.ERROR_GENERAL, reason: expect.stringMatching(/415/) })]);
    const second = await fanout.collect([picky], fanoutRequest(auctionRequest()));
    expect(second.bids).toHaveLength(1);
    expect(partner.received.at(-1)!.headers['content-encoding']).toBeUndefined();
  });

  it('turns a request that cannot be serialized into a non-bid instead of a rejection', async () => {
    const request = { ...auctionRequest(), ext: { huge: 10n } } as unknown as OpenRtbRequest; // JSON.stringify throws on a BigInt
    const outcome = await fanout.collect([partnerAt(`${partner.url}/bid`)], fanoutRequest(request));
    expect(outcome.nonBids).toEqual([expect.objectContaining({ code: SEAT_NON_BID.ERROR_GENERAL })]);
  });

  it('records an unreachable partner as such', async () => {
    const closed = await startPartnerServer();
    const url = closed.url;
    await closed.close();
    const outcome = await fanout.collect([partnerAt(`${url}/bid`)], fanoutRequest(auctionRequest()));
    expect(outcome.nonBids).toEqual([expect.objectContaining({ code: SEAT_NON_BID.ERROR_BIDDER_UNREACHABLE })]);
  });

  it('refuses private addresses at connect time unless private outbound is allowed', async () => {
    const guarded = createDemandFanout({ rates, allowPrivateOutbound: false });
    const before = partner.hits('/bid');
    const port = new URL(partner.url).port;
    const outcome = await guarded.collect(
      [partnerAt(`${partner.url}/bid`), partnerAt(`http://localhost:${port}/bid`)],
      fanoutRequest(auctionRequest()),
    );
    expect(outcome.bids).toEqual([]);
    expect(outcome.nonBids.map((n) => [n.code, n.reason.startsWith('refused-address')])).toEqual([
      [SEAT_NON_BID.REQUEST_BLOCKED_GENERAL, true],
      [SEAT_NON_BID.REQUEST_BLOCKED_GENERAL, true],
    ]);
    expect(partner.hits('/bid')).toBe(before);
    await guarded.close();
  });
});

describe('outside demand from settings', () => {
  it('reads the rates from the configured URL and converts with them', async () => {
    const demand = createOutsideDemand({ allowPrivateOutbound: true, settings: { ratesUrl: `${partner.url}/rates`, requestGzip: false } });
    try {
      for (let i = 0; i < 100 && demand.rates.dataAsOf !== '2026-11-27'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(demand.rates.dataAsOf).toBe('2026-11-27');
      const outcome = await demand.fanout.collect([partnerAt(`${partner.url}/eur`)], fanoutRequest(auctionRequest()));
      expect(outcome.bids.map((b) => b.priceMicros)).toEqual([3_000_000]); // 1.5 EUR at 0.5 EUR per USD
      expect(partner.received.at(-1)!.headers['content-encoding']).toBeUndefined();
    } finally {
      await demand.close();
    }
  });
});

describe('notices', () => {
  it('fires nurl/lurl with macros substituted, and each bid’s burl once however often it is asked', async () => {
    const client = createOutboundClient({ allowPrivate: true });
    const notifier = createNoticeNotifier({ client, concurrency: 2 });
    const facts = { auctionId: 'a1', bidId: 'b1', impId: 'i1', seatId: 's1', priceMicros: 1_250_000, currency: 'USD' };
    notifier.notify(substituteMacros(`${partner.url}/notice/win?p=\${AUCTION_PRICE}&c=\${AUCTION_CURRENCY}`, facts));
    notifier.notify(
      substituteMacros(`${partner.url}/notice/loss?l=\${AUCTION_LOSS}`, { ...facts, bidId: 'b2', lossCode: LOSS.LOST_TO_HIGHER_BID }),
    );
    const billing = substituteMacros(`${partner.url}/notice/bill?b=\${AUCTION_BID_ID}`, facts);
    expect(notifier.bill('b1', billing)).toBe(true);
    expect(notifier.bill('b1', billing)).toBe(false);
    await notifier.idle();
    expect(notifier.bill('b1', billing)).toBe(false);
    await notifier.idle();
    expect(partner.hits('/notice/win')).toBe(1);
    expect(partner.hits('/notice/loss')).toBe(1);
    expect(partner.hits('/notice/bill')).toBe(1);
    expect(notifier.stats()).toMatchObject({ sent: 3, failed: 0, duplicateBilling: 2 });
    client.close();
  });

  it('sends no notice to a private address when private outbound is not allowed', async () => {
    const client = createOutboundClient({ allowPrivate: false });
    const notifier = createNoticeNotifier({ client });
    const before = partner.hits('/notice/private');
    notifier.notify(`${partner.url}/notice/private`);
    await notifier.idle();
    expect(partner.hits('/notice/private')).toBe(before);
    expect(notifier.stats().failed).toBe(1);
    client.close();
  });
});
