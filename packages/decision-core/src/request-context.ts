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
  readonly nowMs: number;
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
  /** `languages`, `keywords`, `segments` and `domains` as arrays (distinct values), for the index scan's loops. */
  readonly languageList: readonly string[];
  readonly keywordList: readonly string[];
  readonly segmentList: readonly string[];
  readonly domainList: readonly string[];
  /** Local weekday and hour at `nowMs` in a zone; call it as a method (it reads `this.nowMs`). */
  localTime(this: { readonly nowMs: number }, timeZone: string): LocalTime;
}

/** One shared function, not a closure per request: localTimeAt caches the current local hour per zone. */
function localTimeOfRequest(this: { readonly nowMs: number }, timeZone: string): LocalTime {
  return localTimeAt(this.nowMs, timeZone);
}

const lower = (value: string | undefined) => value?.toLowerCase();
const upper = (value: string | undefined) => value?.toUpperCase();
const same = (v: string) => v;
const lowerCase = (v: string) => v.toLowerCase();
/** Shared by every request without values on a dimension: never mutated (typed read-only everywhere). */
const NONE: ReadonlySet<string> = new Set();

function setOf(values: readonly string[] | undefined, fold: (v: string) => string = same): ReadonlySet<string> {
  if (values === undefined || values.length === 0) return NONE;
  const set = new Set<string>();
  for (const value of values) set.add(fold(value));
  return set;
}

const NO_VALUES: readonly string[] = Object.freeze([]);
const listOf = (set: ReadonlySet<string>): readonly string[] => (set.size === 0 ? NO_VALUES : [...set]);
/** Shared by every request without key-values: never mutated (typed read-only everywhere). */
const NO_KEY_VALUES: Readonly<Record<string, readonly string[]>> = Object.freeze({});

export function prepareRequest(ctx: RequestContext | PreparedRequest): PreparedRequest {
  if ('prepared' in ctx) return ctx;
  return prepareContext(ctx, ctx.placementId, ctx.nowMs);
}

/** The same from a context without placement and clock (a decision's shared context), without copying it. */
export function prepareContext(ctx: Omit<RequestContext, 'placementId' | 'nowMs'>, placementId: string, nowMs: number): PreparedRequest {
  const languages = setOf(ctx.languages, lowerCase);
  const keywords = setOf(ctx.keywords, lowerCase);
  const segments = setOf(ctx.segments);
  const domain = ctx.domain?.toLowerCase();
  // Built directly, not through setOf/listOf: every request on a page has a domain.
  const domains = domain === undefined ? NONE : new Set<string>().add(domain);
  return {
    prepared: true,
    placementId,
    nowMs,
    country: upper(ctx.country),
    region: upper(ctx.region),
    city: ctx.city,
    metro: ctx.metro,
    lat: ctx.lat,
    lon: ctx.lon,
    deviceType: lower(ctx.deviceType),
    os: lower(ctx.os),
    browser: lower(ctx.browser),
    languages,
    keywords,
    segments,
    keyValues: ctx.keyValues ?? NO_KEY_VALUES,
    domain,
    domains,
    categories: setOf(ctx.categories),
    languageList: listOf(languages),
    keywordList: listOf(keywords),
    segmentList: listOf(segments),
    domainList: domain === undefined ? NO_VALUES : [domain],
    localTime: localTimeOfRequest,
  };
}
