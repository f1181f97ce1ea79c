import type { Targeting } from '@adplatform/domain';

/**
 * What delivery knows of line items, creatives and placements: the server maps
 * its resources to these shapes (apps/server/src/delivery), the core compiles
 * them into a `DeliveryIndex` and decides from them. Plain data, no I/O.
 */

/** Ranking tiers, highest first: a higher tier always beats a lower one, whatever the price. */
export const PRIORITY_TIERS = ['sponsorship', 'standard', 'price', 'house'] as const;
export type PriorityTier = (typeof PRIORITY_TIERS)[number];
/** A tier as a number, higher first: sponsorship 3 … house 0. */
export const tierRank = (tier: PriorityTier): number => PRIORITY_TIERS.length - 1 - PRIORITY_TIERS.indexOf(tier);

export type CreativeFormat = 'image' | 'html' | 'native' | 'video';

/** An approved creative attached to a line item, with its share of rotation. */
export interface DeliveryCreative {
  readonly id: string;
  readonly format: CreativeFormat;
  /** CSS pixels; absent for native and video without a fixed size. */
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  /** Share of rotation among the line item's creatives (1..1000). */
  readonly weight: number;
  /** A/B test group: creatives with the same experiment id split traffic by weight. */
  readonly experimentId?: string | undefined;
  /** IAB content categories of the ad (`IAB7-1`, or a Content Taxonomy 2/3 id): a request's blocked categories (`bcat`) rule it out. */
  readonly categories?: readonly string[] | undefined;
}

export interface DeliveryPricing {
  readonly model: 'cpm' | 'cpc' | 'cpa';
  /** Price per unit of the model, in micros (per thousand impressions for CPM). */
  readonly bidMicros: number;
}

/** N impressions per user per window, counted for one line item or its whole campaign. */
export interface DeliveryCap {
  readonly scope: 'lineItem' | 'campaign';
  readonly count: number;
  /** Window length in ms; null is the lifetime of the line item or campaign. */
  readonly windowMs: number | null;
}

/** One budget a line item spends from: its own or its campaign's, total or per day. */
export interface DeliveryBudget {
  readonly scope: 'lineItem' | 'campaign';
  readonly period: 'total' | 'daily';
  readonly limitMicros: bigint;
}

export interface DeliveryFlight {
  /** Epoch ms; the effective start (the line item's, or the campaign's). */
  readonly startMs: number;
  /** Epoch ms, exclusive; null = open-ended. */
  readonly endMs: number | null;
}

/** What delivery needs of a line item; the server maps its resources to this. */
export interface DeliveryLineItem {
  readonly id: string;
  readonly campaignId: string;
  readonly advertiserId: string;
  /** Higher wins; `tierRank(tier)` when built by the server. */
  readonly priority: number;
  /** The line item's own targeting. */
  readonly targeting: Targeting;
  /**
   * The campaign's targeting. A request must match both this and `targeting`; the index folds
   * what it can of the two into its bitsets and checks the rest per item. A failure on this side is
   * explained as `campaign.<dimension>` (`campaign.geo.countries`).
   */
  readonly campaignTargeting?: Targeting | undefined;
  /** The campaign's IANA time zone, for day-parts and daily budgets. Default `UTC`. */
  readonly timezone?: string;
  readonly tier?: PriorityTier;
  readonly pricing?: DeliveryPricing;
  /** Approved creatives only; a line item without one is never selected. */
  readonly creatives?: readonly DeliveryCreative[];
  readonly frequencyCaps?: readonly DeliveryCap[];
  readonly budgets?: readonly DeliveryBudget[];
  readonly pacing?: 'even' | 'asap';
  readonly flight?: DeliveryFlight;
  /** The advertiser's domains (OpenRTB `adomain`), lower case: a request's blocked domains (`badv`) rule the item out. */
  readonly advertiserDomains?: readonly string[] | undefined;
}

/**
 * A floor by request country, device type and ad size. Each list present is a condition (the request's
 * value, or the ad's size, is one of it); an absent one matches anything. Of the rules that match, the
 * most specific (most conditions) wins, ties to the one listed first (`compileFloorRules`).
 */
export interface DeliveryFloorRule {
  /** ISO 3166-1 alpha-2. */
  readonly countries?: readonly string[] | undefined;
  readonly deviceTypes?: readonly string[] | undefined;
  readonly sizes?: readonly { readonly width: number; readonly height: number }[] | undefined;
  /** CPM, micros. */
  readonly floorMicros: number;
  /** Names the rule in explanations and the auction log, e.g. `placement.floorRules[1]`. */
  readonly label: string;
}

/** An ad unit as delivery sees it. */
export interface DeliveryPlacement {
  readonly id: string;
  readonly organizationId: string;
  readonly publisherId: string;
  readonly siteId: string;
  readonly formats: readonly CreativeFormat[];
  readonly sizes: readonly { readonly width: number; readonly height: number }[];
  /** CPM floor in micros; 0 = none. */
  readonly floorMicros: number;
  /** Site domain or app bundle, for `domains` targeting. */
  readonly domain?: string | undefined;
  /** The site's IAB categories, for `categories` targeting. */
  readonly categories?: readonly string[] | undefined;
  /** Floors by country, device type and ad size, in order; the effective floor is the highest of `floorMicros`, the slot's and the matching rule's. */
  readonly floorRules?: readonly DeliveryFloorRule[] | undefined;
}
