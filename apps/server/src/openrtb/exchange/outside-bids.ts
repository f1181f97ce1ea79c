import { categoryKeys, type ExternalBid } from '@adplatform/decision-core';
import type { CurrencyRates } from '../demand/currency-rates.js';
import type { NonBid, PartnerBid } from '../demand/demand-types.js';
import { rationalOfNumber, scaleMicros, unitsToMicros } from '../demand/rational.js';
import { LOSS, SEAT_NON_BID } from '../demand/reason-codes.js';
import type { BidRequest, Imp } from '../model/openrtb-types.js';

/** Prebid Server's seatnonbid status codes for the bids the exchange itself refuses. */
export const NON_BID = {
  belowFloor: { code: SEAT_NON_BID.RESPONSE_REJECTED_BELOW_FLOOR, reason: 'below floor', lossCode: LOSS.BELOW_AUCTION_FLOOR },
  blockedAdvertiser: {
    code: SEAT_NON_BID.RESPONSE_REJECTED_ADVERTISER_BLOCKING,
    reason: 'blocked advertiser domain (badv)',
    lossCode: LOSS.CREATIVE_FILTERED_ADVERTISER_EXCLUSIONS,
  },
  blockedCategory: {
    code: SEAT_NON_BID.RESPONSE_REJECTED_CATEGORY_EXCLUSIONS,
    reason: 'blocked content category (bcat)',
    lossCode: LOSS.CREATIVE_FILTERED_CATEGORY_EXCLUSIONS,
  },
  blockedApp: {
    code: SEAT_NON_BID.RESPONSE_REJECTED_INVALID_CREATIVE,
    reason: 'blocked app bundle (bapp)',
    lossCode: LOSS.CREATIVE_FILTERED_APP_STORE_ID_EXCLUSIONS,
  },
  belowDealFloor: { code: SEAT_NON_BID.RESPONSE_REJECTED_BELOW_DEAL_FLOOR, reason: 'below deal floor', lossCode: LOSS.BELOW_DEAL_FLOOR },
  blockedSeat: {
    code: SEAT_NON_BID.RESPONSE_REJECTED_GENERAL,
    reason: 'buyer seat not allowed (wseat/bseat)',
    lossCode: LOSS.BUYER_SEAT_BLOCKED,
  },
  dealSeat: {
    code: SEAT_NON_BID.RESPONSE_REJECTED_GENERAL,
    reason: 'buyer seat not allowed for the deal (deal.wseat)',
    lossCode: LOSS.BUYER_SEAT_BLOCKED,
  },
  unknownImp: { code: SEAT_NON_BID.RESPONSE_REJECTED_GENERAL, reason: 'no such imp', lossCode: LOSS.INVALID_BID_RESPONSE },
} as const;

/** A CPM in a currency (`bidfloor` + `bidfloorcur`) as micros of the exchange currency; undefined when no rate relates them. */
export function cpmMicrosIn(cpm: number | undefined, from: string | undefined, to: string, rates: CurrencyRates): number | undefined {
  if (cpm === undefined || cpm === 0) return 0;
  const units = rationalOfNumber(cpm);
  const rate = rates.rate(from ?? 'USD', to);
  if (!units || !rate) return undefined;
  return Number(scaleMicros(unitsToMicros(units), rate));
}

/** OpenRTB 2.6's default `cattax` (of a request's `bcat` and of a bid's `cat`): IAB Content Category 1.0. */
export const IAB_CONTENT_CATEGORY_1_0 = 1;

/** A request's `bcat` in its taxonomy (`cattax`). */
export interface CategoryBlocklist {
  readonly taxonomy: number;
  readonly categories: ReadonlySet<string>;
}

/** The request's `bcat` with its `cattax` (default 1; a value that is not an integer counts as absent); undefined when it blocks none. */
export function categoryBlocklistOf(request: BidRequest): CategoryBlocklist | undefined {
  if (request.bcat === undefined || request.bcat.length === 0) return undefined;
  const { cattax } = request;
  const taxonomy = typeof cattax === 'number' && Number.isSafeInteger(cattax) ? cattax : IAB_CONTENT_CATEGORY_1_0;
  return { taxonomy, categories: new Set(request.bcat) };
}

/**
 * True when one of the bid's categories is blocked. Categories are compared only within one taxonomy (the
 * bid's `cattax`, default 1, against the request's): a bid in another taxonomy, or without `cat`, is not
 * screened by `bcat`. In IAB 1.0 a blocked parent (`IAB8`) also blocks its subcategories (`IAB8-5`), the rule
 * decision-core applies to our own creatives (`categoryKeys`). Ids are compared exactly, as there.
 */
export function isCategoryBlocked(bid: Pick<PartnerBid, 'cat' | 'cattax'>, blocklist: CategoryBlocklist): boolean {
  if (bid.cat === undefined || (bid.cattax ?? IAB_CONTENT_CATEGORY_1_0) !== blocklist.taxonomy) return false;
  const { categories } = blocklist;
  if (blocklist.taxonomy !== IAB_CONTENT_CATEGORY_1_0) return bid.cat.some((category) => categories.has(category));
  return bid.cat.some((category) => categoryKeys(category).some((key) => categories.has(key)));
}

/** The request's `bapp` in lower case, for `isBundleBlocked`. */
export function bundleBlocklistOf(request: BidRequest): ReadonlySet<string> {
  return new Set((request.bapp ?? []).map((bundle) => bundle.toLowerCase()));
}

/**
 * True when the app the bid promotes (`bundle`) is in the request's `bapp`. Compared case-insensitively (a
 * block list errs on the side of blocking: `com.Example.game` and `com.example.game` are one app to a publisher).
 */
export function isBundleBlocked(bundle: string | undefined, blocked: ReadonlySet<string>): boolean {
  return bundle !== undefined && blocked.size > 0 && blocked.has(bundle.toLowerCase());
}

export interface ScreenedBids {
  readonly external: ExternalBid[];
  readonly nonBids: NonBid[];
  /** The partner's bid behind each external bid id (notices, original price). */
  readonly partnerBids: ReadonlyMap<string, PartnerBid>;
}

/**
 * The outside bids that may enter the auction: for an imp we sell, from a buyer seat the request allows
 * (in `wseat` when it is not empty, not in `bseat`; a deal bid's seat also in its deal's `wseat`), from an
 * advertiser the request does not block (`badv`), with no content category it blocks (`bcat`, see
 * `isCategoryBlocked`), not promoting an app it blocks (`bapp`), at or above the imp's floor (or the deal's
 * floor for a deal bid). The others become non-bids. Floors are CPM micros of the exchange currency, per imp id;
 * `sizedFloor`, when given, is a bid's own floor (the imp's raised by a floor rule for its size, country and
 * device), which a bid must also meet. Seats are compared exactly (they are the buyer's ids).
 */
export function screenOutsideBids(
  bids: readonly PartnerBid[],
  request: BidRequest,
  floors: ReadonlyMap<string, number>,
  dealFloors: ReadonlyMap<string, number>,
  sizedFloor?: (bid: PartnerBid) => number,
): ScreenedBids {
  const blocked = new Set((request.badv ?? []).map((d) => d.toLowerCase()));
  const blockedCategories = categoryBlocklistOf(request);
  const blockedBundles = bundleBlocklistOf(request);
  const allowedSeats = request.wseat && request.wseat.length > 0 ? new Set(request.wseat) : undefined;
  const blockedSeats = new Set(request.bseat ?? []);
  const dealSeats = dealSeatsOf(request.imp);
  const seatAllowed = (seat: string) => (allowedSeats === undefined || allowedSeats.has(seat)) && !blockedSeats.has(seat);
  const external: ExternalBid[] = [];
  const nonBids: NonBid[] = [];
  const partnerBids = new Map<string, PartnerBid>();
  const refuse = (bid: PartnerBid, why: { code: number; reason: string; lossCode: number }) =>
    nonBids.push({
      partnerId: bid.partnerId,
      impId: bid.impId,
      code: why.code,
      reason: why.reason,
      bidId: bid.bidId,
      lossCode: why.lossCode,
    });
  for (const bid of bids) {
    const floor = floors.get(bid.impId);
    const dealKey = bid.dealId === undefined ? undefined : `${bid.impId}\u0000${bid.dealId}`;
    if (floor === undefined) refuse(bid, NON_BID.unknownImp);
    else if (!seatAllowed(bid.seat)) refuse(bid, NON_BID.blockedSeat);
    else if (dealKey !== undefined && dealSeats.get(dealKey)?.has(bid.seat) === false) refuse(bid, NON_BID.dealSeat);
    else if (bid.adomain?.some((d) => blocked.has(d.toLowerCase()))) refuse(bid, NON_BID.blockedAdvertiser);
    else if (blockedCategories !== undefined && isCategoryBlocked(bid, blockedCategories)) refuse(bid, NON_BID.blockedCategory);
    else if (isBundleBlocked(bid.bundle, blockedBundles)) refuse(bid, NON_BID.blockedApp);
    else if (dealKey !== undefined && bid.priceMicros < (dealFloors.get(dealKey) ?? 0)) {
      refuse(bid, NON_BID.belowDealFloor);
    } else if (bid.priceMicros < floor || (sizedFloor !== undefined && bid.priceMicros < sizedFloor(bid))) refuse(bid, NON_BID.belowFloor);
    else {
      const id = `${bid.partnerId}:${bid.bidId}`;
      partnerBids.set(id, bid);
      external.push({
        slotId: bid.impId,
        bidId: id,
        seat: bid.seat,
        priceMicros: bid.priceMicros,
        dealId: bid.dealId,
        advertiserDomain: bid.adomain?.[0],
        adMarkup: bid.adm,
        width: bid.w,
        height: bid.h,
        creativeId: bid.crid,
        winUrl: bid.nurl,
        billingUrl: bid.burl,
      });
    }
  }
  return { external, nonBids, partnerBids };
}

/** Deal floors by `impId\0dealId`, converted to the exchange currency (a deal in an unknown currency keeps floor 0 off: refused). */
export function dealFloorsOf(imps: readonly Imp[], currency: string, rates: CurrencyRates): Map<string, number> {
  const floors = new Map<string, number>();
  for (const imp of imps) {
    for (const deal of imp.pmp?.deals ?? []) {
      const floor = cpmMicrosIn(deal.bidfloor, deal.bidfloorcur ?? imp.bidfloorcur, currency, rates);
      floors.set(`${imp.id}\u0000${deal.id}`, floor ?? Number.MAX_SAFE_INTEGER);
    }
  }
  return floors;
}

/** The buyer seats each deal allows, by `impId\0dealId`; a deal without `wseat` (or an empty one) allows any seat. */
function dealSeatsOf(imps: readonly Imp[]): Map<string, ReadonlySet<string>> {
  const seats = new Map<string, ReadonlySet<string>>();
  for (const imp of imps) {
    for (const deal of imp.pmp?.deals ?? []) {
      if (deal.wseat && deal.wseat.length > 0) seats.set(`${imp.id}\u0000${deal.id}`, new Set(deal.wseat));
    }
  }
  return seats;
}
