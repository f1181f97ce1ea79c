import { createHash } from 'node:crypto';
import type { DeliveryEvent } from '@adplatform/ports';
import type { TrackingFacts } from './tracking-signer.js';

/** What `/t/event` accepts as `type`; impressions and clicks have their own endpoints. */
export const TRACKING_EVENT_TYPES = [
  'viewable',
  'video_start',
  'video_first_quartile',
  'video_midpoint',
  'video_third_quartile',
  'video_complete',
  'conversion',
] as const;
export type TrackingEventType = (typeof TRACKING_EVENT_TYPES)[number];
export type TrackedType = 'impression' | 'click' | TrackingEventType;

/**
 * The id of the event of `type` for a decision: UUIDv7-shaped (the decision's
 * time in the first 48 bits, so ids sort by time) with the rest from a hash
 * of the pair. The same URL replayed on any node yields the same id, so
 * analytics and the ledger can drop the duplicate.
 */
export function trackingEventId(decisionId: string, type: TrackedType, decidedAtMs: number): string {
  const bytes = createHash('sha256').update(`${decisionId}/${type}`).digest().subarray(0, 16);
  bytes.writeUIntBE(decidedAtMs, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * What the advertiser pays for this event: the signed cost when the event is what the line item is priced on.
 * A CPM impression that won another exchange's auction may carry the clearing price that exchange put in
 * our billing notice (`${AUCTION_PRICE}`): the cost then scales down with it (second price), never up.
 */
export function costOf(facts: TrackingFacts, type: TrackedType, clearingCpmMicros?: number): number | undefined {
  const billable = { cpm: 'impression', cpc: 'click', cpa: 'conversion' } as const;
  if (billable[facts.pricingModel] !== type) return undefined;
  if (clearingCpmMicros === undefined || facts.pricingModel !== 'cpm' || clearingCpmMicros >= facts.priceCpmMicros) {
    return facts.costMicros;
  }
  return Number((BigInt(facts.costMicros) * BigInt(clearingCpmMicros)) / BigInt(facts.priceCpmMicros));
}

/**
 * A clearing price as an exchange substitutes `${AUCTION_PRICE}` (a plain decimal CPM in the bid's currency) to
 * whole micros, truncated past the sixth decimal; undefined for anything else (an encrypted price, the macro
 * left unsubstituted): the impression then costs its signed price.
 */
export function clearingCpmMicrosOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{1,9})(?:\.(\d{1,20}))?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').slice(0, 6).padEnd(6, '0'));
}

/** The event-log record of an accepted tracking event. */
export function toDeliveryEvent(
  facts: TrackingFacts,
  type: TrackedType,
  options: { atMs: number; conversionValueMicros?: number | undefined; clearingCpmMicros?: number | undefined },
): DeliveryEvent {
  const costMicros = costOf(facts, type, options.clearingCpmMicros);
  const data: Record<string, unknown> = {
    decidedAtMs: facts.decidedAtMs,
    priceCpmMicros: facts.priceCpmMicros,
    pricingModel: facts.pricingModel,
  };
  if (options.conversionValueMicros !== undefined) data.valueMicros = options.conversionValueMicros;
  if (options.clearingCpmMicros !== undefined) data.clearingCpmMicros = options.clearingCpmMicros;
  return {
    id: trackingEventId(facts.decisionId, type, facts.decidedAtMs),
    type,
    at: options.atMs,
    organizationId: facts.organizationId,
    decisionId: facts.decisionId,
    advertiserId: facts.advertiserId,
    campaignId: facts.campaignId,
    lineItemId: facts.lineItemId,
    creativeId: facts.creativeId,
    publisherId: facts.publisherId,
    siteId: facts.siteId,
    placementId: facts.placementId,
    ...(costMicros === undefined ? {} : { costMicros: String(costMicros) }),
    data,
  };
}
