import { invalidField } from '@adplatform/domain';
import { normalizeDomain } from '../publishers/domain-name.js';
import type { SiteData, SiteType } from './sites.schemas.js';

// Reverse-DNS (Android package names, iOS bundle ids) or an App Store numeric id, optionally `id`-prefixed.
const REVERSE_DNS = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
const STORE_ID = /^(id)?[0-9]{5,12}$/;

export interface SiteFields {
  domain?: string | undefined;
  bundleId?: string | undefined;
  storeUrl?: string | null | undefined;
}

/**
 * A site is known by its domain, an app by its bundle id (and maybe its store
 * page); the other type's fields are refused so targeting never guesses.
 * Returns the normalized identity fields.
 */
export function checkIdentity(type: SiteType, fields: SiteFields): Pick<SiteData, 'domain' | 'bundleId' | 'storeUrl'> {
  if (type === 'site') {
    if (fields.bundleId !== undefined) throw invalidField('body.bundleId', 'is for apps; a site has a domain');
    if (fields.storeUrl !== undefined && fields.storeUrl !== null) throw invalidField('body.storeUrl', 'is for apps');
    if (fields.domain === undefined) throw invalidField('body.domain', 'is required for a site');
    return { domain: normalizeDomain(fields.domain, 'body.domain') };
  }
  if (fields.domain !== undefined) throw invalidField('body.domain', 'is for sites; an app has a bundleId');
  if (fields.bundleId === undefined) throw invalidField('body.bundleId', 'is required for an app');
  if (!REVERSE_DNS.test(fields.bundleId) && !STORE_ID.test(fields.bundleId)) {
    throw invalidField('body.bundleId', 'must be a reverse-DNS bundle id (com.example.news) or an App Store numeric id (389801252)');
  }
  if (fields.storeUrl && !/^https?:\/\//i.test(fields.storeUrl)) throw invalidField('body.storeUrl', 'must be an http or https URL');
  return { bundleId: fields.bundleId, ...(fields.storeUrl ? { storeUrl: fields.storeUrl } : {}) };
}
