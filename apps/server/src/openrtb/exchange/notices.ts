import type { DecisionResult } from '@adplatform/decision-core';
import type { CurrencyRates } from '../demand/currency-rates.js';
import type { NonBid, PartnerBid } from '../demand/demand-types.js';
import { type AuctionMacroValues, substituteMacros } from '../demand/macros.js';
import type { NoticeNotifier } from '../demand/notice-notifier.js';
import { scaleMicros } from '../demand/rational.js';
import { LOSS } from '../demand/reason-codes.js';

/** A price in the exchange currency, in the partner's own currency (its notices speak it); the exchange's when no rate. */
function inPartnerCurrency(
  micros: number,
  bid: PartnerBid,
  currency: string,
  rates: CurrencyRates,
): { priceMicros: bigint; currency: string } {
  const rate = rates.rate(currency, bid.originalCurrency);
  return rate
    ? { priceMicros: scaleMicros(BigInt(micros), rate), currency: bid.originalCurrency }
    : { priceMicros: BigInt(micros), currency };
}

function macroValues(auctionId: string, bid: PartnerBid): AuctionMacroValues {
  return { auctionId, bidId: bid.bidId, impId: bid.impId, seatId: bid.seat, adId: bid.adId };
}

export interface NoticeContext {
  auctionId: string;
  currency: string;
  rates: CurrencyRates;
}

/** The winner's markup and notices with the clearing price substituted; `nurl` is fired by us, `burl` by the page on render. */
export function winnerNotices(bid: PartnerBid, clearingMicros: number, at: NoticeContext) {
  const values = { ...macroValues(at.auctionId, bid), ...inPartnerCurrency(clearingMicros, bid, at.currency, at.rates) };
  return {
    adm: bid.adm === undefined ? undefined : substituteMacros(bid.adm, values, (v) => v),
    nurl: bid.nurl === undefined ? undefined : substituteMacros(bid.nurl, values),
    burl: bid.burl === undefined ? undefined : substituteMacros(bid.burl, values),
  };
}

/**
 * Loss notices: every outside bid that entered the auction and lost (102 lost to a higher bid, with the
 * clearing price as the minimum to win) and every bid the exchange refused (its loss code).
 */
export function fireLossNotices(
  input: {
    result: DecisionResult;
    entered: ReadonlyMap<string, PartnerBid>;
    refused: readonly NonBid[];
    partnerBids: readonly PartnerBid[];
  },
  at: NoticeContext,
  notifier: NoticeNotifier,
): void {
  const winners = new Map<string, { bidId?: string | undefined; priceMicros: number }>();
  for (const [impId, selections] of Object.entries(input.result.slots)) {
    const first = selections[0];
    if (first) winners.set(impId, { bidId: first.external?.bidId, priceMicros: first.priceMicros });
  }
  for (const [id, bid] of input.entered) {
    if (!bid.lurl) continue;
    const winner = winners.get(bid.impId);
    if (winner?.bidId === id) continue;
    const min = winner ? inPartnerCurrency(winner.priceMicros, bid, at.currency, at.rates) : undefined;
    const values = {
      ...macroValues(at.auctionId, bid),
      lossCode: LOSS.LOST_TO_HIGHER_BID,
      minToWinMicros: min?.priceMicros,
      currency: min?.currency,
    };
    notifier.notify(substituteMacros(bid.lurl, values));
  }
  const byId = new Map(input.partnerBids.map((b) => [`${b.partnerId}:${b.bidId}`, b]));
  for (const refused of input.refused) {
    const bid = refused.bidId === undefined ? undefined : byId.get(`${refused.partnerId}:${refused.bidId}`);
    if (!bid?.lurl || refused.lossCode === undefined) continue;
    notifier.notify(substituteMacros(bid.lurl, { ...macroValues(at.auctionId, bid), lossCode: refused.lossCode }));
  }
}
