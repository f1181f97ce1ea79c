import { randomBytes } from 'node:crypto';
import type { ApiKey } from '@adplatform/domain';
import { randomToken } from '../auth/tokens.js';

/**
 * Ingest keys (ADR 0015) are API keys of another kind: same table, same
 * sha256 storage, same 16-character public prefix, but the prefix starts with
 * `adpi_` instead of `adp_`. The management API's Bearer parser accepts only
 * `adp_<12 hex>.`, so an ingest key authenticates nothing there; `POST /t/events`
 * accepts only ingest keys. The kind is fixed by the secret itself (the hash
 * covers it), so it cannot be changed after issue.
 */
export const INGEST_KEY_PREFIX = 'adpi_';
export type ApiKeyKind = 'api' | 'ingest';

export function generateIngestKey(): { key: string; prefix: string } {
  // 5 + 11 hex = the 16-character prefix every key has (API_KEY_PREFIX_LENGTH).
  const prefix = `${INGEST_KEY_PREFIX}${randomBytes(6).toString('hex').slice(0, 11)}`;
  return { key: `${prefix}.${randomToken(32)}`, prefix };
}

/** The public prefix of a well-formed ingest key, else undefined. */
export function ingestKeyPrefixOf(key: string): string | undefined {
  return /^adpi_[0-9a-f]{11}\.[A-Za-z0-9_-]{43}$/.test(key) ? key.slice(0, 16) : undefined;
}

export const kindOfKey = (apiKey: Pick<ApiKey, 'prefix'>): ApiKeyKind => (apiKey.prefix.startsWith(INGEST_KEY_PREFIX) ? 'ingest' : 'api');
