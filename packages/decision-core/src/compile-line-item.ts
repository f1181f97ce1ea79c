import type { Targeting } from '@adplatform/domain';
import type { DeliveryLineItem } from './delivery-types.js';
import {
  columnarRadius,
  compileSides,
  countriesOnly,
  foldAnyOf,
  foldDayParts,
  foldExclusion,
  foldOneOf,
  lowered,
  mayLeaveChecks,
  nonEmptyOr,
} from './index-fold.js';
import { assertTimeZone } from './local-time.js';
import type { CompiledTargeting } from './match-targeting.js';
import { ecpmMicros, impressionCostMicros, tierRankOf } from './ranking.js';
import { dayPartKey } from './targeting-scan.js';

/**
 * Everything the index derives from one line item alone: its rank keys, its compiled targeting and
 * the values it posts under in each bitset. `compileIndex` compiles only the items it cannot take
 * from its `previous` index; the index keeps these facts in per-position arrays and posting columns,
 * not as this object.
 */
export interface CompiledLineItem {
  readonly lineItem: DeliveryLineItem;
  readonly tierRank: number;
  readonly ecpmMicros: number;
  readonly costMicros: bigint;
  /** The checks the bitsets and radius columns do not guarantee (`CompiledSides.residual`). */
  readonly residual: CompiledTargeting | undefined;
  /** Per `POSTING_DIMENSIONS` entry: the values the item posts under, or undefined when it does not restrict that dimension. */
  readonly postings: readonly (readonly string[] | undefined)[];
  /** Per `EXCLUSION_DIMENSIONS` entry: the values that rule the item out. */
  readonly exclusions: readonly (readonly string[] | undefined)[];
  /** The side whose `geo.radius` the radius columns hold. */
  readonly radius: Targeting | undefined;
}

type Fold = (li: DeliveryLineItem) => readonly string[] | undefined;

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

/** The posting bitsets of the index, in the order of `CompiledLineItem.postings`. */
export const POSTING_DIMENSIONS = [
  'placement',
  'country',
  'deviceType',
  'keywordsAny',
  'segmentsAny',
  'os',
  'browser',
  'languages',
  'dayParts',
] as const;
const POSTING_FOLDS: readonly Fold[] = [
  (li) => foldOneOf(li, (t) => nonEmptyOr(t.placements)),
  (li) => foldOneOf(li, countriesOnly),
  (li) => foldOneOf(li, (t) => lowered(t.deviceTypes)),
  (li) => foldAnyOf(li, (t) => lowered(t.keywords?.any)),
  (li) => foldAnyOf(li, (t) => nonEmptyOr(t.segments?.any)),
  (li) => foldOneOf(li, (t) => lowered(t.os)),
  (li) => foldOneOf(li, (t) => lowered(t.browsers)),
  (li) => foldAnyOf(li, (t) => lowered(t.languages)),
  dayPartKeys,
];

/** The exclusion bitsets of the index, in the order of `CompiledLineItem.exclusions`. */
export const EXCLUSION_DIMENSIONS = ['keywordsNone', 'segmentsNone', 'excludeOs', 'domainsBlock'] as const;
const EXCLUSION_FOLDS: readonly Fold[] = [
  (li) => foldExclusion(li, (t) => lowered(t.keywords?.none)),
  (li) => foldExclusion(li, (t) => nonEmptyOr(t.segments?.none)),
  (li) => foldExclusion(li, (t) => lowered(t.exclude?.os)),
  (li) => foldExclusion(li, (t) => lowered(t.domains?.block)),
];

/** Compiles one line item; throws RangeError for an unknown time zone. */
export function compileLineItem(li: DeliveryLineItem): CompiledLineItem {
  const zone = li.timezone ?? 'UTC';
  assertTimeZone(zone);
  return {
    lineItem: li,
    tierRank: tierRankOf(li),
    ecpmMicros: ecpmMicros(li.pricing),
    costMicros: impressionCostMicros(li),
    residual: mayLeaveChecks(li) ? compileSides(li).residual : undefined,
    postings: POSTING_FOLDS.map((fold) => fold(li)),
    exclusions: EXCLUSION_FOLDS.map((fold) => fold(li)),
    radius: columnarRadius(li),
  };
}
