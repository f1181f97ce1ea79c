import type { Targeting } from '@adplatform/domain';
import { buildPostingIndex, type PostingIndex, postingBytes, postingFor, wordsFor } from './bitset.js';
import { assertTimeZone } from './local-time.js';
import { type CompiledTargeting, compileTargeting, firstFailure, passesAll } from './match-targeting.js';
import { type PreparedRequest, prepareRequest, type RequestContext } from './request-context.js';

/** What delivery needs of a line item; the server maps its resources to this. */
export interface DeliveryLineItem {
  readonly id: string;
  readonly campaignId: string;
  readonly advertiserId: string;
  /** Higher wins; the ranking stage reads it. */
  readonly priority: number;
  readonly targeting: Targeting;
  /** The campaign's IANA time zone, for day-parts. Default `UTC`. */
  readonly timezone?: string;
}

/**
 * An immutable snapshot of deliverable line items: bitset posting indexes on
 * placement, country and device type, plus every item's compiled targeting.
 * Never mutated after `compileIndex`; a change builds a new one that replaces it.
 */
export interface DeliveryIndex {
  readonly lineItems: readonly DeliveryLineItem[];
  readonly builtAtMs: number | undefined;
  /** Full targeting per position, for `explain`. */
  readonly compiled: readonly CompiledTargeting[];
  /** Targeting minus what the posting indexes already guarantee, for `candidates`; undefined when nothing is left to check. */
  readonly residual: readonly (CompiledTargeting | undefined)[];
  readonly placement: PostingIndex;
  readonly country: PostingIndex;
  readonly deviceType: PostingIndex;
  readonly words: number;
}

/** Checks a survivor of the bitset intersection has passed by construction. */
const INDEXED = new Set(['placements', 'geo.countries', 'deviceTypes']);

const countriesOnly = (t: Targeting): readonly string[] | undefined => {
  const geo = t.geo;
  if (!geo?.countries?.length) return undefined;
  const others = [geo.regions, geo.cities, geo.metros, geo.radius].some((list) => (list?.length ?? 0) > 0);
  return others ? undefined : geo.countries.map((c) => c.toUpperCase());
};
const nonEmptyOr = (list: readonly string[] | undefined, fold: (v: string) => string = (v) => v) =>
  list && list.length > 0 ? list.map(fold) : undefined;

export interface CompileIndexOptions {
  /** The build instant, epoch ms, recorded as `builtAtMs`; the core reads no clock. */
  now?: number;
}

export function compileIndex(lineItems: readonly DeliveryLineItem[], options: CompileIndexOptions = {}): DeliveryIndex {
  const items = Object.freeze([...lineItems]);
  for (const zone of new Set(items.map((li) => li.timezone ?? 'UTC'))) assertTimeZone(zone);
  const compiled = items.map((li) => compileTargeting(li.targeting, li.timezone));
  const residual = compiled.map((c) => {
    const checks = c.checks.filter((check) => !INDEXED.has(check.dimension));
    return checks.length > 0 ? Object.freeze({ checks: Object.freeze(checks) }) : undefined;
  });
  const targetingAt = (i: number) => items[i]!.targeting;
  return Object.freeze({
    lineItems: items,
    builtAtMs: options.now,
    compiled: Object.freeze(compiled),
    residual: Object.freeze(residual),
    placement: buildPostingIndex(items.length, (i) => nonEmptyOr(targetingAt(i).placements)),
    country: buildPostingIndex(items.length, (i) => countriesOnly(targetingAt(i))),
    deviceType: buildPostingIndex(items.length, (i) => nonEmptyOr(targetingAt(i).deviceTypes, (v) => v.toLowerCase())),
    words: wordsFor(items.length),
  });
}

/**
 * The line items whose targeting admits the request, in index order: the
 * intersection of the placement, country and device sets, then the remaining
 * checks on the survivors. Pure: same index and context, same answer.
 */
export function candidates(index: DeliveryIndex, ctx: RequestContext | PreparedRequest): DeliveryLineItem[] {
  const req = prepareRequest(ctx);
  const placement = postingFor(index.placement, req.placementId);
  const country = postingFor(index.country, req.country);
  const device = postingFor(index.deviceType, req.deviceType);
  const { residual, lineItems } = index;
  const found: DeliveryLineItem[] = [];
  for (let w = 0; w < index.words; w++) {
    let bits = placement[w]! & country[w]! & device[w]!;
    while (bits !== 0) {
      const lowest = bits & -bits;
      bits ^= lowest;
      const position = (w << 5) + 31 - Math.clz32(lowest);
      const rest = residual[position];
      if (rest === undefined || passesAll(rest, req)) found.push(lineItems[position]!);
    }
  }
  return found;
}

export type TargetingExplanation =
  | { readonly lineItemId: string; readonly outcome: 'won-targeting' }
  | { readonly lineItemId: string; readonly outcome: 'failed-targeting'; readonly dimension: string; readonly reason: string };

/** For every line item, in index order: admitted, or the first dimension that rules it out and why. O(line items): a debug path. */
export function explain(index: DeliveryIndex, ctx: RequestContext | PreparedRequest): TargetingExplanation[] {
  const req = prepareRequest(ctx);
  return index.lineItems.map((li, position) => {
    const result = firstFailure(index.compiled[position]!, req);
    return result.ok
      ? { lineItemId: li.id, outcome: 'won-targeting' as const }
      : { lineItemId: li.id, outcome: 'failed-targeting' as const, dimension: result.dimension, reason: result.reason };
  });
}

/** Bytes held by the posting bitsets (not the line items or compiled checks). */
export const indexBitsetBytes = (index: DeliveryIndex): number =>
  postingBytes(index.placement) + postingBytes(index.country) + postingBytes(index.deviceType);
