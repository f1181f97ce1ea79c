import type { Targeting } from '@adplatform/domain';
import type { Check } from './check.js';
import type { DeliveryLineItem } from './delivery-types.js';
import { dayPartMasks } from './dimension-checks.js';
import { type CompiledTargeting, compileTargeting, firstFailure, type TargetingResult } from './match-targeting.js';
import { radiusOnly } from './radius-columns.js';
import { type PreparedRequest, prepareRequest, type RequestContext } from './request-context.js';

/**
 * How a line item's two targetings (its campaign's and its own, both of which must match) fold into
 * the index's posting bitsets. A one-of dimension (placements, a countries-only geo, device types,
 * OS, browsers) folds as the intersection of the two lists; an exclusion list (`keywords.none`,
 * `segments.none`, `exclude.os`, `domains.block`) as their union; day-parts as the AND of the two
 * hour masks (both read in the item's zone). An any-of group (`keywords.any`, `segments.any`,
 * languages) is one OR per item, so only one side folds (the line item's when both have one) and
 * the other stays a residual check. Everything else is a residual check on its side.
 */

/** Check names a survivor of the bitset intersection has passed by construction. */
const ONE_OF = ['placements', 'geo.countries', 'deviceTypes', 'os', 'browsers', 'dayParts'];
const EXCLUSIONS = ['keywords.none', 'segments.none', 'exclude.os', 'domains.block'];
const ANY_OF = ['keywords.any', 'segments.any', 'languages'] as const;

export const nonEmptyOr = (list: readonly string[] | undefined, fold: (v: string) => string = (v) => v) =>
  list && list.length > 0 ? list.map(fold) : undefined;
export const lowered = (list: readonly string[] | undefined) => nonEmptyOr(list, (v) => v.toLowerCase());

export const countriesOnly = (t: Targeting | undefined): readonly string[] | undefined => {
  const geo = t?.geo;
  if (!geo?.countries?.length) return undefined;
  const others = [geo.regions, geo.cities, geo.metros, geo.radius].some((list) => (list?.length ?? 0) > 0);
  return others ? undefined : geo.countries.map((c) => c.toUpperCase());
};

/** Both sides must admit the value: the intersection (possibly empty: then nothing matches), or the one side that restricts. */
export function intersectLists(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const inB = new Set(b);
  return [...new Set(a)].filter((v) => inB.has(v));
}

/** Either side rules the value out: the union. */
export function unionLists(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return [...new Set([...a, ...b])];
}

/** The one-of posting values of an item on a dimension, both sides intersected. */
export function foldOneOf(li: DeliveryLineItem, pick: (t: Targeting) => readonly string[] | undefined): readonly string[] | undefined {
  return intersectLists(li.campaignTargeting ? pick(li.campaignTargeting) : undefined, pick(li.targeting));
}

/** The exclusion values of an item on a dimension, both sides united. */
export function foldExclusion(li: DeliveryLineItem, pick: (t: Targeting) => readonly string[] | undefined): readonly string[] | undefined {
  return unionLists(li.campaignTargeting ? pick(li.campaignTargeting) : undefined, pick(li.targeting));
}

/** The any-of group that folds: the line item's when it has one, else the campaign's. */
export function foldAnyOf(li: DeliveryLineItem, pick: (t: Targeting) => readonly string[] | undefined): readonly string[] | undefined {
  return pick(li.targeting) ?? (li.campaignTargeting ? pick(li.campaignTargeting) : undefined);
}

/** The day-part hour masks of an item (7 × 24 bits), both sides ANDed; undefined when neither restricts. */
export function foldDayParts(li: DeliveryLineItem): Uint32Array | undefined {
  const own = li.targeting.dayParts?.length ? dayPartMasks(li.targeting.dayParts) : undefined;
  const campaign = li.campaignTargeting?.dayParts?.length ? dayPartMasks(li.campaignTargeting.dayParts) : undefined;
  if (own === undefined || campaign === undefined) return own ?? campaign;
  return own.map((mask, day) => mask & campaign[day]!);
}

/** The side whose `geo.radius` is held as typed-array columns: the line item's if radius-only, else the campaign's. */
export function columnarRadius(li: DeliveryLineItem): Targeting | undefined {
  if (radiusOnly(li.targeting)) return li.targeting;
  return li.campaignTargeting && radiusOnly(li.campaignTargeting) ? li.campaignTargeting : undefined;
}

const OWN_FOLDED: ReadonlySet<string> = new Set([...ONE_OF, ...EXCLUSIONS, ...ANY_OF]);
const OWN_FOLDED_WITH_RADIUS: ReadonlySet<string> = new Set([...OWN_FOLDED, 'geo.radius']);

/** The campaign side folds its any-of groups only where the line item has none of its own. */
function campaignFoldedFor(own: readonly Check[], radius: boolean): ReadonlySet<string> {
  const folded = new Set([...ONE_OF, ...EXCLUSIONS]);
  for (const group of ANY_OF) if (!own.some((c) => c.dimension === group)) folded.add(group);
  if (radius) folded.add('geo.radius');
  return folded;
}

const onCampaign = (check: Check): Check => ({
  dimension: `campaign.${check.dimension}`,
  pass: check.pass,
  seen: check.seen,
  wanted: check.wanted,
});

export interface CompiledSides {
  /** Every check of both sides, the campaign's first (named `campaign.…`): what `explain` walks. */
  readonly full: CompiledTargeting;
  /** The checks the bitsets and radius columns do not guarantee; undefined when none are left. */
  readonly residual: CompiledTargeting | undefined;
}

/** Compiles both targetings of an item and splits off what the index folds. */
export function compileSides(li: DeliveryLineItem): CompiledSides {
  const zone = li.timezone ?? 'UTC';
  const own = compileTargeting(li.targeting, zone).checks;
  const campaign = li.campaignTargeting ? compileTargeting(li.campaignTargeting, zone).checks : [];
  const columnar = columnarRadius(li);
  const ownFolded = columnar === li.targeting ? OWN_FOLDED_WITH_RADIUS : OWN_FOLDED;
  const campaignFolded = campaign.length === 0 ? OWN_FOLDED : campaignFoldedFor(own, columnar !== undefined && columnar !== li.targeting);
  const full = [...campaign.map(onCampaign), ...own];
  const residual = [
    ...campaign.filter((c) => !campaignFolded.has(c.dimension)).map(onCampaign),
    ...own.filter((c) => !ownFolded.has(c.dimension)),
  ];
  return {
    full: Object.freeze({ checks: Object.freeze(full) }),
    residual: residual.length > 0 ? Object.freeze({ checks: Object.freeze(residual) }) : undefined,
  };
}

const FOLDABLE_KEYS: ReadonlySet<string> = new Set([
  'placements',
  'geo',
  'deviceTypes',
  'os',
  'browsers',
  'languages',
  'keywords',
  'segments',
  'dayParts',
  'domains',
  'exclude',
]);
const ANY_OF_PICKS = [(t: Targeting) => t.keywords?.any, (t: Targeting) => t.segments?.any, (t: Targeting) => t.languages];
const present = (value: unknown) => value !== undefined && !(Array.isArray(value) && value.length === 0);

/** Might one side leave residual checks? False only when every key it sets folds into the bitsets or radius columns. */
function sideMayLeaveChecks(t: Targeting, radiusIsColumnar: boolean): boolean {
  for (const [key, value] of Object.entries(t)) {
    if (!present(value)) continue;
    if (!FOLDABLE_KEYS.has(key)) return true;
    if (key === 'geo' && countriesOnly(t) === undefined && !(radiusIsColumnar && radiusOnly(t))) return true;
    if (key === 'keywords' && present(t.keywords?.all)) return true;
    if (key === 'domains' && present(t.domains?.allow)) return true;
    if (key === 'exclude' && Object.entries(t.exclude ?? {}).some(([k, v]) => k !== 'os' && present(v))) return true;
  }
  return false;
}

/**
 * Might `compileSides(li).residual` be non-empty? A conservative test that reads the targeting
 * objects only, so the index compiles no check at all for the many items whose targeting the
 * bitsets hold whole (false ⇒ no residual; true ⇒ compile and see).
 */
export function mayLeaveChecks(li: DeliveryLineItem): boolean {
  const columnar = columnarRadius(li);
  if (sideMayLeaveChecks(li.targeting, columnar === li.targeting)) return true;
  const campaign = li.campaignTargeting;
  if (campaign === undefined) return false;
  // Only one any-of group per dimension folds (the line item's); the campaign's is then a check.
  if (ANY_OF_PICKS.some((pick) => present(pick(li.targeting)) && present(pick(campaign)))) return true;
  return sideMayLeaveChecks(campaign, columnar === campaign);
}

/** Does a line item admit the request on both sides? Compiles on every call: the reference semantics, and the "why". */
export function matchLineItem(li: DeliveryLineItem, ctx: RequestContext | PreparedRequest): TargetingResult {
  return firstFailure(compileSides(li).full, prepareRequest(ctx));
}
