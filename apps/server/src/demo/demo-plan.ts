import type { Targeting } from '@adplatform/domain';
import type { FrequencyCap, Pacing } from '../modules/campaigns/delivery.schemas.js';
import type { Pricing, Priority } from '../modules/line-items/line-items.schemas.js';
import type { BannerDesign } from './demo-images.js';

/**
 * What `adplatform serve --demo` creates, as data: the seed (seed.ts) walks it
 * through the real services. Every name starts with "Demo", so demo data is
 * easy to tell apart (and to find again: the seed matches by exact name).
 * Money is integer micros of USD.
 */

export const DEMO_PREFIX = 'Demo ';
export const DEMO_MARKER = 'Demo data created by `adplatform serve --demo` (docs/demo.md).';

export type PlacementKey = 'leaderboard' | 'mpu' | 'mobile' | 'native';
export type AdvertiserKey = 'acme' | 'northwind' | 'brightside';

export const DEMO_SITE_DOMAIN = 'dailyplanet.example';

export const DEMO_PUBLISHER = { name: 'Demo Daily Planet Media', domain: DEMO_SITE_DOMAIN };
export const DEMO_SITE = { name: 'Demo Daily Planet', domain: DEMO_SITE_DOMAIN, categories: ['IAB12', 'IAB17', 'IAB20', 'IAB13'] };

export interface PlacementPlan {
  name: string;
  formats: ('image' | 'html' | 'native')[];
  sizes: { width: number; height: number }[];
  floorMicros: number;
}

export const DEMO_PLACEMENTS: Record<PlacementKey, PlacementPlan> = {
  leaderboard: {
    name: 'Demo Top leaderboard 728x90',
    formats: ['image', 'html'],
    sizes: [{ width: 728, height: 90 }],
    floorMicros: 500_000,
  },
  mpu: { name: 'Demo Sidebar MPU 300x250', formats: ['image', 'html'], sizes: [{ width: 300, height: 250 }], floorMicros: 800_000 },
  mobile: { name: 'Demo Mobile banner 320x50', formats: ['image', 'html'], sizes: [{ width: 320, height: 50 }], floorMicros: 300_000 },
  native: { name: 'Demo In-feed native', formats: ['native'], sizes: [], floorMicros: 1_000_000 },
};

export const DEMO_SEGMENT = { name: 'Demo Savers (site visitors)', description: `Visitors of the bank's savings pages. ${DEMO_MARKER}` };

/** A disabled partner at a name that never resolves (RFC 6761 `.invalid`): the demo never calls out. */
export const DEMO_DEMAND_PARTNER = {
  name: 'Demo Exchange Partner (disabled)',
  endpointUrl: 'https://bidder.demo-partner.invalid/openrtb2/auction',
  timeoutMs: 200,
  bidAdjustment: 0.9,
  enabled: false,
} as const;

export const DEMO_ADVERTISERS: Record<AdvertiserKey, { name: string; currency: string }> = {
  acme: { name: 'Demo Acme Outdoor', currency: 'USD' },
  northwind: { name: 'Demo Northwind Travel', currency: 'USD' },
  brightside: { name: 'Demo Brightside Bank', currency: 'USD' },
};

export type CreativePlan =
  | { kind: 'image'; name: string; width: number; height: number; clickUrl: string; design: BannerDesign }
  | { kind: 'html'; name: string; width: number; height: number; clickUrl: string; html: string }
  | {
      kind: 'native';
      name: string;
      clickUrl: string;
      native: { title: string; description: string; imageUrl: string; callToAction: string; sponsor: string };
    };

export interface LineItemPlan {
  name: string;
  priority: Priority;
  pricing: Pricing;
  dailyBudgetMicros?: number;
  pacing?: Pacing;
  /** Placement keys, resolved to ids by the seed. */
  placements: PlacementKey[];
  targeting?: Targeting;
  creatives: { creative: CreativePlan; weight?: number; experimentId?: string }[];
}

export interface CampaignPlan {
  name: string;
  advertiser: AdvertiserKey;
  timezone: string;
  /** Days the flight runs from its start; absent: open-ended. */
  flightDays?: number;
  totalBudgetMicros?: number;
  dailyBudgetMicros?: number;
  pacing: Pacing;
  frequencyCaps?: FrequencyCap[];
  /** `segment` in segments.any is replaced by the demo segment's id. */
  targeting: Targeting;
  lineItems: LineItemPlan[];
}

/** `{CLICK_ID}` comes back on the landing page; the simulator posts it to /t/conv like an advertiser would. */
const landing = (host: string, path: string) =>
  `https://${host}/${path}?utm_source=adplatform-demo&click_id={CLICK_ID}&placement={PLACEMENT_ID}`;

const ACME = { from: '#0b6e4f', to: '#08415c', accent: '#f2c14e' };
const NORTHWIND = { from: '#1d3557', to: '#457b9d', accent: '#e63946' };
const BRIGHTSIDE = { from: '#5f0f40', to: '#9a031e', accent: '#fb8b24' };

const acmeUrl = landing('acme-outdoor.example', 'winter-sale');
const acmeMpuA: CreativePlan = {
  kind: 'image',
  name: 'Demo Acme MPU 300x250 (A: 30% off)',
  width: 300,
  height: 250,
  clickUrl: acmeUrl,
  design: { brand: 'Acme Outdoor', headline: 'Winter sale: 30% off', cta: 'Shop now', colors: ACME },
};
const acmeMpuB: CreativePlan = {
  ...acmeMpuA,
  name: 'Demo Acme MPU 300x250 (B: free shipping)',
  design: { brand: 'Acme Outdoor', headline: 'Free shipping on boots', cta: 'See boots', colors: ACME },
};
const acmeLeaderboard: CreativePlan = {
  kind: 'image',
  name: 'Demo Acme leaderboard 728x90',
  width: 728,
  height: 90,
  clickUrl: acmeUrl,
  design: { brand: 'Acme Outdoor', headline: 'Winter sale: 30% off jackets and boots', cta: 'Shop now', colors: ACME },
};
const acmeMobile: CreativePlan = {
  kind: 'image',
  name: 'Demo Acme mobile 320x50',
  width: 320,
  height: 50,
  clickUrl: acmeUrl,
  design: { brand: 'Acme Outdoor', headline: '30% off this week', cta: 'Shop', colors: ACME },
};
const acmeSportsHtml: CreativePlan = {
  kind: 'html',
  name: 'Demo Acme trail runners (HTML 300x250)',
  width: 300,
  height: 250,
  clickUrl: landing('acme-outdoor.example', 'trail-running'),
  html: [
    '<div style="box-sizing:border-box;width:300px;height:250px;padding:22px;font:15px/1.35 system-ui,sans-serif;color:#fff;',
    'background:linear-gradient(160deg,#0b6e4f,#08415c);display:flex;flex-direction:column;justify-content:space-between">',
    '<div style="font-size:11px;letter-spacing:.1em;opacity:.8">ACME OUTDOOR · DEMO</div>',
    '<div><div style="font-size:25px;font-weight:700">Made for the trail</div>',
    '<div style="margin-top:6px">Grip, cushioning and a 60-day test run.</div></div>',
    '<div style="align-self:flex-start;background:#f2c14e;color:#222;font-weight:700;padding:8px 16px;border-radius:6px">',
    'Find your pair</div></div>',
  ].join(''),
};

const northwindUrl = landing('northwind-travel.example', 'city-breaks');
const northwindNative: CreativePlan = {
  kind: 'native',
  name: 'Demo Northwind Lisbon (native)',
  clickUrl: northwindUrl,
  native: {
    title: 'Three days in Lisbon from €199',
    description: 'Flights and a riverside hotel, bookable until Sunday. Free cancellation.',
    // Never fetched by the server; under .invalid, so a browser preview shows no image rather than calling out.
    imageUrl: 'https://images.demo.invalid/northwind/lisbon-1200x627.jpg',
    callToAction: 'See deals',
    sponsor: 'Northwind Travel',
  },
};
const northwindLeaderboard: CreativePlan = {
  kind: 'image',
  name: 'Demo Northwind leaderboard 728x90',
  width: 728,
  height: 90,
  clickUrl: northwindUrl,
  design: { brand: 'Northwind Travel', headline: 'City breaks this weekend from €199', cta: 'Book now', colors: NORTHWIND },
};
const northwindMobile: CreativePlan = {
  kind: 'image',
  name: 'Demo Northwind mobile 320x50',
  width: 320,
  height: 50,
  clickUrl: northwindUrl,
  design: { brand: 'Northwind', headline: 'Weekend breaks €199', cta: 'Book', colors: NORTHWIND },
};
const northwindMpu: CreativePlan = {
  kind: 'image',
  name: 'Demo Northwind MPU 300x250',
  width: 300,
  height: 250,
  clickUrl: landing('northwind-travel.example', 'summer'),
  design: { brand: 'Northwind Travel', headline: 'Beaches from €249', cta: 'Explore', colors: NORTHWIND },
};

const brightsideUrl = landing('brightside-bank.example', 'savings');
const brightside = (name: string, width: number, height: number, headline: string, cta: string): CreativePlan => ({
  kind: 'image',
  name,
  width,
  height,
  clickUrl: brightsideUrl,
  design: { brand: 'Brightside Bank', headline, cta, colors: BRIGHTSIDE },
});
const brightsideNative: CreativePlan = {
  kind: 'native',
  name: 'Demo Brightside savings (native)',
  clickUrl: brightsideUrl,
  native: {
    title: 'A savings account that pays 4.1%',
    description: 'No fees, no minimum balance, open it in five minutes.',
    imageUrl: 'https://images.demo.invalid/brightside/savings-1200x627.jpg',
    callToAction: 'Open account',
    sponsor: 'Brightside Bank',
  },
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** Six campaigns: every tier, CPM/CPC/CPA, countries, devices, day-parts, keywords, key-values and a segment. */
export const DEMO_CAMPAIGNS: CampaignPlan[] = [
  {
    name: 'Demo Acme - Winter sale',
    advertiser: 'acme',
    timezone: 'America/New_York',
    flightDays: 30,
    totalBudgetMicros: 3_000_000_000,
    dailyBudgetMicros: 150_000_000,
    pacing: 'even',
    frequencyCaps: [{ count: 6, window: { unit: 'hour' } }],
    targeting: { geo: { countries: ['US', 'CA'] } },
    lineItems: [
      {
        name: 'Demo Acme - Desktop display (CPM)',
        priority: 'standard',
        pricing: { model: 'cpm', bidMicros: 3_000_000 },
        dailyBudgetMicros: 100_000_000,
        placements: ['leaderboard', 'mpu'],
        targeting: { deviceTypes: ['desktop', 'tablet'] },
        creatives: [
          { creative: acmeLeaderboard },
          { creative: acmeMpuA, weight: 50, experimentId: 'acme-mpu-headline' },
          { creative: acmeMpuB, weight: 50, experimentId: 'acme-mpu-headline' },
        ],
      },
      {
        name: 'Demo Acme - Mobile (CPC)',
        priority: 'price',
        pricing: { model: 'cpc', bidMicros: 1_200_000 },
        dailyBudgetMicros: 50_000_000,
        placements: ['mobile', 'mpu'],
        targeting: { deviceTypes: ['mobile'] },
        creatives: [{ creative: acmeMobile }, { creative: acmeMpuA }],
      },
    ],
  },
  {
    name: 'Demo Acme - Sports pages',
    advertiser: 'acme',
    timezone: 'America/New_York',
    dailyBudgetMicros: 40_000_000,
    pacing: 'asap',
    targeting: { keywords: { any: ['running', 'hiking', 'football', 'outdoors'] }, keyValues: { section: ['sports'] } },
    lineItems: [
      {
        name: 'Demo Acme - Sports MPU (HTML, CPM)',
        priority: 'standard',
        pricing: { model: 'cpm', bidMicros: 4_500_000 },
        placements: ['mpu'],
        creatives: [{ creative: acmeSportsHtml }],
      },
    ],
  },
  {
    name: 'Demo Northwind - Weekday city breaks',
    advertiser: 'northwind',
    timezone: 'Europe/London',
    dailyBudgetMicros: 80_000_000,
    pacing: 'even',
    targeting: {
      geo: { countries: ['GB', 'DE', 'FR', 'NL', 'ES', 'IE', 'IT'] },
      dayParts: [{ days: [...WEEKDAYS], startHour: 6, endHour: 23 }],
      keywords: { none: ['finance'] },
    },
    lineItems: [
      {
        name: 'Demo Northwind - Native in-feed (CPA)',
        priority: 'price',
        pricing: { model: 'cpa', bidMicros: 30_000_000 },
        placements: ['native'],
        creatives: [{ creative: northwindNative }],
      },
      {
        name: 'Demo Northwind - Leaderboard and mobile (CPM)',
        priority: 'standard',
        pricing: { model: 'cpm', bidMicros: 2_200_000 },
        dailyBudgetMicros: 50_000_000,
        placements: ['leaderboard', 'mobile'],
        creatives: [{ creative: northwindLeaderboard }, { creative: northwindMobile }],
      },
    ],
  },
  {
    name: 'Demo Northwind - Travel section',
    advertiser: 'northwind',
    timezone: 'UTC',
    dailyBudgetMicros: 50_000_000,
    pacing: 'even',
    targeting: { keyValues: { section: ['travel'] } },
    lineItems: [
      {
        name: 'Demo Northwind - Travel MPU and native (CPA)',
        priority: 'price',
        pricing: { model: 'cpa', bidMicros: 25_000_000 },
        placements: ['mpu', 'native'],
        creatives: [{ creative: northwindMpu }, { creative: northwindNative }],
      },
    ],
  },
  {
    name: 'Demo Brightside - Savers audience',
    advertiser: 'brightside',
    timezone: 'America/New_York',
    dailyBudgetMicros: 30_000_000,
    pacing: 'even',
    frequencyCaps: [{ count: 3, window: { unit: 'day' } }],
    targeting: { geo: { countries: ['US', 'GB', 'CA'] }, segments: { any: ['segment'] } },
    lineItems: [
      {
        name: 'Demo Brightside - Savers sponsorship (CPM)',
        priority: 'sponsorship',
        pricing: { model: 'cpm', bidMicros: 6_000_000 },
        placements: ['mpu', 'mobile'],
        creatives: [
          { creative: brightside('Demo Brightside savers MPU 300x250', 300, 250, 'Your savings, now at 4.1%', 'Open account') },
          { creative: brightside('Demo Brightside savers mobile 320x50', 320, 50, 'Savings at 4.1%', 'Open') },
        ],
      },
    ],
  },
  {
    name: 'Demo Brightside - Brand (house)',
    advertiser: 'brightside',
    timezone: 'UTC',
    pacing: 'asap',
    targeting: {},
    lineItems: [
      {
        name: 'Demo Brightside - House ads',
        priority: 'house',
        // Above every demo floor: a house item without a price does not fill a floored placement.
        pricing: { model: 'cpm', bidMicros: 1_100_000 },
        placements: ['leaderboard', 'mpu', 'mobile', 'native'],
        creatives: [
          {
            creative: brightside(
              'Demo Brightside brand leaderboard 728x90',
              728,
              90,
              'Banking that looks on the bright side',
              'Learn more',
            ),
          },
          { creative: brightside('Demo Brightside brand MPU 300x250', 300, 250, 'Banking on the bright side', 'Learn more') },
          { creative: brightside('Demo Brightside brand mobile 320x50', 320, 50, 'Bank on the bright side', 'More') },
          { creative: brightsideNative },
        ],
      },
    ],
  },
];
