// The synthetic targeting mix and request stream of decide.bench.ts, from a seeded PRNG so runs compare.
import {
  type DecisionRequest,
  type DeliveryLineItem,
  type DeliveryPlacement,
  type DeliveryPricing,
  type DeliveryState,
  type RequestContext,
  seededRandom,
  tierRank,
} from '@adplatform/decision-core';
import { DEVICE_TYPES, type Targeting } from '@adplatform/domain';

/** Seeded so every run builds the same index. */
export const createRandom = seededRandom;

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

// ---- The whole decision: line items with tiers, prices, creatives, caps, budgets, pacing and flights. ----

const SIZES = [
  { width: 300, height: 250 },
  { width: 728, height: 90 },
  { width: 320, height: 50 },
  { width: 160, height: 600 },
];

export const DECIDE_MIX = {
  description:
    'targeting as above, plus: 20% of line items also carry campaign targeting (a country list); tiers 5% sponsorship, 25% standard, ' +
    '60% price, 10% house; pricing 70% CPM (0.50–10.00), 20% CPC (0.10–3.00), 10% CPA; 1–3 creatives (90% image/HTML in one of 4 sizes, ' +
    '10% video); 40% with a frequency cap (1–5 per 1 h, 1 day or lifetime, line item or campaign), 60% with a daily budget ' +
    '(even pacing for half), 20% with a total budget; 90% in flight. Placements: 500, each 1–2 sizes of the 4, image+HTML ' +
    '(10% also video), floors 0–1.00 CPM. State: caps and spend read from Maps keyed as the server would.',
};

export function createPlacements(seed: number): DeliveryPlacement[] {
  const random = createRandom(seed);
  return PLACEMENTS.map((id) => ({
    id,
    organizationId: 'org',
    publisherId: 'pub',
    siteId: 'site',
    formats: random() < 0.1 ? ['image', 'html', 'video'] : ['image', 'html'],
    sizes: pickSome(random, SIZES, 1, 2),
    floorMicros: Math.floor(random() * 5) * 250_000,
  }));
}

function deliveryExtras(random: Random, i: number, startMs: number): Partial<DeliveryLineItem> {
  const tierDraw = random();
  const tier = tierDraw < 0.05 ? 'sponsorship' : tierDraw < 0.3 ? 'standard' : tierDraw < 0.9 ? 'price' : 'house';
  const modelDraw = random();
  const pricing: DeliveryPricing =
    modelDraw < 0.7
      ? { model: 'cpm', bidMicros: 500_000 + Math.floor(random() * 9_500) * 1_000 }
      : modelDraw < 0.9
        ? { model: 'cpc', bidMicros: 100_000 + Math.floor(random() * 2_900) * 1_000 }
        : { model: 'cpa', bidMicros: 1_000_000 + Math.floor(random() * 49_000) * 1_000 };
  const creatives = range(1 + Math.floor(random() * 3), (k) => {
    if (random() < 0.1) return { id: `cr-${i}-${k}`, format: 'video' as const, weight: 1 + Math.floor(random() * 5) };
    const size = pick(random, SIZES);
    return {
      id: `cr-${i}-${k}`,
      format: random() < 0.7 ? ('image' as const) : ('html' as const),
      ...size,
      weight: 1 + Math.floor(random() * 5),
    };
  });
  const frequencyCaps =
    random() < 0.4
      ? [
          {
            scope: random() < 0.7 ? ('lineItem' as const) : ('campaign' as const),
            count: 1 + Math.floor(random() * 5),
            windowMs: pick(random, [3_600_000, 86_400_000, null]),
          },
        ]
      : [];
  const budgets = [];
  if (random() < 0.6)
    budgets.push({
      scope: 'lineItem' as const,
      period: 'daily' as const,
      limitMicros: BigInt(10_000_000 + Math.floor(random() * 990) * 1_000_000),
    });
  if (random() < 0.2)
    budgets.push({
      scope: 'campaign' as const,
      period: 'total' as const,
      limitMicros: BigInt(1_000_000_000 + Math.floor(random() * 99) * 1_000_000_000),
    });
  const inFlight = random() < 0.9;
  return {
    tier,
    priority: tierRank(tier),
    pricing,
    creatives,
    frequencyCaps,
    budgets,
    pacing: budgets.length > 0 && random() < 0.5 ? 'even' : 'asap',
    flight: inFlight
      ? { startMs: startMs - 86_400_000, endMs: random() < 0.5 ? null : startMs + 30 * 86_400_000 }
      : { startMs: startMs + 86_400_000, endMs: null },
    ...(random() < 0.2 ? { campaignTargeting: { geo: { countries: pickSome(random, COUNTRIES, 3, 10) } } } : {}),
  };
}

export function createDeliveryLineItems(count: number, seed: number): DeliveryLineItem[] {
  const random = createRandom(seed + 1);
  return createLineItems(count, seed).map((li, i) => ({ ...li, ...deliveryExtras(random, i, START_MS) }));
}

/** Requests in time order (a live stream), one slot each, spread over the same week as the contexts. */
export function createDecisionRequests(count: number, seed: number): DecisionRequest[] {
  const contexts = createContexts(count, seed).sort((a, b) => a.nowMs - b.nowMs);
  return contexts.map(({ placementId, nowMs, ...context }, i) => ({
    nowMs,
    slots: [{ slotId: 'div-1', placementId }],
    context,
    userKey: `user-${i % 5_000}`,
  }));
}

/** A state like the server's: spend and impressions in Maps, a few of them non-zero. */
export function createState(lineItems: readonly DeliveryLineItem[], seed: number): DeliveryState {
  const random = createRandom(seed);
  const frequency = new Map<string, number>();
  const spent = new Map<string, bigint>();
  for (const li of lineItems) {
    if (random() < 0.3) frequency.set(li.id, Math.floor(random() * 4));
    for (const budget of li.budgets ?? [])
      if (random() < 0.5) spent.set(`li:${li.id}:total`, budget.limitMicros / BigInt(2 + Math.floor(random() * 8)));
  }
  return {
    frequency: (scopeId) => frequency.get(scopeId) ?? 0,
    spent: (key) => spent.get(key) ?? 0n,
    hasAllowance: () => true,
  };
}
