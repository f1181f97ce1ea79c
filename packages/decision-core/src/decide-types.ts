import type { AuctionType } from './auction.js';
import type { CreativeFormat, DeliveryCreative, DeliveryLineItem, PriorityTier } from './delivery-types.js';
import type { RatePredictor } from './ranking.js';
import type { RequestContext } from './request-context.js';

/** One ad slot of a request: a div on the page asking for `count` ads of a placement. */
export interface DecisionSlot {
  /** The caller's name for the slot (the ad tag's div name); the key of the result. */
  readonly slotId: string;
  readonly placementId: string;
  /** Ads wanted, ≥ 1; default 1. */
  readonly count?: number;
  /**
   * CPM floor for this slot, micros (e.g. an OpenRTB `imp.bidfloor`): raises the placement's floor for
   * this slot only, so every ad it serves (any tier, line item or outside bid) has an eCPM of at least
   * max(placement floor, this); second price clears at no less. Lower than the placement's: no effect.
   */
  readonly floorMicros?: number | undefined;
  /**
   * Narrows what the placement accepts for this slot (an OpenRTB imp asks for some media and sizes only): only
   * these creative formats, and for image and HTML creatives only these sizes. Unset: the placement's own.
   */
  readonly formats?: readonly CreativeFormat[] | undefined;
  readonly sizes?: readonly { readonly width: number; readonly height: number }[] | undefined;
}

/** A bid from outside demand (an OpenRTB seat) for one slot; it competes in the price tier. */
export interface ExternalBid {
  readonly slotId: string;
  readonly bidId: string;
  readonly seat: string;
  /** CPM, micros. */
  readonly priceMicros: number;
  readonly dealId?: string | undefined;
  /** For competitive separation: one advertiser domain at most once per request, like one advertiser id. */
  readonly advertiserDomain?: string | undefined;
  readonly adMarkup?: string | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly creativeId?: string | undefined;
  /** Win and billing notice URLs, with their macros unreplaced. */
  readonly winUrl?: string | undefined;
  readonly billingUrl?: string | undefined;
}

export interface DecisionRequest {
  /** The instant of the request, epoch ms: the decision's only clock. */
  readonly nowMs: number;
  /** Filled in order: an earlier slot gets first pick of the line items and advertisers. */
  readonly slots: readonly DecisionSlot[];
  readonly context: Omit<RequestContext, 'placementId' | 'nowMs'>;
  /** The user key, when known: keeps a user in one arm of an A/B test. */
  readonly userKey?: string | undefined;
  /** Let one advertiser fill more than one ad of the request. Default false. */
  readonly allowDuplicateAdvertisers?: boolean;
  /** Explain the decision: every line item targeting admits, and a count of the others (see `explainDecision`). */
  readonly explain?: boolean;
  /** With `explain`: also say which targeting dimension removed these line items. */
  readonly explainLineItemIds?: readonly string[];
  readonly externalBids?: readonly ExternalBid[];
  /**
   * Advertiser domains the request refuses (OpenRTB `badv`), compared case-insensitively with the line
   * items' `advertiserDomains`: a line item of a blocked domain does not serve (step `blocked`).
   */
  readonly blockedDomains?: readonly string[] | undefined;
  /**
   * Content categories the request refuses (OpenRTB `bcat`): a creative carrying one (or, for an IAB 1.0
   * subcategory `IAB7-1`, whose parent `IAB7` is listed) is not shown; a line item left with no creative
   * that fits is `blocked`.
   */
  readonly blockedCategories?: readonly string[] | undefined;
}

/**
 * What the server knows at the instant of the decision, read synchronously (its own memory, no I/O).
 * The core only reads it; recording a served impression is the server's job.
 */
export interface DeliveryState {
  /** Impressions of a line item or campaign (by id) for the request's user within the window (null: lifetime); 0 without a user key. */
  frequency(scopeId: string, windowMs: number | null): number;
  /** Spend so far under a counter key (`budgetKey`), micros: the last snapshot plus local spend. */
  spent(key: string): bigint;
  /**
   * Does the process's leased allowance cover `costMicros` on every budget of the line item? Asked
   * only for line items with budgets, after `spent(key) + costMicros ≤ limit` held for each; a query:
   * the server consumes the allowance when it records the impression.
   */
  hasAllowance(lineItem: DeliveryLineItem, costMicros: bigint, nowMs: number): boolean;
}

export interface DecideOptions {
  /** Uniform in [0, 1): called once per decision for the seed of every random choice. */
  readonly random: () => number;
  /** How price-tier winners clear. Default `second`. */
  readonly auction?: AuctionType;
  /** Predicted CTR and conversion rates for CPC and CPA items; default `DEFAULT_CTR_PPM` / `DEFAULT_CVR_PPM`. */
  readonly predictor?: RatePredictor;
}

interface SelectionCommon {
  readonly tier: PriorityTier;
  /** Ranking value, CPM micros. */
  readonly ecpmMicros: number;
  /** What the ad clears at, CPM micros: the auction price in the price tier, the item's own eCPM otherwise. */
  readonly priceMicros: number;
  /** What the impression costs, micros: `priceMicros ÷ 1,000` rounded down for CPM and outside bids; 0 for CPC and CPA. */
  readonly costMicros: bigint;
  /** The floor this ad had to meet, CPM micros: the highest of the placement's, the slot's and the floor rule matching the request and the ad's size. */
  readonly floorMicros: number;
  /** The floor rule that matched (its label, e.g. `placement.floorRules[1]`), when one did. */
  readonly floorRule: string | undefined;
}

export interface DirectSelection extends SelectionCommon {
  readonly lineItem: DeliveryLineItem;
  readonly creative: DeliveryCreative;
  readonly external?: undefined;
}

export interface ExternalSelection extends SelectionCommon {
  readonly lineItem?: undefined;
  readonly creative?: undefined;
  readonly external: ExternalBid;
}

export type Selection = DirectSelection | ExternalSelection;

export const DECISION_STEPS = [
  'targeting',
  'blocked',
  'creative',
  'flight',
  'frequency-cap',
  'budget',
  'pacing',
  'floor',
  'separation',
  'rank',
  'won',
] as const;
export type DecisionStep = (typeof DECISION_STEPS)[number];

/** Why one line item (or outside bid) did or did not fill one slot. */
export interface ExplainEntry {
  readonly slotId: string;
  readonly lineItemId?: string;
  readonly bidId?: string;
  readonly step: DecisionStep;
  /** For `targeting`: the failing dimension (`geo.countries`, `campaign.keywords.any`, …). */
  readonly dimension?: string;
  readonly reason?: string;
  /** For `rank`: the slot's winners (line item ids or bid ids). */
  readonly outrankedBy?: readonly string[];
  /** For the one `targeting` entry per slot without a line item id: how many line items targeting removed. */
  readonly count?: number;
}

export interface DecisionResult {
  /** Every slot of the request, in request order; an empty list is no fill. */
  readonly slots: Record<string, Selection[]>;
  /** With `explain`: per slot, the admitted line items, a count of the others, the named ones, the outside bids. */
  readonly explanation?: ExplainEntry[];
}
