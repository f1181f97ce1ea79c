import type { PlacementKey } from './demo-plan.js';
import { createVisitors, pageUrl, pick, SECTIONS, type Visitor } from './visitors.js';

/**
 * The demo's traffic: page views of the demo site sent to this server over
 * its real HTTP routes, as browsers and an advertiser's server would send
 * them — `POST /v1/decisions`, then the returned impression, viewability and
 * click URLs, and `/t/conv` postbacks for some clicks. Every URL is sent to
 * `baseUrl` (this server's loopback address), whatever origin the tracking
 * URLs name, and redirects are never followed: the simulator reaches nothing
 * but this server.
 */
export interface TrafficOptions {
  /** This server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  placements: Record<PlacementKey, string>;
  /** Page views per second (each asks for three ad slots). Default 5. */
  requestsPerSecond?: number;
  /** Share of served ads whose impression is counted (the rest never render). Default 0.92. */
  impressionRate?: number;
  /** Clicks per impression, before the device factor (mobile ×1.3, desktop ×0.7). Default 0.015. */
  clickRate?: number;
  /** Conversions per click. Default 0.08. */
  conversionRate?: number;
  /** Scales the delays between a decision and its impression, click and conversion. Default 1; 0 in tests. */
  delayScale?: number;
  random?: () => number;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** How often the totals are logged. Default a minute. */
  reportEveryMs?: number;
}

export interface TrafficStats {
  requests: number;
  ads: number;
  impressions: number;
  viewables: number;
  clicks: number;
  conversions: number;
  errors: number;
  /** Page views not sent because too many were still waiting for an answer. */
  skipped: number;
}

export interface TrafficSimulator {
  stats(): TrafficStats;
  /** Stops sending, cancels what is scheduled and waits for requests in flight. Idempotent. */
  stop(): Promise<void>;
}

interface ServedAd {
  impressionUrl?: string;
  viewableUrl?: string;
  clickUrl?: string;
}

const TICK_MS = 100;
const MAX_IN_FLIGHT = 64;
const REQUEST_TIMEOUT_MS = 10_000;

/** Starts sending at once; `stop()` before the server closes. */
export function startTraffic(options: TrafficOptions): TrafficSimulator {
  const random = options.random ?? Math.random;
  const rate = options.requestsPerSecond ?? 5;
  const impressionRate = options.impressionRate ?? 0.92;
  const clickRate = options.clickRate ?? 0.015;
  const conversionRate = options.conversionRate ?? 0.08;
  const delayScale = options.delayScale ?? 1;
  const base = options.baseUrl.replace(/\/$/, '');
  const visitors = createVisitors(random);
  const stats: TrafficStats = { requests: 0, ads: 0, impressions: 0, viewables: 0, clicks: 0, conversions: 0, errors: 0, skipped: 0 };
  const inFlight = new Set<Promise<unknown>>();
  const timers = new Set<NodeJS.Timeout>();
  const aborts = new AbortController();
  let stopped = false;
  let pageViewsInFlight = 0;
  let warned = false;

  const fail = (error: unknown) => {
    if (stopped) return;
    stats.errors++;
    if (!warned) {
      warned = true;
      options.log?.warn({ err: error }, 'demo traffic: a request failed (further failures are only counted)');
    }
  };

  const send = (url: string, visitor: Visitor, init: RequestInit = {}): Promise<Response> => {
    // Only the path and query are kept: the request goes to this server even when tracking URLs name a public origin.
    const target = new URL(url, base);
    const signal = AbortSignal.any([aborts.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    const headers = { 'user-agent': visitor.userAgent, 'accept-language': visitor.acceptLanguage, ...init.headers };
    return fetch(`${base}${target.pathname}${target.search}`, { ...init, headers, redirect: 'manual', signal });
  };

  /** Runs `work` later (scaled), unless the simulator stops first; tracked so stop() can wait for it. */
  const later = (delayMs: number, work: () => Promise<void>) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      const running = work().catch(fail);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    }, delayMs * delayScale);
    timers.add(timer);
  };
  const between = (fromMs: number, toMs: number) => fromMs + random() * (toMs - fromMs);

  async function hit(url: string | undefined, visitor: Visitor, counter: 'impressions' | 'viewables'): Promise<void> {
    if (!url) return;
    const response = await send(url, visitor);
    await response.arrayBuffer();
    if (response.ok) stats[counter]++;
    else fail(new Error(`${new URL(url, base).pathname} answered ${response.status}`));
  }

  async function click(ad: ServedAd, visitor: Visitor): Promise<void> {
    if (!ad.clickUrl) return;
    const response = await send(ad.clickUrl, visitor);
    await response.arrayBuffer();
    if (response.status !== 302) return fail(new Error(`/t/click answered ${response.status}`));
    stats.clicks++;
    if (random() >= conversionRate) return;
    // The landing page got {CLICK_ID}; the advertiser's server posts it back. The click URL's token is the same id.
    const location = response.headers.get('location') ?? '';
    const clickId = safeParam(location, 'click_id') ?? safeParam(ad.clickUrl, 't');
    if (!clickId) return;
    const valueMicros = Math.round(between(15, 180)) * 1_000_000;
    later(between(2_000, 6_000), async () => {
      const postback = await send(`/t/conv?click_id=${encodeURIComponent(clickId)}&value=${valueMicros}`, visitor);
      await postback.arrayBuffer();
      if (postback.status === 204) stats.conversions++;
      else fail(new Error(`/t/conv answered ${postback.status}`));
    });
  }

  function render(ad: ServedAd, visitor: Visitor): void {
    if (random() >= impressionRate) return;
    later(between(50, 800), async () => {
      await hit(ad.impressionUrl, visitor, 'impressions');
      if (random() < 0.65) later(between(1_000, 2_000), () => hit(ad.viewableUrl, visitor, 'viewables'));
      const factor = visitor.device === 'mobile' ? 1.3 : 0.7;
      if (random() < clickRate * factor) later(between(1_500, 8_000), () => click(ad, visitor));
    });
  }

  async function pageView(): Promise<void> {
    const visitor = visitors[Math.floor(random() * visitors.length)]!;
    const section = pick(SECTIONS, random);
    const top = visitor.device === 'mobile' ? 'mobile' : 'leaderboard';
    const slots = (['top', 'side', 'feed'] as const).map((divName, i) => ({
      divName,
      placementId: options.placements[[top, 'mpu', 'native'][i] as PlacementKey],
    }));
    const response = await send('/v1/decisions', visitor, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        placements: slots,
        user: { key: visitor.key },
        ip: visitor.ip,
        userAgent: visitor.userAgent,
        url: pageUrl(section, random),
        keywords: section.keywords,
        keyValues: { section: section.section },
      }),
    });
    stats.requests++;
    if (!response.ok) {
      await response.arrayBuffer();
      return fail(new Error(`/v1/decisions answered ${response.status}`));
    }
    const body = (await response.json()) as { decisions: Record<string, ServedAd[] | null> };
    for (const ads of Object.values(body.decisions)) {
      for (const ad of ads ?? []) {
        if (!ad.impressionUrl) continue; // a passback or house fallback carries no tracking
        stats.ads++;
        render(ad, visitor);
      }
    }
  }

  let budget = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    budget = Math.min(budget + ((now - last) / 1000) * rate, Math.max(1, rate));
    last = now;
    for (; budget >= 1; budget--) {
      if (pageViewsInFlight >= MAX_IN_FLIGHT) {
        stats.skipped++;
        continue;
      }
      pageViewsInFlight++;
      const running = pageView()
        .catch(fail)
        .finally(() => {
          pageViewsInFlight--;
        });
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    }
  }, TICK_MS);

  let reported = { ...stats };
  const report = setInterval(() => {
    const delta = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v - reported[k as keyof TrafficStats]]));
    reported = { ...stats };
    options.log?.info({ lastPeriod: delta, total: stats }, 'demo traffic');
  }, options.reportEveryMs ?? 60_000);
  report.unref();

  let stopping: Promise<void> | undefined;
  return {
    stats: () => ({ ...stats }),
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(tick);
        clearInterval(report);
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        // Requests in flight get a moment to finish (their answers are quick), then are cut.
        const cut = setTimeout(() => aborts.abort(), 2_000);
        await Promise.allSettled([...inFlight]);
        clearTimeout(cut);
      })();
      return stopping;
    },
  };
}

function safeParam(url: string, name: string): string | undefined {
  try {
    return new URL(url, 'http://localhost').searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
