// The synthetic targeting mix and request stream of decide.bench.ts, from a seeded PRNG so runs compare.
import type { DeliveryLineItem, RequestContext } from '@adplatform/decision-core';
import { DEVICE_TYPES, type Targeting } from '@adplatform/domain';

/** mulberry32: small, fast, good enough for workloads; seeded so every run builds the same index. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const range = <T>(n: number, name: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => name(i));
const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const pickSome = <T>(random: Random, values: readonly T[], min: number, max: number): T[] => {
  const count = min + Math.floor(random() * (max - min + 1));
  return [...new Set(Array.from({ length: count }, () => pick(random, values)))];
};

export const MIX = {
  placements: 500,
  countries: 30,
  keywords: 200,
  segments: 100,
  description:
    '90% placement lists (1–5 of 500 placements), 70% country lists (1–5 of 30), 50% device types (1–2 of 4), 30% keywords ' +
    '(any of 1–3 of 200; a third also with a `none`), 20% day-parts (weekdays or weekend hour ranges, 5 time zones), ' +
    '10% radius (one 10–100 km circle around one of 50 cities), 10% OS, 10% segments, 5% `exclude.os`, 5% blocked domains',
};

const PLACEMENTS = range(MIX.placements, (i) => `placement-${i}`);
const COUNTRIES = range(MIX.countries, (i) => String.fromCharCode(65 + (i % 26), 65 + Math.floor(i / 26) + 10));
const WORDS = range(MIX.keywords, (i) => `kw${i}`);
const SEGMENTS = range(MIX.segments, (i) => `segment-${i}`);
const OS = ['iOS', 'Android', 'Windows', 'macOS', 'Linux'];
const DOMAINS = range(50, (i) => `site${i}.example`);
const ZONES = ['UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/Paris', 'Asia/Kolkata'];
const CITIES = range(50, (i) => ({ lat: -60 + ((i * 37) % 120), lon: -180 + ((i * 73) % 360) }));

function targetingFor(random: Random): Targeting {
  const t: Targeting = {};
  const chance = (p: number) => random() < p;
  if (chance(0.9)) t.placements = pickSome(random, PLACEMENTS, 1, 5);
  if (chance(0.1)) {
    const city = pick(random, CITIES);
    t.geo = { radius: [{ ...city, km: 10 + Math.floor(random() * 90) }] };
  } else if (chance(0.7 / 0.9)) t.geo = { countries: pickSome(random, COUNTRIES, 1, 5) };
  if (chance(0.5)) t.deviceTypes = pickSome(random, DEVICE_TYPES, 1, 2);
  if (chance(0.3))
    t.keywords = chance(1 / 3)
      ? { any: pickSome(random, WORDS, 1, 3), none: [pick(random, WORDS)] }
      : { any: pickSome(random, WORDS, 1, 3) };
  if (chance(0.2)) {
    const startHour = Math.floor(random() * 20);
    t.dayParts = [{ days: chance(0.7) ? ['mon', 'tue', 'wed', 'thu', 'fri'] : ['sat', 'sun'], startHour, endHour: startHour + 4 }];
  }
  if (chance(0.1)) t.os = pickSome(random, OS, 1, 2);
  if (chance(0.1)) t.segments = { any: pickSome(random, SEGMENTS, 1, 3) };
  if (chance(0.05)) t.exclude = { os: [pick(random, OS)] };
  if (chance(0.05)) t.domains = { block: pickSome(random, DOMAINS, 1, 3) };
  return t;
}

export function createLineItems(count: number, seed: number): DeliveryLineItem[] {
  const random = createRandom(seed);
  return range(count, (i) => String(i)).map((id, i) => ({
    id: `li-${id}`,
    campaignId: `c-${Math.floor(i / 5)}`,
    advertiserId: `a-${Math.floor(i / 50)}`,
    priority: Math.floor(random() * 4),
    targeting: targetingFor(random),
    timezone: pick(random, ZONES),
  }));
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
const START_MS = Date.UTC(2026, 10, 23);

export function createContexts(count: number, seed: number): RequestContext[] {
  const random = createRandom(seed);
  return range(count, () => '').map(() => {
    const city = pick(random, CITIES);
    return {
      placementId: pick(random, PLACEMENTS),
      nowMs: START_MS + Math.floor(random() * WEEK_MS),
      country: pick(random, COUNTRIES),
      lat: city.lat + random() * 0.5,
      lon: city.lon + random() * 0.5,
      deviceType: pick(random, DEVICE_TYPES),
      os: pick(random, OS),
      browser: 'Chrome',
      languages: ['en'],
      keywords: pickSome(random, WORDS, 0, 5),
      segments: pickSome(random, SEGMENTS, 0, 4),
      domain: pick(random, DOMAINS),
      categories: [],
    };
  });
}
