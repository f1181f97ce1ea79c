import type { DeviceType } from '@adplatform/domain';
import { type LocalTime, localTimeAt } from './local-time.js';

/**
 * What the server extracts from one ad request (geo from the IP, device from
 * the user agent, …). Every field but `placementId` and `nowMs` is optional: a
 * request without a country simply does not match a country list.
 */
export interface RequestContext {
  placementId: string;
  /** The instant of the request, epoch ms; the only clock the core sees. */
  nowMs: number;
  /** ISO 3166-1 alpha-2; compared uppercase. */
  country?: string;
  /** ISO 3166-2 (`US-CA`); compared uppercase. */
  region?: string;
  city?: string;
  metro?: string;
  lat?: number;
  lon?: number;
  deviceType?: DeviceType;
  os?: string;
  browser?: string;
  /** ISO 639-1, in preference order (from `Accept-Language`). */
  languages?: readonly string[];
  keywords?: readonly string[];
  /** Ids of the audience segments the user key belongs to. */
  segments?: readonly string[];
  /** Custom key-values; a key may carry several values. */
  keyValues?: Readonly<Record<string, readonly string[]>>;
  /** Site domain or app bundle / store id. */
  domain?: string;
  /** IAB content categories of the page or app. */
  categories?: readonly string[];
}

/**
 * A request normalized once (case folding, sets) so that each line item's
 * checks are lookups. Local time is computed at most once per time zone per
 * request. Owned by one request; never shared between requests.
 */
export interface PreparedRequest {
  readonly prepared: true;
  readonly placementId: string;
  readonly country: string | undefined;
  readonly region: string | undefined;
  readonly city: string | undefined;
  readonly metro: string | undefined;
  readonly lat: number | undefined;
  readonly lon: number | undefined;
  readonly deviceType: string | undefined;
  readonly os: string | undefined;
  readonly browser: string | undefined;
  readonly languages: ReadonlySet<string>;
  readonly keywords: ReadonlySet<string>;
  readonly segments: ReadonlySet<string>;
  readonly keyValues: Readonly<Record<string, readonly string[]>>;
  readonly domain: string | undefined;
  /** `domain` as a set of zero or one, for the allow/block checks. */
  readonly domains: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
  localTime(timeZone: string): LocalTime;
}

const lower = (value: string | undefined) => value?.toLowerCase();
const upper = (value: string | undefined) => value?.toUpperCase();
const setOf = (values: readonly string[] | undefined, fold: (v: string) => string = (v) => v) => new Set(values ? values.map(fold) : []);

export function prepareRequest(ctx: RequestContext | PreparedRequest): PreparedRequest {
  if ('prepared' in ctx) return ctx;
  const zones = new Map<string, LocalTime>();
  const nowMs = ctx.nowMs;
  return {
    prepared: true,
    placementId: ctx.placementId,
    country: upper(ctx.country),
    region: upper(ctx.region),
    city: ctx.city,
    metro: ctx.metro,
    lat: ctx.lat,
    lon: ctx.lon,
    deviceType: lower(ctx.deviceType),
    os: lower(ctx.os),
    browser: lower(ctx.browser),
    languages: setOf(ctx.languages, (v) => v.toLowerCase()),
    keywords: setOf(ctx.keywords, (v) => v.toLowerCase()),
    segments: setOf(ctx.segments),
    keyValues: ctx.keyValues ?? {},
    domain: lower(ctx.domain),
    domains: new Set(ctx.domain === undefined ? [] : [ctx.domain.toLowerCase()]),
    categories: setOf(ctx.categories),
    localTime(timeZone) {
      let local = zones.get(timeZone);
      if (!local) {
        local = localTimeAt(nowMs, timeZone);
        zones.set(timeZone, local);
      }
      return local;
    },
  };
}
