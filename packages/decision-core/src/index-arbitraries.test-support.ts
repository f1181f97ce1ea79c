import { DEVICE_TYPES, type Targeting, type TargetingDimensions, WEEKDAYS } from '@adplatform/domain';
import fc from 'fast-check';
import type { DeliveryLineItem } from './delivery-types.js';
import type { RequestContext } from './request-context.js';

/** Random line items (both targetings) and request contexts over small alphabets, for the index's property tests. */

// Small alphabets, so that random targeting and random requests often meet.
const PLACEMENTS = ['p0', 'p1', 'p2', 'p3'];
const COUNTRIES = ['US', 'CA', 'FR'];
const REGIONS = ['US-CA', 'US-NY', 'CA-QC'];
const OS = ['iOS', 'android', 'Windows'];
const BROWSERS = ['Chrome', 'safari'];
const LANGUAGES = ['en', 'es', 'fr'];
const WORDS = ['k0', 'k1', 'k2', 'k3'];
const SEGMENTS = ['s0', 's1', 's2'];
const DOMAINS = ['a.example', 'B.example', 'com.example.app'];
const CATEGORIES = ['IAB1', 'IAB2', 'IAB25'];
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata'];
const POINTS = [
  { lat: 40.71, lon: -74.0 },
  { lat: 40.9, lon: -73.8 },
  { lat: 48.85, lon: 2.35 },
];

const some = <T>(values: readonly T[]) => fc.subarray([...values]);
const allowBlock = (values: string[]) => fc.record({ allow: some(values), block: some(values) }, { requiredKeys: [] });
const dayPart = fc
  .record({
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    startHour: fc.integer({ min: 0, max: 23 }),
    span: fc.integer({ min: 1, max: 24 }),
  })
  .map(({ days, startHour, span }) => ({ days, startHour, endHour: Math.min(24, startHour + span) }));

const dimensions: fc.Arbitrary<TargetingDimensions> = fc.record(
  {
    geo: fc.record(
      {
        countries: some(COUNTRIES),
        regions: some(REGIONS),
        cities: some(['Paris', 'Toronto']),
        metros: some(['501', '807']),
        radius: fc.array(
          fc.record({ point: fc.constantFrom(...POINTS), km: fc.constantFrom(5, 30, 500) }).map(({ point, km }) => ({ ...point, km })),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    deviceTypes: some(DEVICE_TYPES),
    os: some(OS),
    browsers: some(BROWSERS),
    languages: some(LANGUAGES),
    keywords: fc.record({ any: some(WORDS), all: some(WORDS), none: some(WORDS) }, { requiredKeys: [] }),
    segments: fc.record({ any: some(SEGMENTS), none: some(SEGMENTS) }, { requiredKeys: [] }),
    keyValues: fc.dictionary(fc.constantFrom('section', 'tier'), some(['x', 'y', 'z'])),
    dayParts: fc.array(dayPart, { maxLength: 2 }),
    domains: allowBlock(DOMAINS),
    placements: some(PLACEMENTS),
    categories: allowBlock(CATEGORIES),
  },
  { requiredKeys: [] },
);
// Real targeting names a few dimensions, and excludes are rarer still; with every key present nothing would match.
const KEYS = [
  'geo',
  'deviceTypes',
  'os',
  'browsers',
  'languages',
  'keywords',
  'segments',
  'keyValues',
  'dayParts',
  'domains',
  'placements',
  'categories',
] as const;
const sparse = (maxKeys: number) =>
  fc
    .tuple(dimensions, fc.subarray([...KEYS], { maxLength: maxKeys }))
    .map(([all, keys]) => Object.fromEntries(keys.filter((k) => k in all).map((k) => [k, all[k]])));
export const targeting: fc.Arbitrary<Targeting> = fc
  .tuple(sparse(4), fc.option(sparse(1), { freq: 3 }))
  .map(([include, exclude]) => JSON.parse(JSON.stringify(exclude ? { ...include, exclude } : include)));

export const lineItems: fc.Arbitrary<DeliveryLineItem[]> = fc
  .array(
    fc.record({
      targeting,
      // Half the line items carry their campaign's targeting too, which must match as well.
      campaignTargeting: fc.option(targeting, { freq: 2, nil: undefined }),
      timezone: fc.constantFrom(...ZONES),
    }),
    { maxLength: 40 },
  )
  .map((items) =>
    items.map(({ campaignTargeting, ...item }, i) => ({
      id: `li${i}`,
      campaignId: `c${i % 3}`,
      advertiserId: `a${i % 2}`,
      priority: i % 4,
      ...item,
      ...(campaignTargeting ? { campaignTargeting } : {}),
    })),
  );

export const context: fc.Arbitrary<RequestContext> = fc
  .record(
    {
      placementId: fc.constantFrom(...PLACEMENTS, 'p-unknown'),
      nowMs: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
      country: fc.constantFrom(...COUNTRIES, 'us', 'DE'),
      region: fc.constantFrom(...REGIONS),
      city: fc.constantFrom('Paris', 'Toronto', 'Lyon'),
      metro: fc.constantFrom('501', '807'),
      point: fc.constantFrom(...POINTS, { lat: 40.75, lon: -73.95 }),
      deviceType: fc.constantFrom(...DEVICE_TYPES),
      os: fc.constantFrom(...OS, 'IOS', 'Linux'),
      browser: fc.constantFrom(...BROWSERS, 'CHROME'),
      languages: some(LANGUAGES),
      keywords: some(WORDS),
      segments: some(SEGMENTS),
      keyValues: fc.dictionary(
        fc.constantFrom('section', 'tier'),
        some(['x', 'y', 'z']).map((v) => v as readonly string[]),
      ),
      domain: fc.constantFrom(...DOMAINS, 'A.EXAMPLE'),
      categories: some(CATEGORIES),
    },
    { requiredKeys: ['placementId', 'nowMs'] },
  )
  .map(({ point, ...ctx }) => (point ? { ...ctx, lat: point.lat, lon: point.lon } : ctx));
