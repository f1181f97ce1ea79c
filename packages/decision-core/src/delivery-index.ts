import type { Targeting } from '@adplatform/domain';
import {
  buildExcludeIndex,
  buildPostingIndex,
  excludedBy,
  type PostingIndex,
  postingBytes,
  postingFor,
  postingsForAny,
  wordsFor,
} from './bitset.js';
import type { DeliveryLineItem } from './delivery-types.js';
import { dayPartMasks } from './dimension-checks.js';
import { assertTimeZone } from './local-time.js';
import { type CompiledTargeting, compileTargeting, firstFailure, passesAll } from './match-targeting.js';
import { buildRadiusColumns, passesRadius, type RadiusColumns, radiusOnly } from './radius-columns.js';
import { type PreparedRequest, prepareRequest, type RequestContext } from './request-context.js';

/**
 * An immutable snapshot of deliverable line items: bitset posting indexes on
 * placement, country, device type, OS, browser, languages, `keywords.any`,
 * `segments.any` and day-parts, exclusion bitsets, radius columns, plus every
 * item's compiled targeting.
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

/** Checks a survivor of the bitset intersection has passed by construction. */
const INDEXED = new Set([
  'placements',
  'geo.countries',
  'deviceTypes',
  'keywords.any',
  'segments.any',
  'os',
  'browsers',
  'languages',
  'dayParts',
  'keywords.none',
  'segments.none',
  'exclude.os',
  'domains.block',
]);

const dayPartKey = (zone: string, weekday: number, hour: number) => `${zone} ${weekday * 24 + hour}`;

/** The hour-of-week keys an item's day-parts cover in its zone; undefined when it has none (no restriction). */
function dayPartKeys(li: DeliveryLineItem): string[] | undefined {
  const parts = li.targeting.dayParts;
  if (!parts || parts.length === 0) return undefined;
  const zone = li.timezone ?? 'UTC';
  const masks = dayPartMasks(parts);
  const keys: string[] = [];
  for (let weekday = 0; weekday < 7; weekday++)
    for (let hour = 0; hour < 24; hour++) if ((masks[weekday]! & (1 << hour)) !== 0) keys.push(dayPartKey(zone, weekday, hour));
  return keys;
}

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
  const residual = compiled.map((c, position) => {
    const columnar = radiusOnly(items[position]!.targeting);
    const checks = c.checks.filter((check) => !INDEXED.has(check.dimension) && !(columnar && check.dimension === 'geo.radius'));
    return checks.length > 0 ? Object.freeze({ checks: Object.freeze(checks) }) : undefined;
  });
  const targetingAt = (i: number) => items[i]!.targeting;
  const lowered = (list: readonly string[] | undefined) => nonEmptyOr(list, (v) => v.toLowerCase());
  const dayPartZones = new Set<string>();
  for (const li of items) if (li.targeting.dayParts?.length) dayPartZones.add(li.timezone ?? 'UTC');
  return Object.freeze({
    lineItems: items,
    builtAtMs: options.now,
    compiled: Object.freeze(compiled),
    residual: Object.freeze(residual),
    placement: buildPostingIndex(items.length, (i) => nonEmptyOr(targetingAt(i).placements)),
    country: buildPostingIndex(items.length, (i) => countriesOnly(targetingAt(i))),
    deviceType: buildPostingIndex(items.length, (i) => lowered(targetingAt(i).deviceTypes)),
    keywordsAny: buildPostingIndex(items.length, (i) => lowered(targetingAt(i).keywords?.any)),
    segmentsAny: buildPostingIndex(items.length, (i) => nonEmptyOr(targetingAt(i).segments?.any)),
    os: buildPostingIndex(items.length, (i) => lowered(targetingAt(i).os)),
    browser: buildPostingIndex(items.length, (i) => lowered(targetingAt(i).browsers)),
    languages: buildPostingIndex(items.length, (i) => lowered(targetingAt(i).languages)),
    dayParts: buildPostingIndex(items.length, (i) => dayPartKeys(items[i]!)),
    dayPartZones: Object.freeze([...dayPartZones]),
    keywordsNone: buildExcludeIndex(items.length, (i) => lowered(targetingAt(i).keywords?.none)),
    segmentsNone: buildExcludeIndex(items.length, (i) => nonEmptyOr(targetingAt(i).segments?.none)),
    excludeOs: buildExcludeIndex(items.length, (i) => lowered(targetingAt(i).exclude?.os)),
    radius: buildRadiusColumns(items.map((li) => li.targeting)),
    domainsBlock: buildExcludeIndex(items.length, (i) => lowered(targetingAt(i).domains?.block)),
    words: wordsFor(items.length),
  });
}

/**
 * The line items whose targeting admits the request, in index order: the
 * intersection of the posting sets (an OR of the sets of the request's values
 * per dimension), minus the exclusion sets, then the radius columns and the
 * remaining compiled checks on the survivors. Pure: same index and context, same answer.
 */
export function candidates(index: DeliveryIndex, ctx: RequestContext | PreparedRequest): DeliveryLineItem[] {
  const req = prepareRequest(ctx);
  const placement = postingFor(index.placement, req.placementId);
  const country = postingFor(index.country, req.country);
  const device = postingFor(index.deviceType, req.deviceType);
  const hours = index.dayPartZones.map((zone) => {
    const { weekday, hour } = req.localTime(zone);
    return dayPartKey(zone, weekday, hour);
  });
  // Each group is an OR of sets (the request matches through any one of its values); the groups are ANDed.
  const groups = [
    postingsForAny(index.dayParts, hours),
    postingsForAny(index.keywordsAny, req.keywords),
    postingsForAny(index.segmentsAny, req.segments),
    [postingFor(index.os, req.os)],
    [postingFor(index.browser, req.browser)],
    postingsForAny(index.languages, req.languages),
  ];
  const excluded: Uint32Array[] = [];
  excludedBy(index.keywordsNone, req.keywords, excluded);
  excludedBy(index.segmentsNone, req.segments, excluded);
  if (req.os !== undefined) excludedBy(index.excludeOs, [req.os], excluded);
  excludedBy(index.domainsBlock, req.domains, excluded);
  const { residual, lineItems, radius } = index;
  const { lat, lon } = req;
  const found: DeliveryLineItem[] = [];
  for (let w = 0; w < index.words; w++) {
    let bits = placement[w]! & country[w]! & device[w]!;
    for (let g = 0; g < groups.length && bits !== 0; g++) {
      const sets = groups[g]!;
      let either = 0;
      for (let s = 0; s < sets.length; s++) either |= sets[s]![w]!;
      bits &= either;
    }
    for (let x = 0; x < excluded.length && bits !== 0; x++) bits &= ~excluded[x]![w]!;
    while (bits !== 0) {
      const lowest = bits & -bits;
      bits ^= lowest;
      const position = (w << 5) + 31 - Math.clz32(lowest);
      const rest = residual[position];
      if (!passesRadius(radius, position, lat, lon)) continue;
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
