import { buildExcludeIndex, buildPostingIndex, type PostingIndex, postingBytes, wordsFor } from './bitset.js';
import { type PlacementFit, placementFit } from './creative-fit.js';
import type { DeliveryLineItem, DeliveryPlacement } from './delivery-types.js';
import {
  columnarRadius,
  compileSides,
  countriesOnly,
  foldAnyOf,
  foldDayParts,
  foldExclusion,
  foldOneOf,
  lowered,
  nonEmptyOr,
} from './index-fold.js';
import { assertTimeZone } from './local-time.js';
import { type CompiledTargeting, firstFailure } from './match-targeting.js';
import { buildRadiusColumns, type RadiusColumns } from './radius-columns.js';
import { ecpmMicros, impressionCostMicros, tierRankOf } from './ranking.js';
import { type PreparedRequest, prepareRequest, type RequestContext } from './request-context.js';
import { dayPartKey, TargetingScan } from './targeting-scan.js';

/**
 * An immutable snapshot of deliverable line items, in rank order (tier, then static eCPM, highest
 * first, so a scan in position order meets the best candidates first): bitset posting indexes on
 * placement, country, device type, OS, browser, languages, `keywords.any`,
 * `segments.any` and day-parts, exclusion bitsets, radius columns, plus every
 * item's compiled targeting.
 * Never mutated after `compileIndex`; a change builds a new one that replaces it.
 */
export interface DeliveryIndex {
  /** In rank order: tier rank descending, then static eCPM descending, then input order. */
  readonly lineItems: readonly DeliveryLineItem[];
  readonly builtAtMs: number | undefined;
  /** Line item id → position. */
  readonly positionOf: ReadonlyMap<string, number>;
  /** The placements delivery serves, by id. */
  readonly placements: ReadonlyMap<string, DeliveryPlacement>;
  /** Each placement's formats and sizes as sets, for creative fit. */
  readonly placementFits: ReadonlyMap<string, PlacementFit>;
  /** Per position: tier rank (sponsorship 3 … house 0). */
  readonly tierRank: Uint8Array;
  /** Per tier rank: the first position after that tier (positions are in rank order). */
  readonly tierEnd: Int32Array;
  /** Per position: eCPM in micros with the default predicted rates (see `ecpmMicros`). */
  readonly ecpmMicros: Float64Array;
  /** Per position: what one impression costs at the item's own price (`impressionCostMicros`). */
  readonly costMicros: readonly bigint[];
  /** Both targetings per position (the campaign's checks named `campaign.…`), for `explain`. */
  readonly compiled: readonly CompiledTargeting[];
  /** Targeting minus what the posting indexes already guarantee, for `candidates`; undefined when nothing is left to check. */
  readonly residual: readonly (CompiledTargeting | undefined)[];
  readonly placement: PostingIndex;
  readonly country: PostingIndex;
  readonly deviceType: PostingIndex;
  /** Sets the request matches through any one of its values (an OR of the values' sets). */
  readonly keywordsAny: PostingIndex;
  readonly segmentsAny: PostingIndex;
  readonly os: PostingIndex;
  readonly browser: PostingIndex;
  readonly languages: PostingIndex;
  /** Keyed `zone hour-of-week` (`dayPartKey`): the items whose day-parts cover that local hour in their zone. */
  readonly dayParts: PostingIndex;
  /** The zones of the line items with day-parts, read once per request. */
  readonly dayPartZones: readonly string[];
  /** value → items that value rules out: `keywords.none`, `segments.none`, `exclude.os`, `domains.block`. */
  readonly keywordsNone: ReadonlyMap<string, Uint32Array>;
  readonly segmentsNone: ReadonlyMap<string, Uint32Array>;
  readonly excludeOs: ReadonlyMap<string, Uint32Array>;
  readonly domainsBlock: ReadonlyMap<string, Uint32Array>;
  /** `geo.radius` of the items whose geo is only a radius list, as typed-array columns (checked before `residual`). */
  readonly radius: RadiusColumns;
  readonly words: number;
}

/** The hour-of-week keys both sides' day-parts cover in the item's zone; undefined when neither has any (no restriction). */
function dayPartKeys(li: DeliveryLineItem): string[] | undefined {
  const masks = foldDayParts(li);
  if (masks === undefined) return undefined;
  const zone = li.timezone ?? 'UTC';
  const keys: string[] = [];
  for (let weekday = 0; weekday < 7; weekday++)
    for (let hour = 0; hour < 24; hour++) if ((masks[weekday]! & (1 << hour)) !== 0) keys.push(dayPartKey(zone, weekday, hour));
  return keys;
}

export interface CompileIndexOptions {
  /** The build instant, epoch ms, recorded as `builtAtMs`; the core reads no clock. */
  now?: number;
  /** The placements `decide` serves; a slot naming another placement gets nothing. */
  placements?: readonly DeliveryPlacement[];
}

/** Rank order: tier rank descending, static eCPM descending, input order (a stable sort). */
function inRankOrder(lineItems: readonly DeliveryLineItem[]): DeliveryLineItem[] {
  const keyed = lineItems.map((li, at) => ({ li, at, rank: tierRankOf(li), ecpm: ecpmMicros(li.pricing) }));
  keyed.sort((a, b) => b.rank - a.rank || b.ecpm - a.ecpm || a.at - b.at);
  return keyed.map((k) => k.li);
}

export function compileIndex(lineItems: readonly DeliveryLineItem[], options: CompileIndexOptions = {}): DeliveryIndex {
  const items = Object.freeze(inRankOrder(lineItems));
  for (const zone of new Set(items.map((li) => li.timezone ?? 'UTC'))) assertTimeZone(zone);
  const sides = items.map(compileSides);
  const n = items.length;
  const oneOf = (pick: Parameters<typeof foldOneOf>[1]) => buildPostingIndex(n, (i) => foldOneOf(items[i]!, pick));
  const anyOf = (pick: Parameters<typeof foldAnyOf>[1]) => buildPostingIndex(n, (i) => foldAnyOf(items[i]!, pick));
  const exclusion = (pick: Parameters<typeof foldExclusion>[1]) => buildExcludeIndex(n, (i) => foldExclusion(items[i]!, pick));
  const dayPartZones = new Set<string>();
  for (const li of items) if (foldDayParts(li) !== undefined) dayPartZones.add(li.timezone ?? 'UTC');
  return Object.freeze({
    lineItems: items,
    builtAtMs: options.now,
    positionOf: new Map(items.map((li, position) => [li.id, position])),
    placements: new Map((options.placements ?? []).map((p) => [p.id, p])),
    placementFits: new Map((options.placements ?? []).map((p) => [p.id, placementFit(p)])),
    tierRank: Uint8Array.from(items, tierRankOf),
    tierEnd: Int32Array.from([0, 1, 2, 3], (rank) => {
      const end = items.findIndex((li) => tierRankOf(li) < rank);
      return end < 0 ? items.length : end;
    }),
    ecpmMicros: Float64Array.from(items, (li) => ecpmMicros(li.pricing)),
    costMicros: Object.freeze(items.map((li) => impressionCostMicros(li))),
    compiled: Object.freeze(sides.map((s) => s.full)),
    residual: Object.freeze(sides.map((s) => s.residual)),
    placement: oneOf((t) => nonEmptyOr(t.placements)),
    country: oneOf(countriesOnly),
    deviceType: oneOf((t) => lowered(t.deviceTypes)),
    keywordsAny: anyOf((t) => lowered(t.keywords?.any)),
    segmentsAny: anyOf((t) => nonEmptyOr(t.segments?.any)),
    os: oneOf((t) => lowered(t.os)),
    browser: oneOf((t) => lowered(t.browsers)),
    languages: anyOf((t) => lowered(t.languages)),
    dayParts: buildPostingIndex(n, (i) => dayPartKeys(items[i]!)),
    dayPartZones: Object.freeze([...dayPartZones]),
    keywordsNone: exclusion((t) => lowered(t.keywords?.none)),
    segmentsNone: exclusion((t) => nonEmptyOr(t.segments?.none)),
    excludeOs: exclusion((t) => lowered(t.exclude?.os)),
    radius: buildRadiusColumns(items.map((li) => columnarRadius(li) ?? {})),
    domainsBlock: exclusion((t) => lowered(t.domains?.block)),
    words: wordsFor(n),
  });
}

/**
 * The line items whose targeting admits the request, in index order: the
 * intersection of the posting sets (an OR of the sets of the request's values
 * per dimension), minus the exclusion sets, then the radius columns and the
 * remaining compiled checks on the survivors. Pure: same index and context, same answer.
 */
export function candidates(index: DeliveryIndex, ctx: RequestContext | PreparedRequest): DeliveryLineItem[] {
  const scan = new TargetingScan(index, prepareRequest(ctx));
  const found: DeliveryLineItem[] = [];
  for (let position = scan.peek(); position >= 0; scan.skip(), position = scan.peek()) found.push(index.lineItems[position]!);
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
  [
    index.placement,
    index.country,
    index.deviceType,
    index.keywordsAny,
    index.segmentsAny,
    index.os,
    index.browser,
    index.languages,
    index.dayParts,
  ]
    .map(postingBytes)
    .reduce((a, b) => a + b, 0) +
  [index.keywordsNone, index.segmentsNone, index.excludeOs, index.domainsBlock]
    .flatMap((byValue) => [...byValue.values()])
    .reduce((sum, bits) => sum + bits.byteLength, 0);
