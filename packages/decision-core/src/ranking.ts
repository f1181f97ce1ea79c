import { type DeliveryCreative, type DeliveryLineItem, type DeliveryPricing, PRIORITY_TIERS, type PriorityTier } from './delivery-types.js';

/**
 * Ranking inputs in integer micros: a line item's tier and its eCPM (expected revenue per thousand
 * impressions). Rates are integer parts per million, so no money is ever a float.
 */

/** Predicted click-through rate until a model exists: 0.1% (1,000 ppm). */
export const DEFAULT_CTR_PPM = 1_000;
/** Predicted conversion rate per impression until a model exists: 0.01% (100 ppm). */
export const DEFAULT_CVR_PPM = 100;

/** A line item's predicted rates, in parts per million per impression. */
export interface RatePredictor {
  ctrPpm(lineItem: DeliveryLineItem, creative: DeliveryCreative): number;
  cvrPpm(lineItem: DeliveryLineItem, creative: DeliveryCreative): number;
}

/** The tier as a number, sponsorship 3 … house 0: `tier` when set, else `priority` clamped to 0..3. */
export function tierRankOf(li: DeliveryLineItem): number {
  if (li.tier !== undefined) return PRIORITY_TIERS.length - 1 - PRIORITY_TIERS.indexOf(li.tier);
  return Math.max(0, Math.min(PRIORITY_TIERS.length - 1, Math.trunc(li.priority)));
}

export const tierOfRank = (rank: number): PriorityTier => PRIORITY_TIERS[PRIORITY_TIERS.length - 1 - rank] ?? 'house';

/**
 * eCPM in micros, rounded down: CPM bid as is; CPC bid × CTR × 1,000; CPA bid × conversion rate × 1,000.
 * With rates in ppm that is `bid × ppm / 1,000`, computed in bigint so it is exact for any bid.
 */
export function ecpmMicros(pricing: DeliveryPricing | undefined, ctrPpm = DEFAULT_CTR_PPM, cvrPpm = DEFAULT_CVR_PPM): number {
  if (pricing === undefined) return 0;
  const bid = Math.max(0, Math.trunc(pricing.bidMicros));
  if (pricing.model === 'cpm') return bid;
  const ppm = BigInt(Math.max(0, Math.trunc(pricing.model === 'cpc' ? ctrPpm : cvrPpm)));
  return Number((BigInt(bid) * ppm) / 1000n);
}

/**
 * What one impression costs the advertiser, in micros: a CPM price ÷ 1,000, rounded DOWN to the micro,
 * so the advertiser is never overcharged and the rounding loses less than 1 micro per impression.
 * Given a line item: its CPM bid, or 0 for CPC and CPA (charged when the click or conversion happens).
 * Given a number: a CPM clearing price in micros.
 */
export function impressionCostMicros(item: DeliveryLineItem | number): bigint {
  if (typeof item === 'number') return perMille(item);
  const pricing = item.pricing;
  if (pricing === undefined || pricing.model !== 'cpm') return 0n;
  return perMille(pricing.bidMicros);
}

/** ⌊max(0, trunc(micros)) ÷ 1,000⌋ as a bigint: in number arithmetic while exact (safe integers), one bigint made. */
function perMille(micros: number): bigint {
  const whole = Math.max(0, Math.trunc(micros));
  if (!Number.isSafeInteger(whole)) return BigInt(whole) / 1000n;
  return BigInt((whole - (whole % 1000)) / 1000);
}
