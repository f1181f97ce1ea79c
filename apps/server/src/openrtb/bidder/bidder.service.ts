import { type DecisionSlot, type DirectSelection, decide } from '@adplatform/decision-core';
import type { Clock } from '@adplatform/domain';
import type { CounterStore } from '@adplatform/ports';
import type { OrganizationSnapshot } from '../../delivery/catalog/load-organization.js';
import { deliveryStateFor } from '../../delivery/decisions/decision-state.js';
import type { Ad } from '../../delivery/decisions/decisions.schemas.js';
import type { Delivery } from '../../delivery/delivery.js';
import type { NativeResponse } from '../../delivery/render/native-response.js';
import type { TrackingSigner } from '../../delivery/tracking/tracking-signer.js';
import type { CurrencyRates } from '../demand/currency-rates.js';
import { priceOf } from '../exchange/auction-response.js';
import { admOf, commitDirectWin } from '../exchange/direct-win.js';
import { fitsNativeRequest, nativeAdmFor } from '../exchange/native-adm.js';
import { contextInputOf, type OpenRtbCaller, statedContext } from '../exchange/openrtb-context.js';
import { cpmMicrosIn } from '../exchange/outside-bids.js';
import { impSizes, impSlotFit } from '../exchange/placement-match.js';
import { normalizeRequest } from '../model/normalize-request.js';
import { type Bid, type BidRequest, type BidResponse, type Imp, MARKUP_TYPE, NO_BID_REASON } from '../model/openrtb-types.js';

export interface BidderDeps {
  delivery: Pick<Delivery, 'catalog' | 'contexts' | 'allowances' | 'spend'>;
  counters: CounterStore;
  signer: TrackingSigner;
  clock: Clock;
  rates: CurrencyRates;
  currency?: string;
  /** Time kept back from `tmax` for the network on the way back. Default 20 ms. */
  marginMs?: number;
  random?: () => number;
  log?: { error(obj: unknown, msg: string): void } | undefined;
}

export interface BidCall {
  /** The placement standing for the calling exchange's inventory (`?placement=`). */
  placementId: string | undefined;
  caller: OpenRtbCaller;
  receivedAtMs: number;
}

export type BidderAnswer = { status: 204; nbr?: number } | { status: 200; body: BidResponse };

/**
 * `POST /openrtb2/bid`: our campaigns bid on another exchange's impressions. The exchange's inventory is
 * one of our placements (named in the URL): line items that target it compete in `decide()` with the
 * request's device, geo, site/app and user as context, pacing, caps and budgets as for our own pages.
 * We bid each winner's eCPM (CPC and CPA converted with the predicted rates), never under the imp's floor.
 */
export class BidderService {
  private readonly currency: string;

  constructor(private readonly deps: BidderDeps) {
    this.currency = deps.currency ?? 'USD';
  }

  async bid(validated: BidRequest, call: BidCall): Promise<BidderAnswer> {
    const snapshot = call.placementId === undefined ? undefined : this.deps.delivery.catalog.forPlacement(call.placementId);
    const placement = snapshot?.placements.get(call.placementId ?? '');
    if (!snapshot || !placement) return { status: 204, nbr: NO_BID_REASON.blockedPublisher };
    const request = normalizeRequest(validated);
    if (request.cur && request.cur.length > 0 && !request.cur.includes(this.currency))
      return { status: 204, nbr: NO_BID_REASON.unknownError };
    const deadlineMs = call.receivedAtMs + (request.tmax && request.tmax > 0 ? request.tmax : 1_000) - (this.deps.marginMs ?? 20);
    const nowMs = this.deps.clock.now().getTime();
    // The caller is the exchange's server, not the user: its address and agent say nothing about the impression.
    const extracted = this.deps.delivery.contexts.extract(contextInputOf(request, { ...call.caller, ip: '', userAgent: '' }));
    if (request.device?.ua !== undefined && extracted.isBot) return { status: 204, nbr: NO_BID_REASON.suspectedNonHumanTraffic };
    const { userKey } = extracted;
    const frequency = userKey === undefined ? undefined : await this.deps.counters.frequencyOf(userKey, nowMs);
    // Creatives that fit the imp as well as the placement: its media, and a banner's sizes.
    const slots: DecisionSlot[] = request.imp.map((imp) => ({ slotId: imp.id, placementId: placement.id, count: 1, ...impSlotFit(imp) }));
    const stated = statedContext(request);
    const result = decide(
      snapshot.index,
      {
        nowMs,
        slots,
        context: {
          ...extracted.context,
          ...stated,
          segments: this.deps.delivery.contexts.segmentsFor(snapshot.organizationId, userKey),
        },
        userKey,
        // The calling exchange's blocklists hold for our campaigns: advertiser domains (badv) and creative categories (bcat).
        blockedDomains: request.badv,
        blockedCategories: request.bcat,
      },
      deliveryStateFor(frequency, this.deps.delivery.spend, this.deps.delivery.allowances),
      { random: this.deps.random ?? Math.random, auction: 'first' },
    );
    // Answer in time or not at all: a bid the exchange would drop as late is not worth its allowance.
    if (Date.now() > deadlineMs) return { status: 204, nbr: NO_BID_REASON.insufficientTime };
    const bids: Bid[] = [];
    for (const imp of request.imp) {
      const selection = result.slots[imp.id]?.[0];
      if (!selection?.lineItem) continue;
      const bid = this.bidFor(imp, selection, { snapshot, placementId: placement.id, userKey, nowMs, call, test: request.test === 1 });
      if (bid) bids.push(bid);
    }
    if (bids.length === 0) return { status: 204 };
    return { status: 200, body: { id: request.id, cur: this.currency, seatbid: [{ seat: snapshot.organizationId, bid: bids }] } };
  }

  private bidFor(
    imp: Imp,
    selection: DirectSelection,
    at: { snapshot: OrganizationSnapshot; placementId: string; userKey: string | undefined; nowMs: number; call: BidCall; test: boolean },
  ): Bid | undefined {
    const floor = cpmMicrosIn(imp.bidfloor, imp.bidfloorcur, this.currency, this.deps.rates);
    if (floor === undefined || selection.ecpmMicros < floor) return undefined;
    if (!fitsImp(imp, selection)) return undefined;
    // A native creative must fill every asset the imp's Native request requires.
    const native = selection.creative.format === 'native' ? imp.native : undefined;
    if (native && !fitsNativeRequest(native.request, at.snapshot.creatives.get(selection.creative.id))) return undefined;
    const placement = at.snapshot.placements.get(at.placementId)!;
    const ad = commitDirectWin(
      selection,
      { snapshot: at.snapshot, placement, userKey: at.userKey, nowMs: at.nowMs, origin: at.call.caller.origin, test: at.test },
      { allowances: this.deps.delivery.allowances, counters: this.deps.counters, signer: this.deps.signer, log: this.deps.log },
    );
    if (!ad) return undefined;
    const video = ad.format === 'video';
    const bid: Bid = {
      id: ad.decisionId,
      impid: imp.id,
      price: priceOf(selection.ecpmMicros),
      adm: video ? admOf(ad) : native && ad.native ? (nativeAdmOfBid(native.request, ad) ?? ad.html) : ad.html,
      // The billing notice counts the impression (our VAST counts its own for video), at the exchange's clearing price.
      ...(video ? {} : { burl: `${ad.impressionUrl}&r=204&cp=\${AUCTION_PRICE}` }),
      crid: ad.creativeId,
      cid: ad.campaignId,
      adid: ad.lineItemId,
      mtype: video ? MARKUP_TYPE.video : ad.format === 'native' ? MARKUP_TYPE.native : MARKUP_TYPE.banner,
    };
    if (ad.width) bid.w = ad.width;
    if (ad.height) bid.h = ad.height;
    // OpenRTB: adomain for the exchange's blocking checks, cat (the creative's IAB categories) likewise.
    const domains = selection.lineItem.advertiserDomains;
    if (domains && domains.length > 0) bid.adomain = [...domains];
    const categories = selection.creative.categories;
    if (categories && categories.length > 0) bid.cat = [...categories];
    return bid;
  }
}

/** The creative's format is one the imp asks for, and a banner creative's size is one of the imp's sizes. */
function fitsImp(imp: Imp, selection: DirectSelection): boolean {
  const { creative } = selection;
  if (creative.format === 'video') return imp.video !== undefined;
  if (creative.format === 'native') return imp.native !== undefined;
  if (!imp.banner) return false;
  const sizes = impSizes(imp);
  return sizes.length === 0 || sizes.some((s) => s.w === creative.width && s.h === creative.height);
}

/**
 * The native `adm` of a bid to another exchange: our Native response for its request, without our own impression
 * URL among the trackers — the billing notice (`burl`, with the clearing price) is what counts the impression.
 */
function nativeAdmOfBid(request: string, ad: Ad): string | undefined {
  const ours = ad.native as NativeResponse;
  const notOurs = (url: string) => url !== ad.impressionUrl;
  return nativeAdmFor(request, {
    ...ours,
    eventtrackers: ours.eventtrackers.filter((t) => notOurs(t.url)),
    ...(ours.imptrackers ? { imptrackers: ours.imptrackers.filter(notOurs) } : {}),
  });
}
