import { type PostingIndex, postingBytes, wordsFor } from './bitset.js';
import { type BlocklistIndex, compileBlocklists } from './blocklists.js';
import { EXCLUSION_DIMENSIONS, POSTING_DIMENSIONS } from './compile-line-item.js';
import { type PlacementFit, placementFit } from './creative-fit.js';
import type { DeliveryLineItem, DeliveryPlacement } from './delivery-types.js';
import { compilePlacementFloors, type FloorTable } from './floor-rules.js';
import { assembleBitsets } from './index-bitsets.js';
import { compileSides } from './index-fold.js';
import { perPosition, rankInputs } from './index-rebuild.js';
import { type CompiledTargeting, firstFailure } from './match-targeting.js';
import { gatherRadius, type PostingColumn } from './posting-columns.js';
import type { RadiusColumns } from './radius-columns.js';
import { type PreparedRequest, prepareRequest, type RequestContext } from './request-context.js';
import { TargetingScan } from './targeting-scan.js';

/**
 * An immutable snapshot of deliverable line items, in rank order (tier, then static eCPM, highest
 * first, so a scan in position order meets the best candidates first): bitset posting indexes on
 * placement, country, device type, OS, browser, languages, `keywords.any`,
 * `segments.any` and day-parts, exclusion bitsets, radius columns, plus the residual checks of the
 * items whose targeting the bitsets do not hold whole.
 * Never mutated after `compileIndex` (`targetingAt` and `positionOf` fill private memos, which no
 * caller can tell apart); a change builds a new one that replaces it, from this one (`previous`).
 */
export interface DeliveryIndex {
  /** In rank order: tier rank descending, then static eCPM descending, then input order. */
  readonly lineItems: readonly DeliveryLineItem[];
  /** How many line items this build took compiled from `previous` (0 for a build from scratch). */
  readonly reusedLineItems: number;
  /** Each bitset dimension's per-position values (`POSTING_DIMENSIONS`, `EXCLUSION_DIMENSIONS` order), which a rebuild copies. */
  readonly columns: { readonly postings: readonly PostingColumn[]; readonly exclusions: readonly PostingColumn[] };
  readonly builtAtMs: number | undefined;
  /** Line item id → position (a map built on first use). */
  positionOf(lineItemId: string): number | undefined;
  /** The placements delivery serves, by id. */
  readonly placements: ReadonlyMap<string, DeliveryPlacement>;
  /** Each placement's formats and sizes as sets, for creative fit. */
  readonly placementFits: ReadonlyMap<string, PlacementFit>;
  /** The compiled floor rules of the placements that have any (`compileFloorRules`). */
  readonly placementFloors: ReadonlyMap<string, FloorTable>;
  /** Advertiser domains and creative categories → positions and creative ids, for a request's `badv` / `bcat`. */
  readonly blocklists: BlocklistIndex;
  /** Per position: tier rank (sponsorship 3 … house 0). */
  readonly tierRank: Uint8Array;
  /** Per tier rank: the first position after that tier (positions are in rank order). */
  readonly tierEnd: Int32Array;
  /** Per position: eCPM in micros with the default predicted rates (see `ecpmMicros`). */
  readonly ecpmMicros: Float64Array;
  /** Per position: what one impression costs at the item's own price (`impressionCostMicros`). */
  readonly costMicros: readonly bigint[];
  /**
   * Both targetings of the item at a position (the campaign's checks named `campaign.…`), for
   * `explain`: compiled on first use and kept, since most items' targeting lives whole in the bitsets.
   */
  targetingAt(position: number): CompiledTargeting;
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

export interface CompileIndexOptions {
  /** The build instant, epoch ms, recorded as `builtAtMs`; the core reads no clock. */
  now?: number;
  /** The placements `decide` serves; a slot naming another placement gets nothing. */
  placements?: readonly DeliveryPlacement[];
  /**
   * The index this one replaces: every line item that is the same object as one of `previous`'s is
   * not compiled again (its rank keys, residual checks and bitset values are copied by position, and
   * bitsets the change did not touch are shared when nothing moved in rank order), so a rebuild after
   * a small change costs the changed items plus O(line items) of copying. Pass `previous.lineItems`
   * with the changed items replaced in place: the others are then found without hashing them all. The result is the same as
   * without it; `previous` is not modified.
   */
  previous?: DeliveryIndex;
}

/** Per tier rank: the first position after that tier (positions are in rank order). */
function tierEnds(ranks: Uint8Array): Int32Array {
  return Int32Array.from([0, 1, 2, 3], (rank) => {
    const end = ranks.findIndex((r) => r < rank);
    return end < 0 ? ranks.length : end;
  });
}

/** Id → position, built on first use (explanations naming line items): most snapshots never need it. */
function positionsById(items: readonly DeliveryLineItem[]): (lineItemId: string) => number | undefined {
  let byId: Map<string, number> | undefined;
  return (lineItemId) => {
    byId ??= new Map(items.map((li, position) => [li.id, position]));
    return byId.get(lineItemId);
  };
}

/** Compiles an item's whole targeting when first asked (explanations only), then keeps it: a memo, not a change of the snapshot. */
function fullTargeting(items: readonly DeliveryLineItem[]): (position: number) => CompiledTargeting {
  let memo: (CompiledTargeting | undefined)[] | undefined;
  return (position) => {
    memo ??= new Array(items.length);
    let compiled = memo[position];
    if (compiled === undefined) {
      compiled = compileSides(items[position]!).full;
      memo[position] = compiled;
    }
    return compiled;
  };
}

const zoneOfKey = (key: string) => key.slice(0, key.lastIndexOf(' '));

export function compileIndex(lineItems: readonly DeliveryLineItem[], options: CompileIndexOptions = {}): DeliveryIndex {
  const { previous } = options;
  const ranked = rankInputs(lineItems, previous);
  const { gather, freshAt } = ranked;
  const { postingColumns, exclusionColumns, postings, exclusions } = assembleBitsets(gather, ranked.fresh, previous);
  const posting = (dimension: (typeof POSTING_DIMENSIONS)[number]) => postings[POSTING_DIMENSIONS.indexOf(dimension)]!;
  const exclusion = (dimension: (typeof EXCLUSION_DIMENSIONS)[number]) => exclusions[EXCLUSION_DIMENSIONS.indexOf(dimension)]!;
  const { items, tierRank, ecpmMicros, costMicros, residual } = perPosition(lineItems, ranked, previous);
  return Object.freeze({
    lineItems: items,
    reusedLineItems: ranked.reused,
    columns: Object.freeze({ postings: postingColumns, exclusions: exclusionColumns }),
    builtAtMs: options.now,
    positionOf: positionsById(items),
    placements: new Map((options.placements ?? []).map((p) => [p.id, p])),
    placementFits: new Map((options.placements ?? []).map((p) => [p.id, placementFit(p)])),
    placementFloors: compilePlacementFloors(options.placements ?? []),
    blocklists: compileBlocklists(items),
    tierRank,
    tierEnd: tierEnds(tierRank),
    ecpmMicros,
    costMicros,
    targetingAt: fullTargeting(items),
    residual,
    placement: posting('placement'),
    country: posting('country'),
    deviceType: posting('deviceType'),
    keywordsAny: posting('keywordsAny'),
    segmentsAny: posting('segmentsAny'),
    os: posting('os'),
    browser: posting('browser'),
    languages: posting('languages'),
    dayParts: posting('dayParts'),
    dayPartZones: Object.freeze([...new Set([...posting('dayParts').byValue.keys()].map(zoneOfKey))]),
    keywordsNone: exclusion('keywordsNone'),
    segmentsNone: exclusion('segmentsNone'),
    excludeOs: exclusion('excludeOs'),
    radius: gatherRadius(gather, (p) => freshAt(p).radius, previous?.radius),
    domainsBlock: exclusion('domainsBlock'),
    words: wordsFor(gather.size),
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
    const result = firstFailure(index.targetingAt(position), req);
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
