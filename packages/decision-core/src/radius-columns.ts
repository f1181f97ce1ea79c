import type { Targeting } from '@adplatform/domain';
import { distanceKm } from './geo-distance.js';

/**
 * The `geo.radius` check of every line item whose geo is only a radius list, as columns:
 * item `p`'s circles are `circles[3 * k .. 3 * k + 2]` (lat, lon, km) for `start[p] <= k < start[p + 1]`.
 * No closure or object per item; the check is the same `distanceKm(...) <= km` as the compiled one.
 */
export interface RadiusColumns {
  readonly start: Int32Array;
  readonly circles: Float64Array;
}

/** The geo is a non-empty radius list and nothing else: the compiled check is then exactly `geo.radius`. */
export const radiusOnly = (t: Targeting): boolean => {
  const geo = t.geo;
  if (!geo?.radius?.length) return false;
  return ![geo.countries, geo.regions, geo.cities, geo.metros].some((list) => (list?.length ?? 0) > 0);
};

export function buildRadiusColumns(targetings: readonly Targeting[]): RadiusColumns {
  const start = new Int32Array(targetings.length + 1);
  const values: number[] = [];
  targetings.forEach((t, position) => {
    if (radiusOnly(t)) for (const c of t.geo?.radius ?? []) values.push(c.lat, c.lon, c.km);
    start[position + 1] = values.length / 3;
  });
  return { start, circles: Float64Array.from(values) };
}

/** A lower bound of the km per degree of latitude (6,371.0088 × π / 180 = 111.195…): a cheap reject before the haversine. */
const KM_PER_DEGREE_FLOOR = 111.19;

/** Does the request's point fall within one of item `position`'s circles? True when the item has none. */
export function passesRadius(columns: RadiusColumns, position: number, lat: number | undefined, lon: number | undefined): boolean {
  const from = columns.start[position]!;
  const to = columns.start[position + 1]!;
  if (from === to) return true;
  if (lat === undefined || lon === undefined) return false;
  const circles = columns.circles;
  for (let k = from; k < to; k++) {
    const cLat = circles[3 * k]!;
    const km = circles[3 * k + 2]!;
    // For latitudes 180° or less apart the haversine distance is at least that arc of meridian; 1 km of margin for rounding.
    const dLat = Math.abs(lat - cLat);
    if (dLat <= 180 && dLat * KM_PER_DEGREE_FLOOR > km + 1) continue;
    if (distanceKm(lat, lon, cLat, circles[3 * k + 1]!) <= km) return true;
  }
  return false;
}
