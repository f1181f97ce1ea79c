import { hash, randomBytes } from 'node:crypto';
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

/** How long a verified ingest key is taken without asking the metadata store again: the most another node may honour a key after it is revoked. */
export const INGEST_KEY_CACHE_MS = 5_000;

export interface VerifiedIngestKey {
  organizationId: string;
  keyId: string;
}

/**
 * Ingest keys verified lately, so `POST /t/events` does not read the metadata
 * store on every batch. Held by the sha256 of the key (never the secret
 * itself), for at most `ttlMs`. `forget(keyId)` drops a key at once: the
 * node that revokes a key refuses it from then on; other nodes sharing the
 * store refuse it within `ttlMs`. A lookup that began before a `forget` can
 * never store its (now stale) answer: `remember` takes the generation seen
 * when the lookup began and ignores it if a key was forgotten since.
 */
export class VerifiedIngestKeys {
  private readonly byHash = new Map<string, VerifiedIngestKey & { expiresAtMs: number }>();
  private forgotten = 0;

  constructor(private readonly options: { nowMs: () => number; ttlMs?: number; maxEntries?: number }) {}

  /** Taken before a store lookup; handed back to `remember`. */
  get generation(): number {
    return this.forgotten;
  }

  /** The key's organization and id if it was verified less than `ttlMs` ago. */
  get(key: string): VerifiedIngestKey | undefined {
    const digest = hash('sha256', key, 'hex');
    const found = this.byHash.get(digest);
    if (found === undefined) return undefined;
    if (found.expiresAtMs <= this.options.nowMs()) {
      this.byHash.delete(digest);
      return undefined;
    }
    return { organizationId: found.organizationId, keyId: found.keyId };
  }

  /** Stores a key the store just verified, unless a key was forgotten since `generation`. */
  remember(key: string, verified: VerifiedIngestKey, generation: number): void {
    if (generation !== this.forgotten) return;
    // A bound on memory: a flood of distinct valid keys only makes the oldest ones verified again.
    if (this.byHash.size >= (this.options.maxEntries ?? 10_000)) {
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.byHash.delete(oldest);
    }
    const expiresAtMs = this.options.nowMs() + (this.options.ttlMs ?? INGEST_KEY_CACHE_MS);
    this.byHash.set(hash('sha256', key, 'hex'), { ...verified, expiresAtMs });
  }

  /** Drops the key with this id (revoked), and any answer of a lookup still in flight. */
  forget(keyId: string): void {
    this.forgotten++;
    for (const [digest, verified] of this.byHash) if (verified.keyId === keyId) this.byHash.delete(digest);
  }
}
