import { isNumber, isObject, own } from './json-checks.js';

/**
 * Prebid's price buckets for the `hb_pb` targeting key, in integer micros. A CPM is rounded down to
 * its range's increment (counted from the range's minimum) and capped at the last range's maximum.
 */
export interface PriceRange {
  readonly minMicros: number;
  readonly maxMicros: number;
  readonly incrementMicros: number;
}

export interface PriceGranularity {
  /** Decimal places of the bucket string; default 2. */
  readonly precision: number;
  readonly ranges: readonly PriceRange[];
}

const micros = (units: number): number => Math.round(units * 1_000_000);
const range = (min: number, max: number, increment: number): PriceRange => ({
  minMicros: micros(min),
  maxMicros: micros(max),
  incrementMicros: micros(increment),
});

/** Prebid.js and Prebid Server's named granularities. */
export const PRICE_GRANULARITIES: Readonly<Record<string, PriceGranularity>> = {
  low: { precision: 2, ranges: [range(0, 5, 0.5)] },
  medium: { precision: 2, ranges: [range(0, 20, 0.1)] },
  high: { precision: 2, ranges: [range(0, 20, 0.01)] },
  auto: { precision: 2, ranges: [range(0, 5, 0.05), range(5, 10, 0.1), range(10, 20, 0.5)] },
  dense: { precision: 2, ranges: [range(0, 3, 0.01), range(3, 8, 0.05), range(8, 20, 0.5)] },
};
const ALIASES: Readonly<Record<string, string>> = { med: 'medium' };

/** The default when a request asks for targeting without naming a granularity (Prebid Server's default). */
export const DEFAULT_GRANULARITY = PRICE_GRANULARITIES.medium!;

export function priceGranularityProblem(value: unknown, path: string): string | undefined {
  const parsed = parsePriceGranularity(value, path);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** A granularity from `ext.prebid.targeting.pricegranularity` (a name or `{precision, ranges}`), or the problem with it. */
export function parsePriceGranularity(value: unknown, path: string): PriceGranularity | string {
  if (value === undefined) return DEFAULT_GRANULARITY;
  if (typeof value === 'string') {
    const name = Object.hasOwn(ALIASES, value) ? ALIASES[value]! : value;
    const named = Object.hasOwn(PRICE_GRANULARITIES, name) ? PRICE_GRANULARITIES[name] : undefined;
    return named ?? `${path} must be one of low, medium, high, auto, dense or {precision, ranges}`;
  }
  if (!isObject(value)) return `${path} must be a name or an object with ranges`;
  const precision = own(value, 'precision') ?? 2;
  if (!(Number.isInteger(precision) && (precision as number) >= 0 && (precision as number) <= 6))
    return `${path}.precision must be an integer between 0 and 6`;
  const ranges = own(value, 'ranges');
  if (!Array.isArray(ranges) || ranges.length === 0) return `${path}.ranges must contain at least one range`;
  const parsed: PriceRange[] = [];
  let previousMax = 0;
  for (let i = 0; i < ranges.length; i++) {
    const r: unknown = ranges[i];
    const at = `${path}.ranges[${i}]`;
    if (!isObject(r)) return `${at} must be an object`;
    const max = own(r, 'max');
    const increment = own(r, 'increment');
    const min = own(r, 'min') ?? previousMax / 1_000_000;
    if (!(isNumber(min) && min >= 0)) return `${at}.min must be a non-negative number`;
    if (!(isNumber(max) && max > min && max <= 1_000_000)) return `${at}.max must be a number above the range's minimum`;
    if (!(isNumber(increment) && increment > 0 && micros(increment) >= 1)) return `${at}.increment must be a positive number`;
    if (micros(min) < previousMax) return `${at}.min must not overlap the previous range`;
    parsed.push(range(min, max, increment));
    previousMax = micros(max);
  }
  return { precision: precision as number, ranges: parsed };
}

/** The bucket of a CPM in micros, in micros; 0 below the first range. */
export function priceBucketMicros(cpmMicros: number, granularity: PriceGranularity): number {
  const { ranges } = granularity;
  const last = ranges[ranges.length - 1];
  if (last === undefined || cpmMicros <= 0) return 0;
  if (cpmMicros > last.maxMicros) return last.maxMicros;
  for (const r of ranges) {
    if (cpmMicros > r.maxMicros) continue;
    if (cpmMicros < r.minMicros) return 0;
    return r.minMicros + Math.floor((cpmMicros - r.minMicros) / r.incrementMicros) * r.incrementMicros;
  }
  return 0;
}

/** `hb_pb`: the bucket as a decimal string with the granularity's precision (truncated, never rounded up). */
export function priceBucket(cpmMicros: number, granularity: PriceGranularity): string {
  return formatMicros(priceBucketMicros(cpmMicros, granularity), granularity.precision);
}

/** Micros as a decimal string with `digits` places, truncated. Exact: integer arithmetic only. */
export function formatMicros(value: number, digits: number): string {
  const whole = Math.floor(value / 1_000_000);
  const fraction = String(value - whole * 1_000_000)
    .padStart(6, '0')
    .slice(0, digits);
  return digits === 0 ? String(whole) : `${whole}.${fraction}`;
}
