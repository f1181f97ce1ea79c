import type { RequestContext } from '@adplatform/decision-core';
import { parseAcceptLanguage } from './accept-language.js';
import type { GeoLookup } from './geo-lookup.js';
import { pageDomain } from './page-domain.js';
import { RecentCache } from './recent-cache.js';
import type { UserAgentCache } from './user-agent.js';
import { type ConsentSignals, type ResolvedUserKey, resolveUserKey } from './user-key.js';

/** What the decision route knows about one ad request, before any lookup. */
export interface ContextInput {
  /** The end user's IP: the body's `ip`, else the caller's address. */
  ip: string;
  /** The end user's user agent: the body's `userAgent`, else the caller's header. */
  userAgent: string;
  acceptLanguage?: string | undefined;
  /** The page URL (body `url`); the domain falls back to `referrer` (body `referrer` or the Referer header). */
  url?: string | undefined;
  referrer?: string | undefined;
  keywords?: readonly string[] | undefined;
  /** A value or a list of values per key, as the decision body carries them. */
  keyValues?: Readonly<Record<string, string | readonly string[]>> | undefined;
  userKey?: string | undefined;
  consent?: ConsentSignals | undefined;
}

/**
 * The request facts decision-core's `RequestContext` takes, minus what the
 * route adds (placementId, nowMs) and what comes from elsewhere (segments from
 * `segmentsFor`, categories from the site). Arrays may be shared with later
 * requests (cached): never mutate them.
 */
export type ExtractedContext = Pick<
  RequestContext,
  'country' | 'deviceType' | 'os' | 'browser' | 'languages' | 'keywords' | 'keyValues' | 'domain'
>;

export interface ExtractionResult {
  context: ExtractedContext;
  /** The key caps and segments use; undefined when there is none or consent forbids one. */
  userKey: string | undefined;
  userKeySource: ResolvedUserKey['source'];
  /** Heuristic automated-traffic flag from the user agent: the decision still runs; events should carry it. */
  isBot: boolean;
}

export interface ExtractDeps {
  geo: GeoLookup;
  userAgents: UserAgentCache;
  /** Parsed Accept-Language headers; they repeat as much as user agents. */
  languages: RecentCache<string, readonly string[]>;
  userKeySalt: string;
  /** Derived user keys by IP and user agent; optional. */
  derivedUserKeys?: RecentCache<string, string> | undefined;
}

export const DEFAULT_ACCEPT_LANGUAGE_CACHE_ENTRIES = 1_000;
/** Derived user keys kept: about 2.5 MB at 10,000 (IP + user agent as the key, 24 characters as the value). */
export const DEFAULT_DERIVED_USER_KEY_CACHE_ENTRIES = 10_000;

export const createLanguageCache = (maxEntries = DEFAULT_ACCEPT_LANGUAGE_CACHE_ENTRIES) =>
  new RecentCache<string, readonly string[]>(maxEntries);

/**
 * Everything the decision needs from the request itself, in one synchronous
 * call with no I/O: country from the IP, device/OS/browser and a bot flag
 * from the user agent (cached), languages from Accept-Language (cached),
 * the site domain from the page URL or referrer, the keywords and key-values
 * normalized, and the user key under the consent rules of `resolveUserKey`.
 * Never throws on any input.
 */
export function extractContext(input: ContextInput, deps: ExtractDeps): ExtractionResult {
  const context: ExtractedContext = {};
  const country = deps.geo.country(input.ip);
  if (country !== undefined) context.country = country;
  const agent = deps.userAgents.parse(input.userAgent);
  context.deviceType = agent.deviceType;
  if (agent.os !== undefined) context.os = agent.os;
  if (agent.browser !== undefined) context.browser = agent.browser;
  const languages = languagesOf(input.acceptLanguage, deps.languages);
  if (languages.length > 0) context.languages = languages;
  const domain = pageDomain(input.url) ?? pageDomain(input.referrer);
  if (domain !== undefined) context.domain = domain;
  if (input.keywords !== undefined && input.keywords.length > 0) context.keywords = input.keywords;
  if (input.keyValues !== undefined) {
    const keyValues = normalizeKeyValues(input.keyValues);
    if (keyValues !== undefined) context.keyValues = keyValues;
  }
  const key = resolveUserKey(input, deps.userKeySalt, deps.derivedUserKeys);
  return { context, userKey: key.userKey, userKeySource: key.source, isBot: agent.isBot };
}

const NO_LANGUAGES: readonly string[] = Object.freeze([]);

function languagesOf(header: string | undefined, cache: RecentCache<string, readonly string[]>): readonly string[] {
  if (!header) return NO_LANGUAGES;
  let languages = cache.get(header);
  if (languages === undefined) {
    languages = Object.freeze(parseAcceptLanguage(header));
    cache.set(header, languages);
  }
  return languages;
}

/** `{ k: 'v' }` and `{ k: ['v', 'w'] }` both become lists; empty lists and an empty object become nothing. */
function normalizeKeyValues(
  keyValues: Readonly<Record<string, string | readonly string[]>>,
): Readonly<Record<string, readonly string[]>> | undefined {
  let normalized: Record<string, readonly string[]> | undefined;
  for (const key of Object.keys(keyValues)) {
    const value = keyValues[key];
    const values = typeof value === 'string' ? [value] : value;
    if (values === undefined || values.length === 0) continue;
    normalized ??= {};
    normalized[key] = values;
  }
  return normalized;
}
