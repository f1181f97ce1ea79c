import type { AllowBlock, DayPart, GeoTargeting, TargetingDimensions } from '@adplatform/domain';
import { type Check, listed, nonEmpty, oneOf, setCheck } from './check.js';
import { distanceKm } from './geo-distance.js';
import type { PreparedRequest } from './request-context.js';

/** One targeting dimension compiled into the checks that must all pass. */
export interface DimensionChecks {
  readonly dimension: string;
  readonly checks: readonly Check[];
}

const same = (v: string) => v;
const lower = (v: string) => v.toLowerCase();
const upper = (v: string) => v.toUpperCase();

function geoCheck(geo: GeoTargeting): Check | undefined {
  const parts: Check[] = [];
  if (nonEmpty(geo.countries)) parts.push(oneOf('geo.countries', geo.countries, upper, (r) => r.country));
  if (nonEmpty(geo.regions)) parts.push(oneOf('geo.regions', geo.regions, upper, (r) => r.region));
  if (nonEmpty(geo.cities)) parts.push(oneOf('geo.cities', geo.cities, same, (r) => r.city));
  if (nonEmpty(geo.metros)) parts.push(oneOf('geo.metros', geo.metros, same, (r) => r.metro));
  if (nonEmpty(geo.radius)) parts.push(radiusCheck(geo));
  const [first] = parts;
  if (parts.length <= 1) return first;
  // The geo sub-keys are one set of places: being in any one of them is enough.
  return {
    dimension: 'geo',
    pass: (req) => parts.some((part) => part.pass(req)),
    seen: (req) => parts.map((part) => part.seen(req)).join(', '),
    wanted: parts.map((part) => `${part.dimension} ${part.wanted}`).join(' or '),
  };
}

function radiusCheck(geo: GeoTargeting): Check {
  const circles = geo.radius ?? [];
  return {
    dimension: 'geo.radius',
    pass: (req) => {
      const { lat, lon } = req;
      if (lat === undefined || lon === undefined) return false;
      for (const c of circles) if (distanceKm(lat, lon, c.lat, c.lon) <= c.km) return true;
      return false;
    },
    seen: (req) => `location ${req.lat === undefined || req.lon === undefined ? 'none' : `${req.lat},${req.lon}`}`,
    wanted: circles.map((c) => `within ${c.km} km of ${c.lat},${c.lon}`).join(' or '),
  };
}

const HOURS = (start: number, end: number) => ((2 ** end - 1) & ~(2 ** start - 1)) >>> 0;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Day-parts as 7 bitmasks of 24 hours (index 0 = Monday), the form both the check and the index read. */
export function dayPartMasks(parts: readonly DayPart[]): Uint32Array {
  const masks = new Uint32Array(7);
  for (const part of parts) for (const day of part.days) masks[DAYS.indexOf(day)]! |= HOURS(part.startHour, part.endHour);
  return masks;
}

/** Day-parts as 7 bitmasks of 24 hours, read in the line item's time zone. */
function dayPartsCheck(parts: readonly DayPart[], timeZone: string): Check {
  const masks = dayPartMasks(parts);
  return {
    dimension: 'dayParts',
    pass: (req) => {
      const { weekday, hour } = req.localTime(timeZone);
      return ((masks[weekday] ?? 0) & (1 << hour)) !== 0;
    },
    seen: (req) => {
      const { weekday, hour } = req.localTime(timeZone);
      return `local time ${DAYS[weekday]} ${hour}h (${timeZone})`;
    },
    wanted: parts.map((p) => `${p.days.join('/')} ${p.startHour}-${p.endHour}h`).join(' or '),
  };
}

function allowBlock(dimension: string, lists: AllowBlock, pick: (req: PreparedRequest) => ReadonlySet<string>): Check[] {
  const checks: Check[] = [];
  if (nonEmpty(lists.allow)) checks.push(setCheck(`${dimension}.allow`, 'any', lists.allow, pick));
  if (nonEmpty(lists.block)) checks.push(setCheck(`${dimension}.block`, 'none', lists.block, pick));
  return checks;
}

function keyValueChecks(keyValues: Record<string, string[]>): Check[] {
  return Object.entries(keyValues)
    .filter(([, values]) => values.length > 0)
    .map(([key, values]) => {
      const wanted = new Set(values);
      const pick = (req: PreparedRequest) => req.keyValues[key] ?? [];
      return {
        dimension: `keyValues.${key}`,
        pass: (req: PreparedRequest) => pick(req).some((value) => wanted.has(value)),
        seen: (req: PreparedRequest) => `${key} ${listed(pick(req))}`,
        wanted: `one of ${listed(wanted)}`,
      };
    });
}

/** Every dimension present and non-empty, in the order the checks run (placement first: it names most failures). */
export function compileDimensions(t: TargetingDimensions, timeZone: string): DimensionChecks[] {
  const dims: [string, (Check | undefined)[]][] = [
    ['placements', [nonEmpty(t.placements) ? oneOf('placements', t.placements, same, (r) => r.placementId) : undefined]],
    ['geo', [t.geo ? geoCheck(t.geo) : undefined]],
    ['deviceTypes', [nonEmpty(t.deviceTypes) ? oneOf('deviceTypes', t.deviceTypes, lower, (r) => r.deviceType) : undefined]],
    ['os', [nonEmpty(t.os) ? oneOf('os', t.os, lower, (r) => r.os) : undefined]],
    ['browsers', [nonEmpty(t.browsers) ? oneOf('browsers', t.browsers, lower, (r) => r.browser) : undefined]],
    ['languages', [nonEmpty(t.languages) ? setCheck('languages', 'any', t.languages.map(lower), (r) => r.languages) : undefined]],
    ['keywords', (['any', 'all', 'none'] as const).map((mode) => keywordCheck(t, mode))],
    ['segments', (['any', 'none'] as const).map((mode) => segmentCheck(t, mode))],
    ['keyValues', t.keyValues ? keyValueChecks(t.keyValues) : []],
    ['dayParts', [nonEmpty(t.dayParts) ? dayPartsCheck(t.dayParts, timeZone) : undefined]],
    ['domains', t.domains ? allowBlock('domains', lowerLists(t.domains), (r) => r.domains) : []],
    ['categories', t.categories ? allowBlock('categories', t.categories, (r) => r.categories) : []],
  ];
  return dims
    .map(([dimension, checks]) => ({ dimension, checks: checks.filter((c): c is Check => c !== undefined) }))
    .filter((d) => d.checks.length > 0);
}

function keywordCheck(t: TargetingDimensions, mode: 'any' | 'all' | 'none'): Check | undefined {
  const values = t.keywords?.[mode];
  return nonEmpty(values) ? setCheck(`keywords.${mode}`, mode, values.map(lower), (r) => r.keywords) : undefined;
}

function segmentCheck(t: TargetingDimensions, mode: 'any' | 'none'): Check | undefined {
  const values = t.segments?.[mode];
  return nonEmpty(values) ? setCheck(`segments.${mode}`, mode, values, (r) => r.segments) : undefined;
}

const lowerLists = (lists: AllowBlock): AllowBlock => ({ allow: lists.allow?.map(lower), block: lists.block?.map(lower) });
