import type { CurrencyRates } from './currency-rates.js';
import type { NonBid, PartnerBid } from './demand-types.js';
import { multiply, type Rational, rationalOfNumber, scaleMicros, unitsToMicros } from './rational.js';
import { LOSS, SEAT_NON_BID } from './reason-codes.js';

/**
 * Reads one partner's answer into bids and non-bids. Never throws: whatever a
 * partner sends, each offered bid either passes every check (id, known impid,
 * a positive finite price, markup or nurl, crid, well-typed blocklist fields,
 * a convertible currency) and is converted, or becomes a non-bid naming what was wrong.
 */
export interface ReadBidsInput {
  partnerId: string;
  requestId: string;
  offeredImpIds: ReadonlySet<string>;
  /** The exchange currency. */
  currency: string;
  rates: CurrencyRates;
  /** The partner's bid adjustment as an exact fraction. */
  adjustment: Rational;
}

export interface ReadBidsResult {
  bids: PartnerBid[];
  nonBids: NonBid[];
  /** False when the answer as a whole was unusable (counts against the partner's breaker). */
  healthy: boolean;
}

const CURRENCY = /^[A-Z]{3}$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function readBidResponse(body: Buffer, input: ReadBidsInput): ReadBidsResult {
  const partner = (code: number, reason: string, lossCode?: number): ReadBidsResult => ({
    bids: [],
    nonBids: [{ partnerId: input.partnerId, code, reason, ...(lossCode === undefined ? {} : { lossCode }) }],
    healthy: code === SEAT_NON_BID.NO_BID,
  });
  if (body.length === 0) return partner(SEAT_NON_BID.NO_BID, 'empty response');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return partner(SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, 'response is not JSON', LOSS.INVALID_BID_RESPONSE);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return partner(SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, 'response is not a JSON object', LOSS.INVALID_BID_RESPONSE);
  }
  const response = json as Record<string, unknown>;
  if (response.id !== input.requestId) {
    return partner(SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, 'response id does not match the request id', LOSS.INVALID_AUCTION_ID);
  }
  const seatbids = response.seatbid;
  if (seatbids === undefined || (Array.isArray(seatbids) && seatbids.length === 0)) {
    const nbr = typeof response.nbr === 'number' ? ` (nbr ${response.nbr})` : '';
    return partner(SEAT_NON_BID.NO_BID, `no bid${nbr}`);
  }
  if (!Array.isArray(seatbids))
    return partner(SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, 'seatbid is not an array', LOSS.INVALID_BID_RESPONSE);
  const currency = response.cur === undefined ? 'USD' : response.cur;
  const result: ReadBidsResult = { bids: [], nonBids: [], healthy: true };
  const rate = typeof currency === 'string' && CURRENCY.test(currency) ? input.rates.rate(currency, input.currency) : undefined;
  const seen = new Set<string>();
  for (const seatbid of seatbids) {
    const seat = typeof seatbid?.seat === 'string' && seatbid.seat !== '' ? seatbid.seat : input.partnerId;
    const bids: unknown = seatbid?.bid;
    if (!Array.isArray(bids)) {
      result.nonBids.push(nonBid(input, SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, 'seatbid.bid is not an array', LOSS.INVALID_BID_RESPONSE));
      continue;
    }
    for (const bid of bids) {
      const checked = checkBid(bid, input, seen);
      if ('code' in checked) {
        result.nonBids.push(checked);
        continue;
      }
      if (!rate) {
        result.nonBids.push({
          ...nonBid(input, SEAT_NON_BID.RESPONSE_REJECTED_GENERAL, `currency ${String(currency)} cannot be converted to ${input.currency}`),
          impId: checked.impId,
          bidId: checked.bidId,
        });
        continue;
      }
      const converted = scaleMicros(checked.originalMicros, multiply(rate, input.adjustment));
      if (converted <= 0n || converted > MAX_SAFE) {
        result.nonBids.push({
          ...nonBid(input, SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, 'price is out of range after conversion', LOSS.MISSING_BID_PRICE),
          impId: checked.impId,
          bidId: checked.bidId,
        });
        continue;
      }
      result.bids.push(toPartnerBid(checked, { seat, currency: currency as string, priceMicros: Number(converted), response, input }));
    }
  }
  return result;
}

interface CheckedBid {
  raw: Record<string, unknown>;
  bidId: string;
  impId: string;
  originalMicros: bigint;
}

function checkBid(bid: unknown, input: ReadBidsInput, seen: Set<string>): CheckedBid | NonBid {
  const invalid = (reason: string, lossCode: number, extra: { impId?: string; bidId?: string } = {}): NonBid => ({
    ...nonBid(input, SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE, reason, lossCode),
    ...extra,
  });
  if (typeof bid !== 'object' || bid === null || Array.isArray(bid)) return invalid('bid is not an object', LOSS.INVALID_BID_RESPONSE);
  const raw = bid as Record<string, unknown>;
  if (typeof raw.id !== 'string' || raw.id === '') return invalid('bid.id is missing', LOSS.INVALID_BID_RESPONSE);
  const bidId = raw.id;
  if (typeof raw.impid !== 'string' || !input.offeredImpIds.has(raw.impid)) {
    return invalid('bid.impid is not an impression of the request', LOSS.INVALID_BID_RESPONSE, { bidId });
  }
  const ids = { impId: raw.impid, bidId };
  if (seen.has(bidId)) return { ...nonBid(input, SEAT_NON_BID.RESPONSE_REJECTED_DUPLICATE, 'bid.id repeats an earlier bid'), ...ids };
  seen.add(bidId);
  const price = rationalOfNumber(raw.price);
  if (!price || price.num <= 0n) return invalid('bid.price must be a positive finite number', LOSS.MISSING_BID_PRICE, ids);
  const originalMicros = unitsToMicros(price);
  if (originalMicros <= 0n || originalMicros > MAX_SAFE) return invalid('bid.price is out of range', LOSS.MISSING_BID_PRICE, ids);
  if (!isText(raw.adm) && !isText(raw.nurl)) return invalid('bid has neither adm nor nurl', LOSS.MISSING_MARKUP, ids);
  if (!isText(raw.crid)) return invalid('bid.crid is missing', LOSS.MISSING_CREATIVE_ID, ids);
  const problem = blocklistFieldProblem(raw);
  if (problem) return invalid(problem.reason, problem.lossCode, ids);
  return { raw, ...ids, originalMicros };
}

/**
 * The fields the request's blocklists are checked against (`adomain` for badv, `cat`/`cattax` for bcat,
 * `bundle` for bapp). One of the wrong JSON type makes the bid invalid rather than ignored: ignored, it
 * would let a bid the publisher blocks through unchecked.
 */
function blocklistFieldProblem(raw: Record<string, unknown>): { reason: string; lossCode: number } | undefined {
  if (raw.adomain !== undefined && !isStringArray(raw.adomain)) {
    return { reason: 'bid.adomain must be an array of strings', lossCode: LOSS.INVALID_ADVERTISER_DOMAIN };
  }
  if (raw.cat !== undefined && !isStringArray(raw.cat))
    return { reason: 'bid.cat must be an array of strings', lossCode: LOSS.INVALID_BID_RESPONSE };
  const cattax = raw.cattax;
  if (cattax !== undefined && !(typeof cattax === 'number' && Number.isSafeInteger(cattax) && cattax >= 0)) {
    return { reason: 'bid.cattax must be a non-negative integer', lossCode: LOSS.INVALID_BID_RESPONSE };
  }
  if (raw.bundle !== undefined && typeof raw.bundle !== 'string')
    return { reason: 'bid.bundle must be a string', lossCode: LOSS.INVALID_BID_RESPONSE };
  return undefined;
}

function toPartnerBid(
  checked: CheckedBid,
  ctx: { seat: string; currency: string; priceMicros: number; response: Record<string, unknown>; input: ReadBidsInput },
): PartnerBid {
  const { raw } = checked;
  const text = (value: unknown) => (isText(value) ? value : undefined);
  const int = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);
  return {
    partnerId: ctx.input.partnerId,
    seat: ctx.seat,
    impId: checked.impId,
    bidId: checked.bidId,
    priceMicros: ctx.priceMicros,
    originalPriceMicros: Number(checked.originalMicros),
    originalCurrency: ctx.currency,
    adm: text(raw.adm),
    adomain: raw.adomain as string[] | undefined,
    cat: raw.cat as string[] | undefined,
    cattax: raw.cattax as number | undefined,
    bundle: text(raw.bundle),
    crid: text(raw.crid),
    dealId: text(raw.dealid),
    w: int(raw.w),
    h: int(raw.h),
    nurl: text(raw.nurl),
    burl: text(raw.burl),
    lurl: text(raw.lurl),
    adId: text(raw.adid),
    mtype: int(raw.mtype),
    responseBidId: text(ctx.response.bidid),
  };
}

function nonBid(input: ReadBidsInput, code: number, reason: string, lossCode?: number): NonBid {
  return { partnerId: input.partnerId, code, reason, ...(lossCode === undefined ? {} : { lossCode }) };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
