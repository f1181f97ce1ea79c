import type { RequestBlocks } from './blocklists.js';
import { budgetKey } from './budget-keys.js';
import { chooseCreative, fitsPlacement, type PlacementFit } from './creative-fit.js';
import type { DecisionStep, DeliveryState, ExternalBid } from './decide-types.js';
import type { DeliveryIndex } from './delivery-index.js';
import type {
  DeliveryBudget,
  DeliveryCreative,
  DeliveryFlight,
  DeliveryFloorRule,
  DeliveryLineItem,
  DeliveryPlacement,
} from './delivery-types.js';
import { type FloorTable, floorCellOf } from './floor-rules.js';
import { type PacingInput, pacingServeProbability } from './pacing.js';
import { ecpmMicros, type RatePredictor } from './ranking.js';
import type { PreparedRequest } from './request-context.js';
import { hash32, PURPOSE, unitOf } from './unit-hash.js';

/**
 * The steps after targeting, for one line item and one slot, in the documented order: creative fit,
 * flight, frequency caps, budgets, pacing, floor (after `blocked`, the request's blocklists). Shared by the hot path (which asks only about the
 * items it reaches) and the explanation (which asks about all), so both see the same answers: every
 * random draw comes from the request's seed and the item's position, never from the order of asking.
 */

/** What one decision shares across its slots. */
export interface DecisionRun {
  readonly index: DeliveryIndex;
  readonly state: DeliveryState;
  readonly nowMs: number;
  readonly seed: number;
  readonly predictor: RatePredictor | undefined;
  /** Keeps a user in one arm of an A/B test. */
  readonly userKey: string | undefined;
  /** Impressions this request has already chosen, by line item and campaign id: they count against caps too. */
  pending: ReadonlyMap<string, number>;
  /** What the request's `blockedDomains` / `blockedCategories` rule out of ours; undefined when nothing. */
  readonly blocks: RequestBlocks | undefined;
}

/** One slot being filled. */
export interface SlotRun {
  readonly slotId: string;
  readonly placement: DeliveryPlacement;
  /**
   * The lowest floor any ad of the slot meets: the placement's, raised by the request slot's
   * `floorMicros`, raised by the lowest floor rule of the request's row (`floorTable`). Without floor
   * rules it is the floor of every ad; with them an ad's own floor is `floorForSize`.
   */
  readonly floorMicros: number;
  /** The placement's floor raised by the slot's: what every ad meets, whatever the rules. */
  readonly baseFloorMicros: number;
  /** The placement's compiled floor rules, and the request's row in them; undefined without rules. */
  readonly floorTable: FloorTable | undefined;
  readonly floorRow: number;
  /** The placement's fit; with blocked categories, one that excludes the blocked creatives. */
  readonly fit: PlacementFit;
  readonly req: PreparedRequest;
}

/** An item or outside bid that passed every step: a contender for the slot. */
export interface Contender {
  /** Index position; -1 for an outside bid. */
  readonly position: number;
  readonly lineItem: DeliveryLineItem | undefined;
  readonly creative: DeliveryCreative | undefined;
  readonly bid: ExternalBid | undefined;
  readonly tier: number;
  readonly ecpm: number;
  /** The floor it met (its size's, with floor rules). */
  readonly floorMicros: number;
  /** Orders equal (tier, eCPM): lowest first; uniform over the contenders. */
  readonly tieKey: number;
}

/** The floor an ad of this size meets in the slot: max(placement, slot, the rule of the request's row and the size). */
export function floorForSize(slot: SlotRun, width: number | undefined, height: number | undefined): number {
  const table = slot.floorTable;
  if (table === undefined) return slot.floorMicros;
  const rule = table.floors[floorCellOf(table, slot.floorRow, width, height)]!;
  return Math.max(rule, slot.baseFloorMicros);
}

/** The rule that matched an ad of this size in the slot (its label and floor), if any. */
export function ruleForSize(slot: SlotRun, width: number | undefined, height: number | undefined): DeliveryFloorRule | undefined {
  const table = slot.floorTable;
  if (table === undefined) return undefined;
  return table.rules[table.ruleAt[floorCellOf(table, slot.floorRow, width, height)]!];
}

export type Failure = Exclude<DecisionStep, 'targeting' | 'separation' | 'rank' | 'won'>;

export const flightAllows = (li: DeliveryLineItem, nowMs: number): boolean =>
  li.flight === undefined || (nowMs >= li.flight.startMs && (li.flight.endMs === null || nowMs < li.flight.endMs));

/** Every cap: the user's impressions of the scope in the window, plus those this request already chose, are under its count. */
export function capsAllow(li: DeliveryLineItem, state: DeliveryState, pending?: ReadonlyMap<string, number>): boolean {
  const caps = li.frequencyCaps;
  if (caps === undefined) return true;
  for (const cap of caps) {
    const scopeId = cap.scope === 'campaign' ? li.campaignId : li.id;
    if (!(state.frequency(scopeId, cap.windowMs) + (pending?.get(scopeId) ?? 0) < cap.count)) return false;
  }
  return true;
}

/** Every budget has room for the impression (spend so far + cost ≤ limit) and the leased allowance covers it. */
export function budgetsAllow(li: DeliveryLineItem, state: DeliveryState, costMicros: bigint, nowMs: number): boolean {
  const budgets = li.budgets;
  if (budgets === undefined || budgets.length === 0) return true;
  for (const budget of budgets) {
    const spent = state.spent(budgetKey(li, budget, nowMs));
    if (spent >= budget.limitMicros || spent + costMicros > budget.limitMicros) return false;
  }
  return state.hasAllowance(li, costMicros, nowMs);
}

export function pacingPasses(run: DecisionRun, li: DeliveryLineItem, position: number): boolean {
  if (li.pacing !== 'even' || li.budgets === undefined || li.budgets.length === 0) return true;
  const probability = pacingServeProbability(new ItemPacing(li, run.state, run.nowMs));
  return probability >= 1 || (probability > 0 && unitOf(run.seed, PURPOSE.pacing, position) < probability);
}

/** A line item's pacing inputs, spend read from the state under its budget keys (a class: no closure per item). */
class ItemPacing implements PacingInput {
  readonly pacing: 'even' | 'asap' | undefined;
  readonly budgets: readonly DeliveryBudget[] | undefined;
  readonly flight: DeliveryFlight | undefined;
  readonly timezone: string | undefined;
  constructor(
    private readonly li: DeliveryLineItem,
    private readonly state: DeliveryState,
    readonly nowMs: number,
  ) {
    this.pacing = li.pacing;
    this.budgets = li.budgets;
    this.flight = li.flight;
    this.timezone = li.timezone;
  }
  spent(budget: DeliveryBudget): bigint {
    return this.state.spent(budgetKey(this.li, budget, this.nowMs));
  }
}

/** The steps after targeting for one item: a contender, or the step that removed it. */
export function contend(run: DecisionRun, slot: SlotRun, position: number): Contender | Failure {
  const { index, nowMs, predictor } = run;
  const li = index.lineItems[position]!;
  const blocks = run.blocks;
  if (blocks?.positions?.has(position)) return 'blocked';
  const creative = chooseCreative(li.creatives, slot.fit, unitOf(run.seed, PURPOSE.creative, position), run.userKey);
  if (creative === undefined) return slot.fit.blocked !== undefined && fitsUnblocked(li, slot) ? 'blocked' : 'creative';
  if (!flightAllows(li, nowMs)) return 'flight';
  if (!capsAllow(li, run.state, run.pending)) return 'frequency-cap';
  if (!budgetsAllow(li, run.state, index.costMicros[position]!, nowMs)) return 'budget';
  if (!pacingPasses(run, li, position)) return 'pacing';
  const ecpm =
    predictor === undefined || li.pricing === undefined || li.pricing.model === 'cpm'
      ? index.ecpmMicros[position]!
      : ecpmMicros(li.pricing, predictor.ctrPpm(li, creative), predictor.cvrPpm(li, creative));
  const floorMicros = slot.floorTable === undefined ? slot.floorMicros : floorForSize(slot, creative.width, creative.height);
  if (ecpm < floorMicros) return 'floor';
  return {
    position,
    lineItem: li,
    creative,
    bid: undefined,
    tier: index.tierRank[position]!,
    ecpm,
    floorMicros,
    tieKey: hash32(run.seed, PURPOSE.tie, position),
  };
}

/** A line item whose creatives would fit but for the request's blocked categories. */
const fitsUnblocked = (li: DeliveryLineItem, slot: SlotRun): boolean =>
  li.creatives?.some((c) => fitsPlacement(c, { ...slot.fit, blocked: undefined })) === true;

/** An outside bid for a slot that meets its floor (`floorMicros`, its size's), as a contender in the price tier (rank 1). */
export function bidContender(run: DecisionRun, bid: ExternalBid, at: number, floorMicros: number): Contender {
  const tieKey = hash32(run.seed, PURPOSE.tie, run.index.lineItems.length + at);
  return { position: -1, lineItem: undefined, creative: undefined, bid, tier: 1, ecpm: Math.trunc(bid.priceMicros), floorMicros, tieKey };
}

/** a ranks before b: higher tier, then higher eCPM, then lower tie key. */
export const ranksBefore = (a: Contender, b: Contender | undefined): boolean =>
  b === undefined || a.tier > b.tier || (a.tier === b.tier && (a.ecpm > b.ecpm || (a.ecpm === b.ecpm && a.tieKey < b.tieKey)));
