import type { ChangeBus, MetadataStore } from '@adplatform/ports';
import {
  type ContextInput,
  createLanguageCache,
  DEFAULT_DERIVED_USER_KEY_CACHE_ENTRIES,
  type ExtractDeps,
  type ExtractionResult,
  extractContext,
} from './extract-context.js';
import { createGeoLookup } from './geo-lookup.js';
import { RecentCache } from './recent-cache.js';
import { loadUserKeySalt } from './secrets.js';
import { SegmentMembership, type SegmentMembershipOptions } from './segment-membership.js';
import { createUserAgentCache, DEFAULT_USER_AGENT_CACHE_ENTRIES } from './user-agent.js';

export interface RequestContextExtractorOptions {
  store: Pick<MetadataStore, 'organizations' | 'resources' | 'segmentMembers'>;
  bus: ChangeBus;
  /** `config.dataDir`: where `secrets/user-key.salt` is kept when no salt is configured. */
  dataDir: string;
  /** `config.userKeySalt`. */
  userKeySalt?: string | undefined;
  /** An .mmdb with a flat `country_code`; default the one in @ip-location-db/geo-whois-asn-country-mmdb. */
  geoDbPath?: string | undefined;
  userAgentCacheEntries?: number | undefined;
  segments?: Pick<SegmentMembershipOptions, 'pageSize' | 'maxMemberships' | 'debounceMs'> | undefined;
  log?: SegmentMembershipOptions['log'];
}

export interface RequestContextExtractor {
  /** Synchronous, no I/O; see `extractContext`. */
  extract(input: ContextInput): ExtractionResult;
  /** The active segments of the organization that contain the key (sorted, shared: do not mutate); none without a key. */
  segmentsFor(organizationId: string, userKey: string | undefined): readonly string[];
  readonly membership: SegmentMembership;
  /** Stops following segment changes. */
  close(): Promise<void>;
}

/**
 * Opens everything request context extraction needs, once, at boot: the geo
 * database (about 8 MB read into memory), the user-key salt (configured or
 * generated into the data directory), the user-agent cache, and the segment
 * membership index (loaded from the metadata store before this resolves, then
 * kept current from the change bus).
 */
export async function createRequestContextExtractor(options: RequestContextExtractorOptions): Promise<RequestContextExtractor> {
  const deps: ExtractDeps = {
    geo: createGeoLookup(options.geoDbPath === undefined ? {} : { dbPath: options.geoDbPath }),
    userAgents: createUserAgentCache(options.userAgentCacheEntries ?? DEFAULT_USER_AGENT_CACHE_ENTRIES),
    languages: createLanguageCache(),
    derivedUserKeys: new RecentCache<string, string>(DEFAULT_DERIVED_USER_KEY_CACHE_ENTRIES),
    userKeySalt: await loadUserKeySalt({ configured: options.userKeySalt, dataDir: options.dataDir }),
  };
  const membership = new SegmentMembership({ store: options.store, bus: options.bus, ...options.segments, log: options.log });
  await membership.start();
  return {
    extract: (input) => extractContext(input, deps),
    segmentsFor: (organizationId, userKey) => membership.segmentsFor(organizationId, userKey),
    membership,
    close: () => membership.close(),
  };
}
