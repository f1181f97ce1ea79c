export { ACCEPT_LANGUAGE_MAX_CHARS, MAX_LANGUAGES, parseAcceptLanguage } from './accept-language.js';
export { isBotUserAgent } from './bot-detection.js';
export {
  type ContextInput,
  createLanguageCache,
  type ExtractDeps,
  type ExtractedContext,
  type ExtractionResult,
  extractContext,
} from './extract-context.js';
export { createGeoLookup, defaultGeoDbPath, type GeoLookup, type GeoLookupOptions } from './geo-lookup.js';
export { pageDomain } from './page-domain.js';
export { RecentCache } from './recent-cache.js';
export {
  createRequestContextExtractor,
  type RequestContextExtractor,
  type RequestContextExtractorOptions,
} from './request-context-extractor.js';
export { loadOrCreateSecret, loadUserKeySalt } from './secrets.js';
export { SegmentMembership, type SegmentMembershipOptions, type SegmentMembershipStatus } from './segment-membership.js';
export { decodeTcfConsent, type TcfConsent, tcfGrantsStorage } from './tcf-consent.js';
export { createUserAgentCache, parseUserAgent, type UserAgentCache, type UserAgentFacts } from './user-agent.js';
export {
  type ConsentSignals,
  consentDenial,
  HASHED_USER_KEY_PREFIX,
  type ResolvedUserKey,
  resolveUserKey,
  USER_KEY_MAX_CHARS,
  type UserKeyDenial,
  type UserKeyInput,
  userKeyProblem,
} from './user-key.js';
