// Seeds a running AdPlatform through its management API with a deliverable catalog for the HTTP
// decision benchmark: one measured placement among others, advertisers with approved HTML creatives,
// campaigns in flight and active line items under a seeded targeting mix.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '@adplatform/decision-core';

export interface SeedOptions {
  baseUrl: string;
  /** The server's data dir: the operator's generated credentials are in `initial-admin.json`. */
  dataDir: string;
  lineItems: number;
  /** Seed of the targeting mix; the same seed gives the same catalog. */
  seed: number;
}

export interface SeededCatalog {
  /** The placement the measured requests ask for. */
  placementId: string;
  lineItems: number;
  /** Line items that list the measured placement, plus the run-of-network ones (no placement list). */
  reachMeasuredPlacement: number;
  /** An admin key of the organization (explain needs one). */
  apiKey: string;
}

export const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CA', 'ES', 'IT', 'NL', 'BR', 'JP'] as const;
export const KEYWORDS = Array.from({ length: 50 }, (_, i) => `topic${i}`);
const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'ctv'] as const;
const PLACEMENTS = 20;
const LINE_ITEMS_PER_CAMPAIGN = 5;
const CAMPAIGNS_PER_ADVERTISER = 2;
/** Separate rate-limit buckets (the management API limits per key); seeding is then bound by the store. */
const API_KEYS = 16;
const PARALLEL = 8;
/** $1M a day: the run spends a few thousand dollars at most. */
const DAILY_BUDGET_MICROS = 1_000_000_000_000;
const DAY_MS = 86_400_000;

/** Seeded, so every run builds the same mix. */
export const createRandom = seededRandom;

type Random = () => number;
/** `min`..`max` distinct values, uniformly (a partial Fisher–Yates shuffle). */
function pickSome<T>(random: Random, values: readonly T[], min: number, max: number): T[] {
  const count = min + Math.floor(random() * (max - min + 1));
  const pool = [...values];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/** One line item's targeting, caps, priority and price: the mix the measured requests run against. */
export function lineItemBody(random: Random, placementIds: readonly string[]) {
  const targeting: Record<string, unknown> = {};
  if (random() < 0.75) targeting['placements'] = pickSome(random, placementIds, 1, 3);
  if (random() < 0.6) targeting['geo'] = { countries: pickSome(random, COUNTRIES, 1, 4) };
  if (random() < 0.5) targeting['deviceTypes'] = pickSome(random, DEVICE_TYPES, 1, 2);
  if (random() < 0.3) {
    const keywords: Record<string, string[]> = { any: pickSome(random, KEYWORDS, 1, 3) };
    if (random() < 0.3) keywords['none'] = pickSome(random, KEYWORDS, 1, 1);
    targeting['keywords'] = keywords;
  }
  const roll = random();
  const priority = roll < 0.05 ? 'sponsorship' : roll < 0.9 ? 'standard' : 'price';
  const pricing =
    random() < 0.8
      ? { model: 'cpm', bidMicros: 1_000_000 + Math.floor(random() * 9_000_000) }
      : { model: 'cpc', bidMicros: 200_000 + Math.floor(random() * 1_800_000) };
  const frequencyCaps = random() < 0.3 ? [{ count: 1 + Math.floor(random() * 5), window: { unit: random() < 0.5 ? 'hour' : 'day' } }] : [];
  return { priority, pricing, dailyBudgetMicros: DAILY_BUDGET_MICROS, frequencyCaps, targeting };
}

interface Api {
  call(method: 'POST' | 'PATCH', path: string, body: object): Promise<Record<string, unknown> & { id: string }>;
}

function createApi(baseUrl: string, keys: readonly string[]): Api {
  let next = 0;
  const call: Api['call'] = async (method, path, body) => {
    const key = keys[next++ % keys.length]!;
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (response.ok) return JSON.parse(text);
      if (response.status !== 429 || attempt >= 20) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return { call };
}

async function signIn(baseUrl: string, dataDir: string): Promise<string[]> {
  const { email, password } = JSON.parse(await readFile(join(dataDir, 'initial-admin.json'), 'utf8'));
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const keys: string[] = [];
  for (let i = 0; i < API_KEYS; i++) {
    const response = await fetch(`${baseUrl}/api/v1/api-keys`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `bench seeder ${i}`, role: 'admin' }),
    });
    if (response.status !== 201) throw new Error(`api key: ${response.status} ${await response.text()}`);
    keys.push(((await response.json()) as { key: string }).key);
  }
  return keys;
}

async function createPlacements(api: Api): Promise<string[]> {
  const publisher = await api.call('POST', '/api/v1/publishers', { name: 'Bench News' });
  const site = await api.call('POST', '/api/v1/sites', {
    publisherId: publisher.id,
    type: 'site',
    name: 'Bench News',
    domain: 'news.example',
  });
  const ids: string[] = [];
  for (let i = 0; i < PLACEMENTS; i++) {
    const body = {
      siteId: site.id,
      name: `Slot ${i}`,
      formats: ['image', 'html'],
      sizes: [{ width: 300, height: 250 }],
      floorMicros: 500_000,
    };
    ids.push((await api.call('POST', '/api/v1/placements', body)).id);
  }
  return ids;
}

/** Advertiser → approved creative → campaigns (in flight, active) → line items (creative attached, active). */
async function seedAdvertiser(api: Api, index: number, random: Random, plan: { placementIds: string[]; lineItems: number }) {
  const advertiser = await api.call('POST', '/api/v1/advertisers', { name: `Advertiser ${index}`, currency: 'USD' });
  const creative = await api.call('POST', '/api/v1/creatives', {
    advertiserId: advertiser.id,
    name: 'MPU',
    format: 'html',
    width: 300,
    height: 250,
    clickUrl: `https://advertiser${index}.example/landing`,
    html: `<div class="ad">Advertiser ${index}: winter sale</div>`,
  });
  await api.call('POST', `/api/v1/creatives/${creative.id}/approve`, {});
  const bodies: ReturnType<typeof lineItemBody>[] = [];
  for (let c = 0; c < Math.ceil(plan.lineItems / LINE_ITEMS_PER_CAMPAIGN); c++) {
    const campaign = await api.call('POST', '/api/v1/campaigns', {
      advertiserId: advertiser.id,
      name: `Campaign ${index}.${c}`,
      startsAt: new Date(Date.now() - DAY_MS).toISOString(),
      endsAt: new Date(Date.now() + 30 * DAY_MS).toISOString(),
      totalBudgetMicros: DAILY_BUDGET_MICROS * 30,
      dailyBudgetMicros: DAILY_BUDGET_MICROS * LINE_ITEMS_PER_CAMPAIGN,
      pacing: random() < 0.5 ? 'even' : 'asap',
    });
    const count = Math.min(LINE_ITEMS_PER_CAMPAIGN, plan.lineItems - c * LINE_ITEMS_PER_CAMPAIGN);
    for (let i = 0; i < count; i++) {
      const body = lineItemBody(random, plan.placementIds);
      bodies.push(body);
      const item = await api.call('POST', '/api/v1/line-items', { campaignId: campaign.id, name: `Line item ${index}.${c}.${i}`, ...body });
      await api.call('POST', `/api/v1/line-items/${item.id}/creatives`, { creativeId: creative.id, weight: 100 });
      await api.call('PATCH', `/api/v1/line-items/${item.id}`, { status: 'active' });
    }
    await api.call('PATCH', `/api/v1/campaigns/${campaign.id}`, { status: 'active' });
  }
  return bodies;
}

/** Seeds the catalog; about 3.7 management calls per line item, `PARALLEL` advertisers at a time. */
export async function seedCatalog(options: SeedOptions): Promise<SeededCatalog> {
  const keys = await signIn(options.baseUrl, options.dataDir);
  const api = createApi(options.baseUrl, keys);
  const placementIds = await createPlacements(api);
  const measured = placementIds[0]!;
  const perAdvertiser = LINE_ITEMS_PER_CAMPAIGN * CAMPAIGNS_PER_ADVERTISER;
  const advertisers = Math.ceil(options.lineItems / perAdvertiser);
  let reach = 0;
  let nextAdvertiser = 0;
  const worker = async () => {
    for (let a = nextAdvertiser++; a < advertisers; a = nextAdvertiser++) {
      const random = createRandom(options.seed * 100_003 + a);
      const lineItems = Math.min(perAdvertiser, options.lineItems - a * perAdvertiser);
      const bodies = await seedAdvertiser(api, a, random, { placementIds, lineItems });
      reach += bodies.filter((b) => {
        const placements = b.targeting['placements'] as string[] | undefined;
        return placements === undefined || placements.includes(measured);
      }).length;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { placementId: measured, lineItems: options.lineItems, reachMeasuredPlacement: reach, apiKey: keys[0]! };
}
