import type { Targeting } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import { matchTargeting } from './match-targeting.js';
import type { RequestContext } from './request-context.js';

// Friday 2026-11-27 15:30 UTC.
const NOW = Date.UTC(2026, 10, 27, 15, 30);
const base: RequestContext = {
  placementId: 'p1',
  nowMs: NOW,
  country: 'US',
  region: 'US-CA',
  city: 'San Francisco',
  metro: '807',
  lat: 37.7749,
  lon: -122.4194,
  deviceType: 'mobile',
  os: 'iOS',
  browser: 'Safari',
  languages: ['en', 'es'],
  keywords: ['sports', 'Football'],
  segments: ['s1', 's2'],
  keyValues: { section: ['sports'], tier: ['premium', 'gold'] },
  domain: 'News.example',
  categories: ['IAB17', 'IAB17-3'],
};

type Row = [string, Targeting, string | undefined, Partial<RequestContext>?];

const rows: Row[] = [
  ['{} targets everything', {}, undefined],
  ['empty lists restrict nothing', { os: [], geo: { countries: [] }, keywords: { any: [] }, placements: [] }, undefined],
  ['placement listed', { placements: ['p0', 'p1'] }, undefined],
  ['placement not listed', { placements: ['p2'] }, 'placements'],
  ['country listed', { geo: { countries: ['CA', 'US'] } }, undefined],
  ['country not listed', { geo: { countries: ['FR'] } }, 'geo.countries'],
  ['country compared uppercase', { geo: { countries: ['US'] } }, undefined, { country: 'us' }],
  ['missing country fails a country list', { geo: { countries: ['US'] } }, 'geo.countries', { country: undefined }],
  ['region', { geo: { regions: ['US-NY'] } }, 'geo.regions'],
  ['city', { geo: { cities: ['San Francisco'] } }, undefined],
  ['metro', { geo: { metros: ['501'] } }, 'geo.metros'],
  ['geo sub-keys are alternatives', { geo: { countries: ['CA'], regions: ['US-CA'] } }, undefined],
  ['geo with two sub-keys failing names geo', { geo: { countries: ['CA'], regions: ['US-NY'] } }, 'geo'],
  ['device type', { deviceTypes: ['desktop'] }, 'deviceTypes'],
  ['device type case-insensitive', { deviceTypes: ['mobile'] }, undefined, { deviceType: 'MOBILE' as 'mobile' }],
  ['os case-insensitive', { os: ['ios', 'Android'] }, undefined],
  ['os not listed', { os: ['Android'] }, 'os'],
  ['browser case-insensitive', { browsers: ['SAFARI'] }, undefined],
  ['browser not listed', { browsers: ['Chrome'] }, 'browsers'],
  ['any accepted language', { languages: ['es'] }, undefined],
  ['language case-insensitive', { languages: ['EN'] }, undefined],
  ['language not accepted', { languages: ['fr'] }, 'languages'],
  ['keywords.any', { keywords: { any: ['tennis', 'football'] } }, undefined],
  ['keywords.any none present', { keywords: { any: ['tennis'] } }, 'keywords.any'],
  ['keywords.all', { keywords: { all: ['sports', 'football'] } }, undefined],
  ['keywords.all one missing', { keywords: { all: ['sports', 'tennis'] } }, 'keywords.all'],
  ['keywords.none', { keywords: { none: ['sports'] } }, 'keywords.none'],
  ['segments.any', { segments: { any: ['s9', 's2'] } }, undefined],
  ['segments.any missing', { segments: { any: ['s9'] } }, 'segments.any'],
  ['segments.none', { segments: { none: ['s1'] } }, 'segments.none'],
  ['key-values: every key, any value', { keyValues: { section: ['news', 'sports'], tier: ['gold'] } }, undefined],
  ['key-values: a key without the value', { keyValues: { section: ['news'] } }, 'keyValues.section'],
  ['key-values: a key the request lacks', { keyValues: { lang: ['x'] } }, 'keyValues.lang'],
  ['domain allow, case-insensitive', { domains: { allow: ['news.example'] } }, undefined],
  ['domain not allowed', { domains: { allow: ['other.example'] } }, 'domains.allow'],
  ['domain blocked', { domains: { block: ['NEWS.example'] } }, 'domains.block'],
  ['category allowed', { categories: { allow: ['IAB17-3'] } }, undefined],
  ['category blocked', { categories: { block: ['IAB17'] } }, 'categories.block'],
  ['radius inside', { geo: { radius: [{ lat: 37.8044, lon: -122.2712, km: 15 }] } }, undefined],
  ['radius outside', { geo: { radius: [{ lat: 37.8044, lon: -122.2712, km: 10 }] } }, 'geo.radius'],
  ['radius without a location', { geo: { radius: [{ lat: 0, lon: 0, km: 20000 }] } }, 'geo.radius', { lat: undefined }],
  ['exclude.os', { exclude: { os: ['IOS'] } }, 'exclude.os'],
  ['exclude.os other', { exclude: { os: ['Windows'] } }, undefined],
  ['exclude.geo', { exclude: { geo: { regions: ['US-CA'] } } }, 'exclude.geo'],
  ['exclude wins over inclusion', { os: ['iOS'], exclude: { deviceTypes: ['mobile'] } }, 'exclude.deviceTypes'],
  ['exclude.keywords.any', { exclude: { keywords: { any: ['football'] } } }, 'exclude.keywords'],
  ['exclude with a missing field does not exclude', { exclude: { os: ['iOS'] } }, undefined, { os: undefined }],
  ['exclude.segments', { exclude: { segments: { any: ['s2'] } } }, 'exclude.segments'],
  ['exclude.placements', { exclude: { placements: ['p1'] } }, 'exclude.placements'],
  ['inclusion fails before exclusion', { os: ['Android'], exclude: { os: ['iOS'] } }, 'os'],
];

describe('matchTargeting', () => {
  it.each(rows)('%s', (_name, targeting, failing, override) => {
    const result = matchTargeting(targeting, { ...base, ...override });
    expect(result.ok ? undefined : result.dimension).toBe(failing);
  });

  it('explains a failure with what the request had and what was wanted', () => {
    expect(matchTargeting({ geo: { countries: ['FR', 'DE'] } }, base)).toEqual({
      ok: false,
      dimension: 'geo.countries',
      reason: 'countries "US": wanted one of [FR, DE]',
    });
    const excluded = matchTargeting({ exclude: { os: ['iOS'] } }, base);
    expect(excluded.ok ? '' : excluded.reason).toBe('os "ios": excluded by os one of [ios]');
  });
});
