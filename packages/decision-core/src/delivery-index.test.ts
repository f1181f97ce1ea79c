import { DEVICE_TYPES, type Targeting, type TargetingDimensions, WEEKDAYS } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidates, compileIndex, explain } from './delivery-index.js';
import type { DeliveryLineItem } from './delivery-types.js';
import { matchLineItem } from './index-fold.js';
import { matchTargeting } from './match-targeting.js';
import type { RequestContext } from './request-context.js';
import { prepareRequest } from './request-context.js';
import { TargetingScan } from './targeting-scan.js';

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
const targeting: fc.Arbitrary<Targeting> = fc
  .tuple(sparse(4), fc.option(sparse(1), { freq: 3 }))
  .map(([include, exclude]) => JSON.parse(JSON.stringify(exclude ? { ...include, exclude } : include)));

const lineItems: fc.Arbitrary<DeliveryLineItem[]> = fc
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

const context: fc.Arbitrary<RequestContext> = fc
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

const ids = (items: readonly { id: string }[]) => items.map((item) => item.id);
const RUNS = { numRuns: 400 };

describe('delivery index', () => {
  it('candidates() equals the brute-force filter over both targetings (matchTargeting on each side)', () => {
    const both = (li: DeliveryLineItem, ctx: RequestContext) =>
      matchTargeting(li.targeting, ctx, li.timezone).ok &&
      (li.campaignTargeting === undefined || matchTargeting(li.campaignTargeting, ctx, li.timezone).ok);
    fc.assert(
      fc.property(lineItems, fc.array(context, { minLength: 1, maxLength: 5 }), (items, contexts) => {
        const index = compileIndex(items);
        expect([...ids(index.lineItems)].sort()).toEqual(ids(items).sort());
        for (const ctx of contexts) {
          const expected = index.lineItems.filter((li) => both(li, ctx));
          expect(ids(candidates(index, ctx))).toEqual(ids(expected));
        }
      }),
      RUNS,
    );
  });

  it('every candidate satisfies its targeting; every other line item has a failing dimension in explain()', () => {
    fc.assert(
      fc.property(lineItems, context, (items, ctx) => {
        const index = compileIndex(items);
        const chosen = new Set(ids(candidates(index, ctx)));
        for (const li of items.filter((item) => chosen.has(item.id))) expect(matchLineItem(li, ctx)).toEqual({ ok: true });
        for (const entry of explain(index, ctx)) {
          if (chosen.has(entry.lineItemId)) expect(entry.outcome).toBe('won-targeting');
          else expect(entry).toMatchObject({ outcome: 'failed-targeting', dimension: expect.any(String), reason: expect.any(String) });
        }
      }),
      RUNS,
    );
  });

  it('a targeting scan that skips to a position yields exactly the candidates from there on', () => {
    fc.assert(
      fc.property(lineItems, context, fc.nat(), (items, ctx, at) => {
        const index = compileIndex(items);
        const from = items.length === 0 ? 0 : at % (items.length + 1);
        const all = candidates(index, ctx).map((li) => index.lineItems.indexOf(li));
        const scan = new TargetingScan(index, prepareRequest(ctx));
        const firstTaken = scan.peek();
        if (firstTaken >= 0) scan.skip();
        scan.skipTo(from);
        const rest: number[] = [];
        for (let p = scan.peek(); p >= 0; scan.skip(), p = scan.peek()) rest.push(p);
        expect(rest).toEqual(all.filter((p) => p > firstTaken && p >= from));
      }),
      RUNS,
    );
  });

  it('matches often enough for the properties to mean something', () => {
    const sample = fc.sample(fc.tuple(lineItems, context), 300);
    const matched = sample.reduce((n, [items, ctx]) => n + candidates(compileIndex(items), ctx).length, 0);
    const total = sample.reduce((n, [items]) => n + items.length, 0);
    expect(matched / total).toBeGreaterThan(0.05);
  });
});

describe('compileIndex', () => {
  const item = (id: string, t: Targeting, timezone?: string): DeliveryLineItem => ({
    id,
    campaignId: 'c',
    advertiserId: 'a',
    priority: 1,
    targeting: t,
    timezone,
  });

  it('keeps line items without a placement, country or device restriction in every bucket', () => {
    const index = compileIndex([
      item('any', {}),
      item('p1-us', { placements: ['p1'], geo: { countries: ['US'] } }),
      item('tablet', { deviceTypes: ['tablet'] }),
    ]);
    const ctx = { placementId: 'p1', nowMs: 0, country: 'us', deviceType: 'mobile' } as const;
    expect(ids(candidates(index, ctx))).toEqual(['any', 'p1-us']);
    expect(ids(candidates(index, { placementId: 'p9', nowMs: 0 }))).toEqual(['any']);
  });

  it('is frozen and records the build instant it is given', () => {
    const index = compileIndex([item('a', {})], { now: 1234 });
    expect(Object.isFrozen(index) && Object.isFrozen(index.lineItems)).toBe(true);
    expect(index.builtAtMs).toBe(1234);
  });

  it('holds the placements it is given, by id', () => {
    const placement = {
      id: 'p1',
      organizationId: 'o',
      publisherId: 'pub',
      siteId: 's',
      formats: ['image'],
      sizes: [],
      floorMicros: 0,
    } as const;
    expect(compileIndex([item('a', {})], { placements: [placement] }).placements.get('p1')).toBe(placement);
    expect(compileIndex([item('a', {})]).placements.size).toBe(0);
  });

  it('refuses an unknown time zone at build time, not at request time', () => {
    expect(() => compileIndex([item('a', {}, 'Nowhere/Nothing')])).toThrow(RangeError);
  });

  it('names the campaign side of a failure, and folds both sides of one-of lists and exclusions', () => {
    const both = (id: string, campaignTargeting: Targeting, t: Targeting): DeliveryLineItem => ({ ...item(id, t), campaignTargeting });
    const index = compileIndex([
      both('us-only', { geo: { countries: ['US', 'CA'] } }, { geo: { countries: ['US', 'FR'] } }),
      both('ca-blocked', { geo: { countries: ['CA'] } }, {}),
      both('no-ios', { exclude: { os: ['iOS'] } }, { exclude: { os: ['android'] } }),
      both('kw', { keywords: { any: ['a'] } }, { keywords: { any: ['b'] } }),
    ]);
    const ctx = { placementId: 'p', nowMs: 0, country: 'US', os: 'ios', keywords: ['b'] } as const;
    expect(ids(candidates(index, ctx))).toEqual(['us-only']);
    expect(ids(candidates(index, { ...ctx, country: 'CA', os: 'android', keywords: ['a', 'b'] }))).toEqual(['ca-blocked', 'kw']);
    expect(explain(index, ctx)).toEqual([
      { lineItemId: 'us-only', outcome: 'won-targeting' },
      {
        lineItemId: 'ca-blocked',
        outcome: 'failed-targeting',
        dimension: 'campaign.geo.countries',
        reason: 'countries "US": wanted one of [CA]',
      },
      {
        lineItemId: 'no-ios',
        outcome: 'failed-targeting',
        dimension: 'campaign.exclude.os',
        reason: 'os "ios": excluded by os one of [ios]',
      },
      { lineItemId: 'kw', outcome: 'failed-targeting', dimension: 'campaign.keywords.any', reason: 'keywords [b]: wanted any of [a]' },
    ]);
  });

  it("matches nothing when the two sides' day-parts never overlap (the only item, so no other restricts day-parts)", () => {
    const li: DeliveryLineItem = {
      ...item('never', { dayParts: [{ days: ['sun'], startHour: 0, endHour: 1 }] }),
      campaignTargeting: { dayParts: [{ days: ['thu'], startHour: 0, endHour: 1 }] },
    };
    const thursdayMidnight = Date.UTC(2026, 0, 1);
    expect(candidates(compileIndex([li]), { placementId: 'p', nowMs: thursdayMidnight })).toEqual([]);
  });

  it('keeps the line items in rank order: tier, then eCPM, then input order', () => {
    const priced = (id: string, priority: number, bidMicros: number): DeliveryLineItem => ({
      ...item(id, {}),
      priority,
      pricing: { model: 'cpm', bidMicros },
    });
    const index = compileIndex([
      priced('low', 1, 5),
      priced('house', 0, 9),
      priced('high', 1, 7),
      priced('top', 3, 1),
      priced('low2', 1, 5),
    ]);
    expect(ids(index.lineItems)).toEqual(['top', 'high', 'low', 'low2', 'house']);
  });

  it('explains each line item that does not serve', () => {
    const index = compileIndex([item('fr', { geo: { countries: ['FR'] } }), item('ok', {}), item('no-ios', { exclude: { os: ['iOS'] } })]);
    expect(explain(index, { placementId: 'p', nowMs: 0, country: 'US', os: 'ios' })).toEqual([
      { lineItemId: 'fr', outcome: 'failed-targeting', dimension: 'geo.countries', reason: 'countries "US": wanted one of [FR]' },
      { lineItemId: 'ok', outcome: 'won-targeting' },
      { lineItemId: 'no-ios', outcome: 'failed-targeting', dimension: 'exclude.os', reason: 'os "ios": excluded by os one of [ios]' },
    ]);
  });
});
