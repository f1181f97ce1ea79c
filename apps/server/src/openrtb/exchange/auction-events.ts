import {
  type DecisionResult,
  type DeliveryIndex,
  type ExternalBid,
  resolveFloor,
  SECOND_PRICE_INCREMENT_MICROS,
} from '@adplatform/decision-core';
import { newId } from '@adplatform/domain';
import type { DeliveryEvent } from '@adplatform/ports';
import type { NonBid } from '../demand/demand-types.js';
import type { BidRequest } from '../model/openrtb-types.js';
import type { WinningBid } from './auction-response.js';
import type { MatchedImp } from './placement-match.js';

export interface AuctionFacts {
  request: BidRequest;
  organizationId: string;
  sold: readonly MatchedImp[];
  /** Per imp: the higher of the placement's floor and `imp.bidfloor`. */
  floors: ReadonlyMap<string, number>;
  /** The snapshot's index, for the floor rules that applied to an imp without a winner. */
  index?: DeliveryIndex | undefined;
  result: DecisionResult;
  wins: readonly WinningBid[];
  nonBids: readonly NonBid[];
  /** The outside bids that entered the auction. */
  external: readonly ExternalBid[];
  nowMs: number;
  currency: string;
  country?: string | undefined;
  deviceType?: string | undefined;
}

/**
 * The auction log: one `decision` event per imp we sell, with the floor applied, every bid that entered
 * the auction (direct winners and outside bids) with its outcome, the partners' non-bids with their
 * reasons, and the winner with its clearing price. Prices are CPM micros of the exchange currency, as
 * decimal strings. The direct winner's ids are the event's own fields, so reports count it like any decision.
 */
export function auctionEvents(facts: AuctionFacts): DeliveryEvent[] {
  const winsByImp = new Map(facts.wins.map((w) => [w.imp.id, w]));
  return facts.sold.map(({ imp, placement }) => {
    const selections = facts.result.slots[imp.id] ?? [];
    const winner = winsByImp.get(imp.id);
    const selection = selections[0];
    const floor = floorApplied(facts, imp.id, placement.id, selection);
    const event: DeliveryEvent = {
      id: newId(),
      type: 'decision',
      at: facts.nowMs,
      organizationId: facts.organizationId,
      publisherId: placement.publisherId,
      siteId: placement.siteId,
      placementId: placement.id,
      data: {
        kind: 'openrtb-auction',
        auctionId: facts.request.id,
        impId: imp.id,
        auctionType: facts.request.at === 1 ? 'first' : 'second',
        secondPriceIncrementMicros: facts.request.at === 1 ? undefined : SECOND_PRICE_INCREMENT_MICROS,
        currency: facts.currency,
        floorMicros: String(floor.floorMicros),
        floorRule: floor.rule === undefined ? null : { rule: floor.rule, floorMicros: String(floor.ruleFloorMicros ?? 0) },
        test: facts.request.test === 1,
        bids: bidsOf(facts, imp.id),
        nonBids: facts.nonBids.length === 0 ? [] : facts.nonBids.filter((n) => n.impId === undefined || n.impId === imp.id),
        winner: winner
          ? {
              source: winner.source,
              seat: winner.seat,
              bidId: winner.bidId,
              bidMicros: String(selection?.ecpmMicros ?? 0),
              priceMicros: String(selection?.priceMicros ?? 0),
              tier: selection?.tier,
            }
          : null,
      },
    };
    if (facts.country) event.country = facts.country;
    if (facts.deviceType) event.deviceType = facts.deviceType;
    if (winner && selection?.lineItem) {
      event.decisionId = winner.bidId;
      event.advertiserId = selection.lineItem.advertiserId;
      event.campaignId = selection.lineItem.campaignId;
      event.lineItemId = selection.lineItem.id;
      event.creativeId = selection.creative.id;
    }
    return event;
  });
}

/**
 * The floor the imp was sold under: the winner's own (placement, `imp.bidfloor` and the floor rule of the request's
 * country, device type and the ad's size, whichever is highest); without a winner, that of an ad of no listed size.
 */
function floorApplied(
  facts: AuctionFacts,
  impId: string,
  placementId: string,
  selection: DecisionResult['slots'][string][number] | undefined,
): { floorMicros: number; rule: string | undefined; ruleFloorMicros: number | undefined } {
  const impFloor = facts.floors.get(impId) ?? 0;
  const query = { placementId, country: facts.country, deviceType: facts.deviceType, slotFloorMicros: impFloor };
  if (selection !== undefined) {
    // The rule's own floor is logged only beside the rule: no rule applied, nothing to resolve again.
    if (selection.floorRule === undefined) return { floorMicros: selection.floorMicros, rule: undefined, ruleFloorMicros: undefined };
    const size = selection.creative ?? selection.external;
    const resolved = facts.index && resolveFloor(facts.index, { ...query, width: size?.width, height: size?.height });
    return { floorMicros: selection.floorMicros, rule: selection.floorRule, ruleFloorMicros: resolved?.ruleFloorMicros };
  }
  return (facts.index && resolveFloor(facts.index, query)) ?? { floorMicros: impFloor, rule: undefined, ruleFloorMicros: undefined };
}

/** The outside bids that entered the auction for the imp (those screened out are non-bids), and how they fared. */
function bidsOf(facts: AuctionFacts, impId: string): { seat: string; bidId: string; priceMicros: string; outcome: 'won' | 'lost' }[] {
  if (facts.external.length === 0) return [];
  const wonId = facts.result.slots[impId]?.[0]?.external?.bidId;
  return facts.external
    .filter((bid) => bid.slotId === impId)
    .map((bid) => ({
      seat: bid.seat,
      bidId: bid.bidId,
      priceMicros: String(bid.priceMicros),
      outcome: bid.bidId === wonId ? 'won' : 'lost',
    }));
}
