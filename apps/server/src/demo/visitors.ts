import { DEMO_SITE_DOMAIN } from './demo-plan.js';

/**
 * Who the demo's simulated visitors are and what they read: a fixed pool of
 * user keys, each with a country (an address the geo database places there),
 * a device and a language, and the sections of the demo site with their
 * keywords. Weights are rough shares of traffic.
 */

export const VISITOR_COUNT = 300;
const visitorKey = (index: number) => `demo-visitor-${String(index).padStart(3, '0')}`;

/** Every fifth visitor read the bank's savings pages: the demo segment's members. */
export function demoSegmentMembers(): string[] {
  return Array.from({ length: VISITOR_COUNT / 5 }, (_, i) => visitorKey(i * 5));
}

interface Weighted {
  weight: number;
}

export function pick<T extends Weighted>(items: readonly T[], random: () => number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let at = random() * total;
  for (const item of items) {
    at -= item.weight;
    if (at < 0) return item;
  }
  return items[items.length - 1]!;
}

/** Public addresses the bundled country database (ip-location-db) places in each country. */
const COUNTRIES = [
  { country: 'US', ip: '8.8.8.8', language: 'en-US,en;q=0.9', weight: 34 },
  { country: 'US', ip: '9.9.9.9', language: 'en-US,en;q=0.9', weight: 6 },
  { country: 'GB', ip: '212.58.244.22', language: 'en-GB,en;q=0.9', weight: 14 },
  { country: 'CA', ip: '99.224.0.1', language: 'en-CA,en;q=0.9,fr-CA;q=0.7', weight: 7 },
  { country: 'DE', ip: '81.169.145.105', language: 'de-DE,de;q=0.9,en;q=0.6', weight: 8 },
  { country: 'FR', ip: '80.67.169.12', language: 'fr-FR,fr;q=0.9,en;q=0.5', weight: 6 },
  { country: 'NL', ip: '193.0.6.139', language: 'nl-NL,nl;q=0.9,en;q=0.8', weight: 3 },
  { country: 'ES', ip: '80.58.0.1', language: 'es-ES,es;q=0.9', weight: 4 },
  { country: 'IE', ip: '87.32.0.1', language: 'en-IE,en;q=0.9', weight: 2 },
  { country: 'IT', ip: '46.227.0.1', language: 'it-IT,it;q=0.9', weight: 3 },
  { country: 'JP', ip: '133.11.0.1', language: 'ja-JP,ja;q=0.9', weight: 5 },
  { country: 'IN', ip: '117.239.0.1', language: 'en-IN,hi;q=0.8', weight: 4 },
  { country: 'BR', ip: '200.147.0.1', language: 'pt-BR,pt;q=0.9', weight: 3 },
  { country: 'AU', ip: '139.130.4.5', language: 'en-AU,en;q=0.9', weight: 1 },
] as const;

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

/** Current browsers as they identify themselves (none carries a token the bot filter refuses). */
const USER_AGENTS: readonly { device: DeviceKind; userAgent: string; weight: number }[] = [
  {
    device: 'desktop',
    weight: 22,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  },
  {
    device: 'desktop',
    weight: 10,
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  },
  { device: 'desktop', weight: 5, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
  {
    device: 'desktop',
    weight: 6,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  },
  {
    device: 'mobile',
    weight: 24,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  },
  {
    device: 'mobile',
    weight: 20,
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  },
  {
    device: 'mobile',
    weight: 5,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  },
  {
    device: 'tablet',
    weight: 8,
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  },
];

export interface Visitor {
  key: string;
  country: string;
  ip: string;
  acceptLanguage: string;
  device: DeviceKind;
  userAgent: string;
}

/** The pool: each visitor keeps one country and one device, as a real reader mostly does. */
export function createVisitors(random: () => number): Visitor[] {
  return Array.from({ length: VISITOR_COUNT }, (_, i) => {
    const place = pick(COUNTRIES, random);
    const agent = pick(USER_AGENTS, random);
    return {
      key: visitorKey(i),
      country: place.country,
      ip: place.ip,
      acceptLanguage: place.language,
      device: agent.device,
      userAgent: agent.userAgent,
    };
  });
}

export interface Section {
  section: string;
  keywords: string[];
  slugs: string[];
  weight: number;
}

export const SECTIONS: readonly Section[] = [
  { section: 'news', keywords: ['news', 'world', 'economy'], slugs: ['election-night', 'markets-open', 'storm-warning'], weight: 30 },
  { section: 'sports', keywords: ['sports', 'football', 'running'], slugs: ['cup-final', 'marathon-record'], weight: 20 },
  { section: 'sports', keywords: ['sports', 'hiking', 'outdoors'], slugs: ['best-trails', 'winter-camping'], weight: 8 },
  { section: 'travel', keywords: ['travel', 'flights', 'city-break'], slugs: ['lisbon-in-3-days', 'cheap-flights'], weight: 15 },
  { section: 'finance', keywords: ['finance', 'savings', 'mortgage'], slugs: ['rates-rise', 'first-home'], weight: 12 },
  { section: 'tech', keywords: ['tech', 'gadgets', 'phones'], slugs: ['phone-review', 'ai-at-work'], weight: 15 },
];

export function pageUrl(section: Section, random: () => number): string {
  const slug = section.slugs[Math.floor(random() * section.slugs.length)] ?? 'index';
  return `https://${DEMO_SITE_DOMAIN}/${section.section}/${slug}`;
}
