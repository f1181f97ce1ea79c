import { clearingPriceMicros } from './auction.js';
import { requestBlocks } from './blocklists.js';
import { narrowedFit, placementFit } from './creative-fit.js';
import {
  bidContender,
  type Contender,
  capsAllow,
  contend,
  type DecisionRun,
  flightAllows,
  floorForSize,
  ranksBefore,
  ruleForSize,
  type SlotRun,
} from './decide-checks.js';
import { explainDecision, type SlotOutcome } from './decide-explain.js';
import type { DecideOptions, DecisionRequest, DecisionResult, DecisionSlot, DeliveryState, Selection } from './decide-types.js';
import type { DeliveryIndex } from './delivery-index.js';
import type { DeliveryPlacement } from './delivery-types.js';
import { baseFloorOf, floorRowOf } from './floor-rules.js';
import { impressionCostMicros, tierOfRank } from './ranking.js';
import { type PreparedRequest, prepareContext } from './request-context.js';
import { TargetingScan } from './targeting-scan.js';

const PRICE_TIER = 1;

/**
 * What the request has already filled: one ad per line item, one per advertiser (unless allowed).
 * The sets start as shared empty ones and are created at the first pick: most requests pick once.
 */
interface Taken {
  positions: ReadonlySet<number>;
  bids: ReadonlySet<string>;
  advertisers: ReadonlySet<string>;
  domains: ReadonlySet<string>;
  readonly allowDuplicates: boolean;
  /** Chosen impressions by line item and campaign id, for frequency caps (also the run's `pending`). */
  pending: ReadonlyMap<string, number>;
}

const NO_POSITIONS: ReadonlySet<number> = new Set();
const NO_IDS: ReadonlySet<string> = new Set();
const NO_COUNTS: ReadonlyMap<string, number> = new Map();
// The first pick (most requests' only one) starts from the shared empty set or map: nothing to copy.
const added = <T>(set: ReadonlySet<T>, value: T): Set<T> => (set.size === 0 ? new Set<T>() : new Set(set)).add(value);
const counted = (counts: ReadonlyMap<string, number>, lineItemId: string, campaignId: string): Map<string, number> => {
  const next = counts.size === 0 ? new Map<string, number>() : new Map(counts);
  next.set(lineItemId, (next.get(lineItemId) ?? 0) + 1);
  next.set(campaignId, (next.get(campaignId) ?? 0) + 1);
  return next;
};

const isTaken = (taken: Taken, c: Contender) => (c.bid === undefined ? taken.positions.has(c.position) : taken.bids.has(c.bid.bidId));

/** Competitive separation: the contender's advertiser (id, or domain for an outside bid) has an ad in the request already. */
function isSeparated(taken: Taken, c: Contender): boolean {
  if (taken.allowDuplicates) return false;
  if (c.lineItem !== undefined) return taken.advertisers.has(c.lineItem.advertiserId);
  const domain = c.bid?.advertiserDomain;
  return domain !== undefined && taken.domains.has(domain.toLowerCase());
}

/** Records a pick: new sets each time (a request picks a handful of ads), so earlier snapshots stay as they were. */
function take(run: DecisionRun, taken: Taken, c: Contender): void {
  if (c.lineItem !== undefined) {
    taken.positions = added(taken.positions, c.position);
    taken.advertisers = added(taken.advertisers, c.lineItem.advertiserId);
    taken.pending = counted(taken.pending, c.lineItem.id, c.lineItem.campaignId);
    run.pending = taken.pending;
  } else if (c.bid !== undefined) {
    taken.bids = added(taken.bids, c.bid.bidId);
    if (c.bid.advertiserDomain !== undefined) taken.domains = added(taken.domains, c.bid.advertiserDomain.toLowerCase());
  }
}

/**
 * Chooses the ads of a request: for each slot in request order, targeting (the index scan) → blocklists → creative
 * fit → flight → frequency caps → budgets → pacing → floor → ranking (tier, then eCPM, then a seeded
 * uniform tie-break), outside bids competing in the price tier, price-tier winners clearing by
 * `options.auction`. A line item fills at most one ad per request, an advertiser at most one unless
 * `allowDuplicateAdvertisers`. Pure: the same index, request, state and `random` give the same
 * result. Without `explain` it builds no explanation and stops scanning at the last winner.
 */
export function decide(index: DeliveryIndex, request: DecisionRequest, state: DeliveryState, options: DecideOptions): DecisionResult {
  const userKey = request.userKey;
  const run: DecisionRun = {
    index,
    state,
    nowMs: request.nowMs,
    seed: Math.floor(options.random() * 4_294_967_296) >>> 0,
    predictor: options.predictor,
    userKey,
    pending: NO_COUNTS,
    blocks: requestBlocks(index.blocklists, request),
  };
  const taken: Taken = {
    positions: NO_POSITIONS,
    bids: NO_IDS,
    advertisers: NO_IDS,
    domains: NO_IDS,
    allowDuplicates: request.allowDuplicateAdvertisers === true,
    pending: NO_COUNTS,
  };
  const base = prepareContext(request.context, request.slots[0]?.placementId ?? '', request.nowMs);
  const slots: Record<string, Selection[]> = {};
  const outcomes: SlotOutcome[] | undefined = request.explain ? [] : undefined;
  for (const slot of request.slots) {
    const placement = index.placements.get(slot.placementId);
    const slotRun =
      placement &&
      slotRunOf(run, slot, placement, slot.placementId === base.placementId ? base : { ...base, placementId: slot.placementId });
    const selections = slotRun ? fillSlot(run, slotRun, slot, request, taken, options) : [];
    slots[slot.slotId] = selections;
    outcomes?.push({ slot, slotRun, selections, takenAfter: { ...taken } });
  }
  if (outcomes === undefined) return { slots };
  return { slots, explanation: explainDecision(run, request, outcomes) };
}

/** A slot's floors (placement, slot, the floor rules' row of the request's country and device type) and fit. */
function slotRunOf(run: DecisionRun, slot: DecisionSlot, placement: DeliveryPlacement, req: PreparedRequest): SlotRun {
  const baseFloorMicros = baseFloorOf(placement.floorMicros, slot.floorMicros);
  const floorTable = run.index.placementFloors.size === 0 ? undefined : run.index.placementFloors.get(slot.placementId);
  const floorRow = floorTable === undefined ? 0 : floorRowOf(floorTable, req.country, req.deviceType);
  const rowMin = floorTable === undefined ? 0 : floorTable.rowMin[floorRow]!;
  const placed = run.index.placementFits.get(slot.placementId) ?? placementFit(placement);
  const fit = slot.formats === undefined && slot.sizes === undefined ? placed : narrowedFit(placed, slot.formats, slot.sizes);
  const blocked = run.blocks?.creatives;
  return {
    slotId: slot.slotId,
    placement,
    floorMicros: Math.max(rowMin, baseFloorMicros),
    baseFloorMicros,
    floorTable,
    floorRow,
    fit: blocked === undefined ? fit : { formats: fit.formats, sizes: fit.sizes, blocked },
    req,
  };
}

/** One slot being filled: its scan and the contenders pulled from it so far (outside bids first). */
interface Filling {
  readonly run: DecisionRun;
  readonly slot: SlotRun;
  readonly scan: TargetingScan;
  readonly pool: Contender[];
  readonly taken: Taken;
}

function fillSlot(run: DecisionRun, slot: SlotRun, wanted: DecisionSlot, request: DecisionRequest, taken: Taken, options: DecideOptions) {
  const filling: Filling = { run, slot, scan: new TargetingScan(run.index, slot.req), pool: [], taken };
  const bids = request.externalBids;
  if (bids !== undefined)
    for (let at = 0; at < bids.length; at++) {
      const bid = bids[at]!;
      if (bid.slotId !== slot.slotId) continue;
      const floorMicros = floorForSize(slot, bid.width, bid.height);
      if (bid.priceMicros >= floorMicros) filling.pool.push(bidContender(run, bid, at, floorMicros));
    }
  const count = Math.max(1, Math.trunc(wanted.count ?? 1));
  const selections: Selection[] = [];
  while (selections.length < count) {
    const winner = best(filling, undefined);
    if (winner === undefined) break;
    let priceMicros = winner.ecpm;
    if (winner.tier === PRICE_TIER && options.auction !== 'first') {
      // The runner-up is the best other price-tier contender that could have won the slot.
      const runnerUp = best(filling, winner);
      priceMicros = clearingPriceMicros(winner.ecpm, runnerUp?.ecpm, { floorMicros: winner.floorMicros, type: 'second' });
    }
    take(run, taken, winner);
    selections.push(selectionOf(winner, priceMicros, slot));
  }
  return selections;
}

/** A contender that could fill the slot now; for a runner-up, also another price-tier one than the winner. */
function admits(taken: Taken, c: Contender, winner: Contender | undefined): boolean {
  if (isTaken(taken, c) || isSeparated(taken, c)) return false;
  return winner === undefined || (c !== winner && c.tier === PRICE_TIER);
}

/**
 * The best contender that could fill the slot (or, given the winner, the best price-tier runner-up),
 * pulling from the scan (rank order) until the next position can neither beat nor tie it: a higher
 * tier, or the same tier with an eCPM at least as high (with a rate predictor, eCPM is only known per
 * creative, so the whole tier is pulled). A runner-up search pulls no tier below price.
 */
function best(filling: Filling, winner: Contender | undefined): Contender | undefined {
  const { run, scan, pool, taken } = filling;
  const minTier = winner === undefined ? 0 : PRICE_TIER;
  const floorMicros = filling.slot.floorMicros;
  let top: Contender | undefined;
  for (let i = 0; i < pool.length; i++) {
    const c = pool[i]!;
    // Caps again: an earlier pick of this request (another slot position) may have used up a campaign's cap.
    if (c.lineItem !== undefined && !capsAllow(c.lineItem, run.state, run.pending)) continue;
    if (admits(taken, c, winner) && ranksBefore(c, top)) top = c;
  }
  const { tierRank, ecpmMicros } = run.index;
  const dynamic = run.predictor !== undefined;
  for (let position = scan.peek(); position >= 0; position = scan.peek()) {
    const tier = tierRank[position]!;
    if (tier < minTier) break;
    if (top !== undefined && (tier < top.tier || (tier === top.tier && !dynamic && ecpmMicros[position]! < top.ecpm))) break;
    scan.skip();
    // Cheap filters first (the steps' order only matters to explanations): below the floor, and
    // without a predictor so is every later item of the tier (eCPM descends within it): jump past it.
    if (!dynamic && ecpmMicros[position]! < floorMicros) {
      scan.skipTo(run.index.tierEnd[tier]!);
      continue;
    }
    // A taken item or advertiser is out whatever its other steps say; so is one the request blocks.
    if (taken.positions.has(position)) continue;
    if (run.blocks?.positions?.has(position)) continue;
    if (!taken.allowDuplicates && taken.advertisers.has(run.index.lineItems[position]!.advertiserId)) continue;
    // Flight and caps before creative fit: a user who has seen everything is the common no-fill.
    const li = run.index.lineItems[position]!;
    if (!flightAllows(li, run.nowMs) || !capsAllow(li, run.state, run.pending)) continue;
    const c = contend(run, filling.slot, position);
    if (typeof c === 'string') continue;
    pool.push(c);
    if (admits(taken, c, winner) && ranksBefore(c, top)) top = c;
  }
  return top;
}

// Literals of one shape each (no spread of a shared part): V8 builds them without a dictionary step.
function selectionOf(c: Contender, priceMicros: number, slot: SlotRun): Selection {
  const tier = tierOfRank(c.tier);
  const floorMicros = c.floorMicros;
  if (c.lineItem !== undefined && c.creative !== undefined) {
    const costMicros = c.lineItem.pricing?.model === 'cpm' ? impressionCostMicros(priceMicros) : 0n;
    const floorRule = ruleForSize(slot, c.creative.width, c.creative.height)?.label;
    return { tier, ecpmMicros: c.ecpm, priceMicros, lineItem: c.lineItem, creative: c.creative, costMicros, floorMicros, floorRule };
  }
  const bid = c.bid!;
  const floorRule = ruleForSize(slot, bid.width, bid.height)?.label;
  return { tier, ecpmMicros: c.ecpm, priceMicros, external: bid, costMicros: impressionCostMicros(priceMicros), floorMicros, floorRule };
}
