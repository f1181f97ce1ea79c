import { DEVICE_TYPES, type Targeting, type TargetingDimensions, WEEKDAYS } from '@adplatform/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayPartIssues } from '../src/modules/targeting/targeting.validator.js';
import { createAdvertiser, FLIGHT, get, insertPlacement, insertSegment, organizationOf, post, problemErrors } from './campaigns.helpers.js';
import { createHarness, type Harness, login, OPERATOR, type Session, STORE_KINDS } from './harness.js';

const chars = (alphabet: string, minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength, maxLength }).map((c) => c.join(''));
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const set = <T>(item: fc.Arbitrary<T>, maxLength = 4) => fc.uniqueArray(item, { maxLength, selector: (v) => JSON.stringify(v) });
const text = (maxLength: number) => fc.string({ minLength: 1, maxLength });
// Not -0: JSON has no negative zero, so it could not round-trip.
const coordinate = (max: number) => fc.double({ min: -max, max, noNaN: true }).map((v) => (v === 0 ? 0 : v));

const label = chars(`${LOWER}${DIGITS}`, 1, 10);
const arbitraries = (segments: string[], placements: string[]) => {
  const dimensions: fc.Arbitrary<TargetingDimensions> = fc.record(
    {
      geo: fc.record(
        {
          countries: set(chars(UPPER, 2, 2)),
          regions: set(fc.tuple(chars(UPPER, 2, 2), chars(UPPER + DIGITS, 1, 3)).map(([c, r]) => `${c}-${r}`)),
          cities: set(text(100)),
          metros: set(chars(DIGITS, 3, 3)),
          radius: set(fc.record({ lat: coordinate(90), lon: coordinate(180), km: fc.double({ min: 0.001, max: 20_000, noNaN: true }) })),
        },
        { requiredKeys: [] },
      ),
      deviceTypes: fc.uniqueArray(fc.constantFrom(...DEVICE_TYPES)),
      os: set(text(50)),
      browsers: set(text(50)),
      languages: set(chars(LOWER, 2, 2)),
      keywords: fc.record({ any: set(text(100)), all: set(text(100)), none: set(text(100)) }, { requiredKeys: [] }),
      segments: fc.record({ any: fc.subarray(segments), none: fc.subarray(segments) }, { requiredKeys: [] }),
      keyValues: fc.dictionary(
        chars(`${LOWER}${UPPER}${DIGITS}_.-`, 1, 64).filter((k) => k !== '__proto__'),
        set(text(200), 3),
        { maxKeys: 3 },
      ),
      dayParts: set(
        fc
          .integer({ min: 0, max: 23 })
          .chain((startHour) =>
            fc
              .tuple(fc.subarray([...WEEKDAYS], { minLength: 1 }), fc.integer({ min: startHour + 1, max: 24 }))
              .map(([days, endHour]) => ({ days, startHour, endHour })),
          ),
      ),
      domains: fc.record(
        { allow: set(fc.array(label, { minLength: 2, maxLength: 3 }).map((l) => l.join('.'))), block: set(chars(DIGITS, 1, 12)) },
        { requiredKeys: [] },
      ),
      placements: fc.subarray(placements),
      categories: fc.record(
        {
          allow: set(
            fc
              .tuple(fc.integer({ min: 1, max: 26 }), fc.option(fc.integer({ min: 1, max: 20 })))
              .map(([a, b]) => `IAB${a}${b ? `-${b}` : ''}`),
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );
  const targeting: fc.Arbitrary<Targeting> = fc.tuple(dimensions, fc.option(dimensions, { nil: undefined })).map(([t, exclude]) => ({
    ...t,
    ...(exclude ? { exclude } : {}),
  }));
  return targeting;
};

type Json = Record<string, unknown>;

/** The object at `keys` inside `root`, created empty where missing. */
function objectAt(root: Json, keys: string[]): Json {
  let at = root;
  for (const key of keys) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Json;
  }
  return at;
}

/** Places of objects in a targeting object, and how to reach (or make) them. */
const OBJECT_PLACES: { path: string; reach: (t: Json) => Json }[] = [
  ...[[], ['geo'], ['keywords'], ['segments'], ['domains'], ['exclude'], ['exclude', 'categories'], ['exclude', 'geo']].map((keys) => ({
    path: keys.map((k) => `.${k}`).join(''),
    reach: (t: Json) => objectAt(t, keys),
  })),
  {
    path: '.geo.radius[0]',
    reach: (t) => {
      const geo = objectAt(t, ['geo']);
      const first = { lat: 1, lon: 2, km: 3 };
      const rest = ((geo.radius ?? []) as Json[]).filter((r) => JSON.stringify(r) !== JSON.stringify(first));
      geo.radius = [first, ...rest];
      return first;
    },
  },
];
const KNOWN = new Set(['geo', 'countries', 'regions', 'cities', 'metros', 'radius', 'lat', 'lon', 'km', 'any', 'all', 'none']);
const unknownKey = chars(LOWER + UPPER, 1, 1)
  .chain((first) => chars(LOWER + UPPER + DIGITS + '_', 0, 15).map((rest) => first + rest))
  .filter((k) => !KNOWN.has(k) && !['deviceTypes', 'os', 'browsers', 'languages', 'keywords', 'segments', 'keyValues'].includes(k))
  .filter((k) => !['dayParts', 'domains', 'placements', 'categories', 'exclude', 'allow', 'block'].includes(k));

describe('day-parts', () => {
  it('are refused exactly when they do not end after they start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 24 }), (startHour, endHour) => {
        const issues = dayPartIssues({ dayParts: [{ days: ['mon'], startHour, endHour }] }, 'body.targeting');
        expect(issues.length === 0).toBe(endHour > startHour);
      }),
    );
  });
});

describe.each(STORE_KINDS)('targeting through the API on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  let advertiserId: string;
  let targeting: fc.Arbitrary<Targeting>;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    const org = await organizationOf(h, owner);
    advertiserId = await createAdvertiser(h, owner);
    const segments = [await insertSegment(h, org), await insertSegment(h, org)];
    const placements = [await insertPlacement(h, org, { sizes: [{ width: 300, height: 250 }], formats: ['image'] })];
    targeting = arbitraries(segments, placements);
  });
  afterAll(() => h.close());

  const create = (t: unknown) => post(h, owner, '/api/v1/campaigns', { advertiserId, name: 'Targeted', ...FLIGHT, targeting: t });

  it('accepts every valid targeting object and returns it unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(targeting, async (t) => {
        const response = await create(t);
        expect(response.statusCode, response.body).toBe(201);
        expect(response.json().targeting).toEqual(t);
        expect((await get(h, owner, `/api/v1/campaigns/${response.json().id}`)).json().targeting).toEqual(t);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses an unknown key anywhere, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(targeting, fc.constantFrom(...OBJECT_PLACES), unknownKey, async (t, place, key) => {
        place.reach(t as Json)[key] = 'surprise';
        expect(problemErrors(await create(t), 400, 'VALIDATION_FAILED')).toEqual([
          { path: `body.targeting${place.path}.${key}`, message: 'is not a known field' },
        ]);
      }),
      { numRuns: 40 },
    );
  });

  it('answers the refused example of docs/targeting.md as documented', async () => {
    expect(problemErrors(await create({ geo: { countries: ['us'], planet: 'Mars' } }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.targeting.geo.planet', message: 'is not a known field' },
      { path: 'body.targeting.geo.countries[0]', message: 'must match pattern "^[A-Z]{2}$"' },
    ]);
  });

  it.each([
    [{ geo: { radius: [{ lat: 91, lon: 0, km: 1 }] } }, 'body.targeting.geo.radius[0].lat'],
    [{ geo: { radius: [{ lat: 0, lon: -180.5, km: 1 }] } }, 'body.targeting.geo.radius[0].lon'],
    [{ geo: { radius: [{ lat: 0, lon: 0, km: 0 }] } }, 'body.targeting.geo.radius[0].km'],
    [{ geo: { countries: ['us'] } }, 'body.targeting.geo.countries[0]'],
    [{ geo: { countries: ['US', 'US'] } }, 'body.targeting.geo.countries'],
    [{ geo: { regions: ['USCA'] } }, 'body.targeting.geo.regions[0]'],
    [{ geo: { metros: ['5O1'] } }, 'body.targeting.geo.metros[0]'],
    [{ deviceTypes: ['watch'] }, 'body.targeting.deviceTypes[0]'],
    [{ languages: ['EN'] }, 'body.targeting.languages[0]'],
    [{ keywords: { any: [''] } }, 'body.targeting.keywords.any[0]'],
    [{ segments: { any: ['seg_123'] } }, 'body.targeting.segments.any[0]'],
    [{ keyValues: { 'bad key': ['x'] } }, 'body.targeting.keyValues'],
    [{ keyValues: { section: 'sports' } }, 'body.targeting.keyValues.section'],
    [{ dayParts: [{ days: ['funday'], startHour: 1, endHour: 2 }] }, 'body.targeting.dayParts[0].days[0]'],
    [{ dayParts: [{ days: ['mon'], startHour: 24, endHour: 24 }] }, 'body.targeting.dayParts[0].startHour'],
    [{ dayParts: [{ days: [], startHour: 1, endHour: 2 }] }, 'body.targeting.dayParts[0].days'],
    [{ dayParts: [{ days: ['mon'], startHour: 9, endHour: 9 }] }, 'body.targeting.dayParts[0].endHour'],
    [{ domains: { block: ['not a domain'] } }, 'body.targeting.domains.block[0]'],
    [{ placements: ['not-a-uuid'] }, 'body.targeting.placements[0]'],
    [{ placements: ['00000000-0000-7000-8000-000000000009'] }, 'body.targeting.placements[0]'],
    [{ categories: { block: ['iab25'] } }, 'body.targeting.categories.block[0]'],
    [{ exclude: { exclude: {} } }, 'body.targeting.exclude.exclude'],
    ['everywhere', 'body.targeting'],
  ])('refuses %j naming %s', async (t, path) => {
    const errors = problemErrors(await create(t), 400, 'VALIDATION_FAILED');
    expect(errors.map((e) => e.path)).toContain(path);
  });
});
