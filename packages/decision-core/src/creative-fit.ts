import type { CreativeFormat, DeliveryCreative, DeliveryPlacement } from './delivery-types.js';
import { sizeKey } from './floor-rules.js';
import { unitOfString } from './unit-hash.js';

/**
 * Which creatives of a line item a placement can show, and which one to show. An image or HTML
 * creative fits when the placement accepts its format and its size is one of the placement's sizes;
 * video and native fit by format alone.
 */
export interface PlacementFit {
  readonly formats: ReadonlySet<CreativeFormat>;
  /** `width × 65,536 + height` of each accepted size. */
  readonly sizes: ReadonlySet<number>;
  /** Ids of creatives the request blocks (a category in its `bcat`): they fit nowhere in it. */
  readonly blocked?: ReadonlySet<string> | undefined;
}

export function placementFit(placement: DeliveryPlacement): PlacementFit {
  return {
    formats: new Set(placement.formats),
    sizes: new Set(placement.sizes.map((s) => sizeKey(s.width, s.height))),
    blocked: undefined,
  };
}

/** The placement's fit narrowed to a slot's formats and sizes (each only where given), keeping its blocked creatives. */
export function narrowedFit(
  fit: PlacementFit,
  formats: readonly CreativeFormat[] | undefined,
  sizes: readonly { readonly width: number; readonly height: number }[] | undefined,
): PlacementFit {
  return {
    formats: formats === undefined ? fit.formats : new Set(formats.filter((f) => fit.formats.has(f))),
    sizes: sizes === undefined ? fit.sizes : new Set(sizes.map((s) => sizeKey(s.width, s.height)).filter((k) => fit.sizes.has(k))),
    blocked: fit.blocked,
  };
}

export function fitsPlacement(creative: DeliveryCreative, fit: PlacementFit): boolean {
  if (!fit.formats.has(creative.format)) return false;
  if (fit.blocked?.has(creative.id)) return false;
  if (creative.format === 'video' || creative.format === 'native') return true;
  return creative.width !== undefined && creative.height !== undefined && fit.sizes.has(sizeKey(creative.width, creative.height));
}

const weightOf = (creative: DeliveryCreative) => Math.max(0, creative.weight);

/**
 * Weighted rotation over the fitting creatives: each is shown in proportion to its `weight`, chosen
 * by `unit` (uniform in [0, 1)). Creatives sharing an `experimentId` are an A/B test: the test as a
 * whole gets the sum of its arms' weights, and when `userKey` is given a stable hash of the user key
 * and the experiment id picks the arm by weight, so a user stays in one arm; without it the arm is
 * the rotation's own pick, in the same proportions. Allocates nothing without experiments.
 */
export function chooseCreative(
  creatives: readonly DeliveryCreative[] | undefined,
  fit: PlacementFit,
  unit: number,
  userKey?: string,
): DeliveryCreative | undefined {
  if (creatives === undefined) return undefined;
  let total = 0;
  for (const c of creatives) if (fitsPlacement(c, fit)) total += weightOf(c);
  if (total <= 0) return undefined;
  let chosen: DeliveryCreative | undefined;
  let point = unit * total;
  for (const c of creatives) {
    if (!fitsPlacement(c, fit) || weightOf(c) === 0) continue;
    chosen = c;
    point -= weightOf(c);
    if (point < 0) break;
  }
  const experiment = chosen?.experimentId;
  if (experiment === undefined || userKey === undefined) return chosen;
  return chooseArm(creatives, fit, experiment, unitOfString(`${experiment}\u0000${userKey}`)) ?? chosen;
}

function chooseArm(creatives: readonly DeliveryCreative[], fit: PlacementFit, experimentId: string, unit: number) {
  let total = 0;
  for (const c of creatives) if (c.experimentId === experimentId && fitsPlacement(c, fit)) total += weightOf(c);
  let point = unit * total;
  let chosen: DeliveryCreative | undefined;
  for (const c of creatives) {
    if (c.experimentId !== experimentId || !fitsPlacement(c, fit) || weightOf(c) === 0) continue;
    chosen = c;
    point -= weightOf(c);
    if (point < 0) break;
  }
  return chosen;
}
