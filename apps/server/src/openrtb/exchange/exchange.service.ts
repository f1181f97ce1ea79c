import { type DecisionResult, type DecisionSlot, decide, resolveFloor, type Selection } from '@adplatform/decision-core';
import type { Clock } from '@adplatform/domain';
import type { CounterStore, DeliveryEvent, EventLog } from '@adplatform/ports';
import type { OrganizationSnapshot } from '../../delivery/catalog/load-organization.js';
import { deliveryStateFor } from '../../delivery/decisions/decision-state.js';
import type { Delivery } from '../../delivery/delivery.js';
import type { NativeResponse } from '../../delivery/render/native-response.js';
import type { TrackingSigner } from '../../delivery/tracking/tracking-signer.js';
import type { CurrencyRates } from '../demand/currency-rates.js';
import type { DemandFanout, DemandPartnerTarget, FanoutOutcome, PartnerBid } from '../demand/demand-types.js';
import type { NoticeNotifier } from '../demand/notice-notifier.js';
import { scaleMicros } from '../demand/rational.js';
import { isObject, own } from '../model/json-checks.js';
import { normalizeRequest } from '../model/normalize-request.js';
import type { BidRequest, BidResponse } from '../model/openrtb-types.js';
import { type PriceGranularity, parsePriceGranularity } from '../model/price-granularity.js';
import { appendSchainNode } from '../supply-chain/schain.js';
import { auctionEvents } from './auction-events.js';
import { AuctionLog } from './auction-log.js';
import { buildBidResponse, mediaOfImp, type WinningBid } from './auction-response.js';
import { admOf, commitDirectWin } from './direct-win.js';
import { fitsNativeRequest, nativeAdmFor } from './native-adm.js';
import { fireLossNotices, type NoticeContext, winnerNotices } from './notices.js';
import { contextInputOf, type OpenRtbCaller, statedContext } from './openrtb-context.js';
import { cpmMicrosIn, dealFloorsOf, type ScreenedBids, screenOutsideBids } from './outside-bids.js';
import { ADPLATFORM_BIDDER, impSlotFit, type MatchedImp, matchPlacements } from './placement-match.js';

export interface ExchangeDeps {
  delivery: Pick<Delivery, 'catalog' | 'contexts' | 'allowances' | 'spend'>;
  counters: CounterStore;
  eventLog: EventLog;
  signer: TrackingSigner;
  clock: Clock;
  fanout: DemandFanout;
  /** The organization's active demand partners (from memory: no I/O on the auction path). */
  partnersOf(organizationId: string): readonly DemandPartnerTarget[];
  rates: CurrencyRates;
  /** Fires win and loss notices; without one, none are fired (the winner's burl still goes to the page). */
  notifier?: NoticeNotifier | undefined;
  /** The exchange currency: floors, line items and partner bids are compared in it. Default USD. */
  currency?: string;
  /** Our processing and network margin taken off `tmax` before the partners' deadline (Prebid Server's idea). Default 30 ms. */
  marginMs?: number;
  /** Used when a request sends no `tmax`. Default 1,000 ms. */
  defaultTmaxMs?: number;
  /** Our schain node's `asi` (ADPLATFORM_SELLER_DOMAIN); without it, the host of the caller's public origin. */
  sellerDomain?: string | undefined;
  random?: () => number;
  log?: { error(obj: unknown, msg: string): void } | undefined;
}

/** 204 when nothing bids (OpenRTB's no-bid answer, which Prebid.js reads as no bids), else the response. */
export type AuctionAnswer = { status: 204 } | { status: 200; body: BidResponse };

const NO_BID: AuctionAnswer = { status: 204 };
/** No partner was called (or none answered): nothing to screen, notify or log beyond our own. */
const NO_OUTSIDE: FanoutOutcome = { bids: [], nonBids: [] };
const NOTHING_SCREENED: ScreenedBids = { external: [], nonBids: [], partnerBids: new Map() };

/**
 * `POST /openrtb2/auction`: one auction per imp in the delivery engine's `decide()` — the publisher's
 * direct-sold tiers first, then price among price-priority line items and outside bids — with outside
 * demand collected by the fan-out before the deadline. The request is already validated.
 */
export class ExchangeService {
  private readonly currency: string;
  private readonly random: () => number;
  /** The auction log, appended in batches. */
  readonly auctionLog: AuctionLog;
  private lastOrigin: { origin: string; host: string } | undefined;

  constructor(private readonly deps: ExchangeDeps) {
    this.currency = deps.currency ?? 'USD';
    this.random = deps.random ?? Math.random;
    this.auctionLog = new AuctionLog(deps.eventLog, { log: deps.log });
  }

  async auction(validated: BidRequest, caller: OpenRtbCaller, receivedAtMs: number): Promise<AuctionAnswer> {
    const request = normalizeRequest(validated);
    const match = matchPlacements(this.deps.delivery.catalog, request);
    if (!match) return NO_BID;
    const responseCurrency = this.responseCurrency(request);
    if (!responseCurrency) return NO_BID;
    const { snapshot } = match;
    const nowMs = this.deps.clock.now().getTime();
    const floors = new Map<string, number>();
    for (const { imp, placement } of match.matched) {
      const floor = cpmMicrosIn(imp.bidfloor, imp.bidfloorcur, this.currency, this.deps.rates);
      // A floor in a currency we cannot convert cannot be honoured: the imp gets no bid.
      if (floor !== undefined) floors.set(imp.id, Math.max(floor, placement.floorMicros));
    }
    const sold = match.matched.filter((m) => floors.has(m.imp.id));
    const extracted = this.deps.delivery.contexts.extract(contextInputOf(request, caller));
    const { userKey } = extracted;
    const frequencyPromise = userKey === undefined ? undefined : this.deps.counters.frequencyOf(userKey, nowMs);
    const calling = this.collect(request, { organizationId: snapshot.organizationId, sold, receivedAtMs, caller });
    const outside = calling === NO_OUTSIDE ? NO_OUTSIDE : await calling;
    const frequency = frequencyPromise === undefined ? undefined : await frequencyPromise;
    const stated = statedContext(request);
    const first = sold[0]?.placement;
    const context = {
      ...extracted.context,
      ...stated,
      domain: stated.domain ?? extracted.context.domain ?? first?.domain,
      categories: stated.categories ?? first?.categories,
      segments: this.deps.delivery.contexts.segmentsFor(snapshot.organizationId, userKey),
    };
    const screened = outside.bids.length === 0 ? NOTHING_SCREENED : this.screen(outside.bids, { request, sold, floors, snapshot, context });
    // The imp's floor (the higher of the placement's and imp.bidfloor) is the slot's floor inside decide(), raised there by the
    // placement's floor rules per ad size: a candidate under it is passed over for the next one, and second price clears at no less.
    const slots: DecisionSlot[] = sold.map(({ imp, placement }) => ({
      slotId: imp.id,
      placementId: placement.id,
      count: 1,
      floorMicros: floors.get(imp.id),
      // Only what the imp asks for: its media, and a banner's sizes.
      ...impSlotFit(imp),
    }));
    const result = decide(
      snapshot.index,
      {
        nowMs,
        slots,
        context,
        userKey,
        externalBids: screened.external,
        // Our own line items and creatives answer to the request's blocklists too (their advertiser domains and IAB categories).
        blockedDomains: request.badv,
        blockedCategories: request.bcat,
      },
      deliveryStateFor(frequency, this.deps.delivery.spend, this.deps.delivery.allowances),
      { random: this.random, auction: request.at === 1 ? 'first' : 'second' },
    );
    const test = request.test === 1;
    const notices = { auctionId: request.id, currency: this.currency, rates: this.deps.rates };
    const wins = this.winners(sold, result, { nowMs, userKey, caller, snapshot, test, screened, notices });
    if (this.deps.notifier && !test && outside.bids.length > 0) {
      const input = { result, entered: screened.partnerBids, refused: screened.nonBids, partnerBids: outside.bids };
      fireLossNotices(input, notices, this.deps.notifier);
    }
    this.logAuction(
      auctionEvents({
        request,
        organizationId: snapshot.organizationId,
        sold,
        floors,
        index: snapshot.index,
        result,
        wins,
        nonBids: [...outside.nonBids, ...screened.nonBids],
        external: screened.external,
        nowMs,
        currency: this.currency,
        country: context.country,
        deviceType: context.deviceType,
      }),
    );
    if (wins.length === 0) return NO_BID;
    const converted = this.convertPrices(wins, responseCurrency);
    return {
      status: 200,
      body: buildBidResponse(converted, {
        requestId: request.id,
        currency: responseCurrency,
        seat: ADPLATFORM_BIDDER,
        granularity: targetingGranularity(request),
        ext:
          match.unmatched.length > 0
            ? {
                warnings: {
                  [ADPLATFORM_BIDDER]: match.unmatched.map((id) => ({
                    code: 10_001,
                    message: `imp ${id} names no placement of this publisher`,
                  })),
                },
              }
            : undefined,
      }),
    };
  }

  /**
   * The outside bids that may enter the auction. A bid meets the floor decide() holds it to: the imp's, raised by the
   * floor rule of the request's country and device type and the bid's size. Refused here, it is a non-bid "below floor"
   * rather than a silent loser.
   */
  private screen(
    bids: readonly PartnerBid[],
    at: {
      request: BidRequest;
      sold: readonly MatchedImp[];
      floors: ReadonlyMap<string, number>;
      snapshot: OrganizationSnapshot;
      context: { country?: string | undefined; deviceType?: string | undefined };
    },
  ): ScreenedBids {
    const { request, floors, snapshot, context } = at;
    const placementOfImp = new Map(at.sold.map((m) => [m.imp.id, m.placement.id]));
    const sizedFloor = (bid: PartnerBid): number =>
      resolveFloor(snapshot.index, {
        placementId: placementOfImp.get(bid.impId) ?? '',
        country: context.country,
        deviceType: context.deviceType,
        slotFloorMicros: floors.get(bid.impId),
        width: bid.w,
        height: bid.h,
      })?.floorMicros ??
      floors.get(bid.impId) ??
      0;
    return screenOutsideBids(bids, request, floors, dealFloorsOf(request.imp, this.currency, this.deps.rates), sizedFloor);
  }

  /** The first of the request's currencies we can price in (ours when it allows any). */
  private responseCurrency(request: BidRequest): string | undefined {
    const wanted = request.cur;
    if (!wanted || wanted.length === 0 || wanted.includes(this.currency)) return this.currency;
    return wanted.find((cur) => this.deps.rates.rate(this.currency, cur) !== undefined);
  }

  /** The outside demand's answer; `NO_OUTSIDE` itself (no promise to wait for) when no partner is called. */
  private collect(
    request: BidRequest,
    at: { organizationId: string; sold: readonly MatchedImp[]; receivedAtMs: number; caller: OpenRtbCaller },
  ): FanoutOutcome | Promise<FanoutOutcome> {
    const { organizationId, sold, receivedAtMs } = at;
    const partners = this.deps.partnersOf(organizationId);
    if (partners.length === 0 || sold.length === 0) return NO_OUTSIDE;
    const tmax = request.tmax && request.tmax > 0 ? request.tmax : (this.deps.defaultTmaxMs ?? 1_000);
    const deadlineMs = receivedAtMs + tmax - (this.deps.marginMs ?? 30);
    const soldIds = new Set(sold.map((m) => m.imp.id));
    // We resell the publisher's inventory: our node ends the chain (sid = the publisher id, as in sellers.json).
    // `2.6`: source.schain (the request is normalized); source.ext.schain too when the caller sent the 2.5 one.
    const node = { asi: this.sellerDomainFor(at.caller), sid: sold[0]!.placement.publisherId, hp: 1 as const, rid: request.id };
    const outbound = appendSchainNode({ ...request, imp: request.imp.filter((imp) => soldIds.has(imp.id)) }, node, { locations: '2.6' });
    const placementOfImp = new Map(sold.map((m) => [m.imp.id, m.placement.id]));
    return this.deps.fanout.collect(partners, { organizationId, request: outbound, placementOfImp, deadlineMs, currency: this.currency });
  }

  private sellerDomainFor(caller: OpenRtbCaller): string {
    if (this.deps.sellerDomain) return this.deps.sellerDomain;
    // The public origin is the same on nearly every request: parse it once, not per auction.
    if (this.lastOrigin?.origin !== caller.origin) this.lastOrigin = { origin: caller.origin, host: hostOf(caller.origin) };
    return this.lastOrigin.host;
  }

  private winners(
    sold: readonly MatchedImp[],
    result: DecisionResult,
    at: {
      nowMs: number;
      userKey: string | undefined;
      caller: OpenRtbCaller;
      snapshot: OrganizationSnapshot;
      test: boolean;
      screened: ScreenedBids;
      notices: NoticeContext;
    },
  ): WinningBid[] {
    const wins: WinningBid[] = [];
    for (const { imp, placement } of sold) {
      const selection: Selection | undefined = result.slots[imp.id]?.[0];
      if (!selection) continue;
      if (selection.external) {
        const bid = at.screened.partnerBids.get(selection.external.bidId)!;
        const notices = winnerNotices(bid, selection.priceMicros, at.notices);
        // The win notice is ours to fire (OpenRTB: the exchange notifies); the billing notice fires when the ad renders.
        if (notices.nurl && this.deps.notifier && !at.test) this.deps.notifier.notify(notices.nurl);
        wins.push({
          imp,
          bidId: bid.bidId,
          priceMicros: selection.priceMicros,
          media: mediaOfImp(imp),
          adm: notices.adm,
          adomain: bid.adomain,
          // The partner's categories go on, so the caller can run its own bcat checks as with our bids.
          cat: bid.cat,
          cattax: bid.cattax,
          crid: bid.crid,
          dealId: bid.dealId,
          w: bid.w,
          h: bid.h,
          burl: notices.burl,
          source: bid.partnerId,
          seat: bid.seat,
        });
        continue;
      }
      // A native creative on a native imp must fill the assets its Native request requires, else it does not bid.
      const native = imp.native && selection.creative.format === 'native' ? imp.native : undefined;
      if (native && !fitsNativeRequest(native.request, at.snapshot.creatives.get(selection.creative.id))) continue;
      const ad = commitDirectWin(
        selection,
        { snapshot: at.snapshot, placement, userKey: at.userKey, nowMs: at.nowMs, origin: at.caller.origin, test: at.test },
        { allowances: this.deps.delivery.allowances, counters: this.deps.counters, signer: this.deps.signer, log: this.deps.log },
      );
      if (!ad) continue;
      wins.push({
        imp,
        bidId: ad.decisionId,
        priceMicros: selection.priceMicros,
        media: ad.format === 'video' ? 'video' : ad.format === 'native' ? 'native' : 'banner',
        // `ad.native` is renderNative's NativeResponse (the answer schema types it as unknown).
        adm: native && ad.native ? (nativeAdmFor(native.request, ad.native as NativeResponse) ?? admOf(ad)) : admOf(ad),
        // OpenRTB: the buyer's domains for the caller's own blocking checks, and the creative's categories (`cat`, below).
        adomain: selection.lineItem.advertiserDomains,
        cat: selection.creative.categories,
        crid: ad.creativeId,
        cid: ad.campaignId,
        w: ad.width ?? undefined,
        h: ad.height ?? undefined,
        source: 'direct',
        seat: ADPLATFORM_BIDDER,
      });
    }
    return wins;
  }

  private convertPrices(wins: WinningBid[], currency: string): WinningBid[] {
    if (currency === this.currency) return wins;
    const rate = this.deps.rates.rate(this.currency, currency)!;
    return wins.map((win) => ({ ...win, priceMicros: Number(scaleMicros(BigInt(win.priceMicros), rate)) }));
  }

  private logAuction(events: DeliveryEvent[]): void {
    this.auctionLog.add(events);
  }
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}

function targetingGranularity(request: BidRequest): PriceGranularity | undefined {
  const prebid = isObject(request.ext) ? own(request.ext, 'prebid') : undefined;
  const targeting = isObject(prebid) ? own(prebid, 'targeting') : undefined;
  if (!isObject(targeting)) return undefined;
  const parsed = parsePriceGranularity(own(targeting, 'pricegranularity'), 'request.ext.prebid.targeting.pricegranularity');
  return typeof parsed === 'string' ? undefined : parsed;
}
