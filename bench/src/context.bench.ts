// Request context extraction, in process: extractContext() per request over a realistic mix of
// real user agents (top-user-agents, read in place), public IPv4/IPv6 addresses, Accept-Language
// headers and page URLs, with a warm user-agent cache; plus the cost of its parts and the memory
// of the segment membership index per (user key, segment) pair.
// Run: node --expose-gc --import tsx bench/src/context.bench.ts [--requests 200000]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ChangeEvent } from '@adplatform/domain';
import {
  type ContextInput,
  createGeoLookup,
  createLanguageCache,
  createUserAgentCache,
  type ExtractDeps,
  extractContext,
  parseUserAgent,
  RecentCache,
  SegmentMembership,
  type SegmentMembershipOptions,
} from '../../apps/server/src/delivery/context/index.js';
import { fixed, machineFacts, markdownTable, printFacts } from './report.js';

const gc = (globalThis as { gc?: () => void }).gc;
const FIXTURES = new URL('../../../shared/fixtures/', import.meta.url);
const userAgents: string[] = JSON.parse(readFileSync(new URL('top-user-agents/src/index.json', FIXTURES), 'utf8'));

const IPS = [
  '8.8.8.8',
  '81.169.145.105',
  '193.0.6.139',
  '212.58.244.22',
  '80.67.169.12',
  '130.59.31.248',
  '2001:67c:2e8:22::c100:68b',
  '2a00:1450:4001:830::200e',
  '77.88.8.8',
  '200.160.2.3',
];
const LANGUAGES = ['en-US,en;q=0.9', 'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7', 'fr-FR,fr;q=0.9', 'es-ES,es;q=0.9,en;q=0.8', 'ja,en-US;q=0.9'];
const URLS = [
  'https://www.news.example/politics/2026/story-123?utm_source=x',
  'https://sport.example/live',
  'https://blog.example.org/a/b/c',
];

/** A deterministic stream of requests (a multiplicative hash picks each field). */
function createInputs(count: number): ContextInput[] {
  const pick = <T>(list: readonly T[], i: number, salt: number) => list[(Math.imul(i + 1, 2_654_435_761 + salt) >>> 0) % list.length] as T;
  return Array.from({ length: count }, (_, i) => ({
    ip: pick(IPS, i, 1),
    userAgent: userAgents[(Math.imul(i, 2_654_435_761) >>> 0) % userAgents.length] as string,
    acceptLanguage: LANGUAGES[(Math.imul(i, 40_503) >>> 0) % LANGUAGES.length],
    url: URLS[i % URLS.length],
    keywords: ['sport', 'football'],
    keyValues: { section: 'news' },
    userKey: i % 2 === 0 ? `adp-${i % 5_000}` : undefined,
    consent: i % 10 === 0 ? { gdpr: 1 as const } : undefined,
  }));
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

function timeEach(count: number, run: (i: number) => void): { p50: number; p99: number; p999: number; perSecond: number } {
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    run(i);
    latencies[i] = (performance.now() - t0) * 1000;
  }
  const elapsedMs = performance.now() - started;
  latencies.sort();
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    p999: quantile(latencies, 0.999),
    perSecond: count / (elapsedMs / 1000),
  };
}

/** Mean cost of `run` over many iterations, µs (for operations too short to time one by one). */
function meanMicros(iterations: number, run: (i: number) => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run(i);
  return Number(process.hrtime.bigint() - started) / iterations / 1000;
}

/** Heap bytes per (user key, segment) pair of a membership index of `users` keys in `segments` segments of 4 users' worth each. */
async function membershipBytes(users: number, segmentsPerUser: number): Promise<number> {
  const segments = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const members = new Map(
    segments.map((id, s) => [
      id,
      Array.from({ length: users }, (_, u) => `adp-user-${u}`)
        .filter((_, u) => (u + s) % 20 < segmentsPerUser)
        .sort(),
    ]),
  );
  const store = {
    organizations: { list: async () => ({ items: [{ id: 'org' }], nextCursor: null }) },
    resources: {
      segment: {
        list: async () => ({ items: segments.map((id) => ({ id })), nextCursor: null }),
        get: async () => ({ status: 'active' }),
      },
    },
    segmentMembers: {
      listMembers: async (_org: string, segmentId: string, page: { after?: string; limit: number }) => {
        const keys = members.get(segmentId) ?? [];
        const start = page.after === undefined ? 0 : keys.findIndex((k) => k > (page.after as string));
        // Fresh strings, as a database driver returns them: the index then owns its keys and the heap delta counts them.
        return start < 0 ? [] : keys.slice(start, start + page.limit).map((key) => Buffer.from(key).toString());
      },
    },
  } as unknown as SegmentMembershipOptions['store'];
  const bus = { publish: (_: ChangeEvent) => undefined, subscribe: () => () => undefined };
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const membership = new SegmentMembership({ store, bus, maxMemberships: Number.MAX_SAFE_INTEGER });
  await membership.start();
  gc?.();
  const bytes = process.memoryUsage().heapUsed - before;
  const { memberships } = membership.status();
  await membership.close();
  members.clear();
  return bytes / memberships;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '200000' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 10_000) throw new Error('--requests must be an integer ≥ 10000');
  printFacts(machineFacts(), {
    requests: String(requests),
    gc: gc ? 'exposed (heap after gc)' : 'not exposed: run with --expose-gc',
    mix: `${userAgents.length} real user agents (top-user-agents), ${IPS.length} public IPs (2 IPv6), ${LANGUAGES.length} Accept-Language headers, half with a user key, 10% gdpr=1 without consent`,
  });
  const deps: ExtractDeps = {
    geo: createGeoLookup(),
    userAgents: createUserAgentCache(),
    languages: createLanguageCache(),
    userKeySalt: 'bench-salt-0123456789abcdef',
    derivedUserKeys: new RecentCache<string, string>(10_000),
  };
  const inputs = createInputs(requests);
  for (let i = 0; i < 20_000; i++) extractContext(inputs[i % inputs.length] as ContextInput, deps); // warm-up: caches and JIT
  const whole = timeEach(requests, (i) => extractContext(inputs[i] as ContextInput, deps));
  // The same requests from a distinct public IPv4 each and without a user key: every derived key is an HMAC, every geo lookup a new address.
  const distinct = inputs.map((input, i) => ({
    ...input,
    ip: `${81 + (i % 50)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    userKey: undefined,
  }));
  const cold = timeEach(requests, (i) => extractContext(distinct[i] as ContextInput, deps));
  const ipv4 = IPS.filter((ip) => !ip.includes(':'));
  const ipv6 = IPS.filter((ip) => ip.includes(':'));
  const parts: [string, number][] = [
    ['user agent parse, cache miss (ua-parser-js)', meanMicros(20_000, (i) => parseUserAgent(userAgents[i % userAgents.length] as string))],
    ['user agent, cache hit', meanMicros(1_000_000, (i) => deps.userAgents.parse(userAgents[i % userAgents.length] as string))],
    ['geo, IPv4', meanMicros(1_000_000, (i) => deps.geo.country(ipv4[i % ipv4.length] as string))],
    ['geo, IPv6', meanMicros(200_000, (i) => deps.geo.country(ipv6[i % ipv6.length] as string))],
  ];
  console.log(
    `\n${markdownTable(
      ['extractContext() (warm caches)', 'per second', 'p50 µs', 'p99 µs', 'p99.9 µs'],
      [
        [
          'mix (repeat visitors, half with a user key)',
          fixed(whole.perSecond, 0),
          fixed(whole.p50, 2),
          fixed(whole.p99, 2),
          fixed(whole.p999, 2),
        ],
        [
          'distinct IP each, no user key (HMAC every time)',
          fixed(cold.perSecond, 0),
          fixed(cold.p50, 2),
          fixed(cold.p99, 2),
          fixed(cold.p999, 2),
        ],
      ],
    )}`,
  );
  console.log(
    `\n${markdownTable(
      ['part', 'mean µs'],
      parts.map(([name, us]) => [name, fixed(us, 3)]),
    )}`,
  );
  const rows: string[][] = [];
  for (const [users, perUser] of [
    [100_000, 1],
    [100_000, 4],
    [500_000, 2],
  ] as const) {
    rows.push([users.toLocaleString('en-US'), String(perUser), fixed(await membershipBytes(users, perUser), 0)]);
  }
  console.log(`\n${markdownTable(['user keys', 'segments per key', 'heap bytes per (key, segment)'], rows)}`);
}

await main();
