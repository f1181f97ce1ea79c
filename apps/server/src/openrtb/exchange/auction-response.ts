import { type Bid, type BidResponse, type Imp, MARKUP_TYPE } from '../model/openrtb-types.js';
import { formatMicros, type PriceGranularity, priceBucket } from '../model/price-granularity.js';

export type MediaType = keyof typeof MARKUP_TYPE;

/** One imp's winning bid, before it is written as OpenRTB. */
export interface WinningBid {
  readonly imp: Imp;
  readonly bidId: string;
  /** What the winner pays, CPM micros of the response currency. */
  readonly priceMicros: number;
  readonly media: MediaType;
  readonly adm?: string | undefined;
  readonly adomain?: readonly string[] | undefined;
  /** The creative's content categories: our direct bids' IAB 1.0 ones, or a partner's as it sent them. */
  readonly cat?: readonly string[] | undefined;
  /** The taxonomy of `cat` when a partner named one other than the default (1). */
  readonly cattax?: number | undefined;
  readonly crid?: string | undefined;
  readonly cid?: string | undefined;
  readonly dealId?: string | undefined;
  readonly w?: number | undefined;
  readonly h?: number | undefined;
  readonly nurl?: string | undefined;
  readonly burl?: string | undefined;
  readonly lurl?: string | undefined;
  /** `direct` for our line items, else the demand partner's id. */
  readonly source: string;
  readonly seat: string;
}

export interface ResponseOptions {
  readonly requestId: string;
  readonly currency: string;
  readonly seat: string;
  /** When the request asked for Prebid targeting keys. */
  readonly granularity?: PriceGranularity | undefined;
  readonly ext?: Record<string, unknown> | undefined;
}

/** The media type a partner's bid fills: the imp's only one, else banner, video, native, audio in that order. */
export function mediaOfImp(imp: Imp): MediaType {
  if (imp.banner) return 'banner';
  if (imp.video) return 'video';
  if (imp.native) return 'native';
  return 'audio';
}

/** A CPM in micros as OpenRTB's float price (exact for any micros value below 2^53). */
export const priceOf = (micros: number): number => Number(formatMicros(micros, 6));

/** Prebid's per-bidder targeting key names, made once per seat rather than per bid. */
const bidderKeys = new Map<string, { pb: string; bidder: string; size: string }>();
function bidderKeysOf(seat: string): { pb: string; bidder: string; size: string } {
  let keys = bidderKeys.get(seat);
  if (keys === undefined) {
    keys = { pb: `hb_pb_${seat}`, bidder: `hb_bidder_${seat}`, size: `hb_size_${seat}` };
    if (bidderKeys.size < 64) bidderKeys.set(seat, keys);
  }
  return keys;
}

function targetingOf(win: WinningBid, options: ResponseOptions, granularity: PriceGranularity): Record<string, string> {
  const pb = priceBucket(win.priceMicros, granularity);
  const bidder = options.seat;
  const names = bidderKeysOf(bidder);
  const keys: Record<string, string> = { hb_pb: pb, hb_bidder: bidder };
  keys[names.pb] = pb;
  keys[names.bidder] = bidder;
  if (win.w && win.h) {
    const size = `${win.w}x${win.h}`;
    keys.hb_size = size;
    keys[names.size] = size;
  }
  if (win.dealId) keys.hb_deal = win.dealId;
  return keys;
}

/** The OpenRTB response: one seat (ours, as Prebid.js knows the bidder), one bid per imp that has a winner. */
export function buildBidResponse(wins: readonly WinningBid[], options: ResponseOptions): BidResponse {
  const bids: Bid[] = wins.map((win) => {
    const bid: Bid = { id: win.bidId, impid: win.imp.id, price: priceOf(win.priceMicros), mtype: MARKUP_TYPE[win.media] };
    if (win.adm !== undefined) bid.adm = win.adm;
    if (win.nurl) bid.nurl = win.nurl;
    if (win.burl) bid.burl = win.burl;
    if (win.lurl) bid.lurl = win.lurl;
    if (win.adomain && win.adomain.length > 0) bid.adomain = [...win.adomain];
    if (win.crid) bid.crid = win.crid;
    if (win.cid) bid.cid = win.cid;
    if (win.dealId) bid.dealid = win.dealId;
    if (win.w) bid.w = win.w;
    if (win.h) bid.h = win.h;
    const prebid: Record<string, unknown> = { type: win.media, meta: { demandSource: win.source, networkName: win.seat } };
    if (options.granularity) prebid.targeting = targetingOf(win, options, options.granularity);
    bid.ext = { prebid };
    if (win.cat && win.cat.length > 0) {
      bid.cat = [...win.cat];
      if (win.cattax !== undefined && win.cattax !== 1) bid.cattax = win.cattax;
    }
    return bid;
  });
  const response: BidResponse = {
    id: options.requestId,
    cur: options.currency,
    seatbid: bids.length > 0 ? [{ seat: options.seat, bid: bids }] : [],
  };
  if (options.ext) response.ext = options.ext;
  return response;
}
