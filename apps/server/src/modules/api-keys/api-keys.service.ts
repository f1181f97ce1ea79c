import {
  type ApiKey,
  AppError,
  type Clock,
  canGrantRole,
  invalidField,
  newId,
  notFound,
  type Page,
  type PageRequest,
  type Role,
} from '@adplatform/domain';
import type { MetadataStore } from '@adplatform/ports';
import { type RequestContext, recordAudit } from '../audit/audit-recorder.js';
import { checkScopeForRole, checkScopeIds } from '../auth/access-scope.js';
import { generateApiKey, safeEqual, sha256Hex } from '../auth/tokens.js';
import { type ApiKeyKind, generateIngestKey, ingestKeyPrefixOf, kindOfKey, VerifiedIngestKeys } from './ingest-keys.js';

export interface NewApiKeyInput {
  name: string;
  role?: Role;
  kind?: ApiKeyKind;
  advertiserIds?: string[];
  publisherIds?: string[];
}

export type ApiKeyWithKind = ApiKey & { kind: ApiKeyKind };
const withKind = (apiKey: ApiKey): ApiKeyWithKind => ({ ...apiKey, kind: kindOfKey(apiKey) });
/** Ingest keys carry no management role; the least one is stored, should anything ever read it. */
const INGEST_KEY_ROLE: Role = 'analyst';
const TOUCH_INTERVAL_MS = 60_000;

/** API keys of one organization: issued with a role no higher than the issuer's, listed without secrets, revoked. */
export class ApiKeysService {
  private readonly verifiedIngestKeys = new VerifiedIngestKeys({ nowMs: () => this.deps.clock.now().getTime() });

  constructor(private readonly deps: { store: MetadataStore; clock: Clock }) {}

  async create(ctx: RequestContext, input: NewApiKeyInput): Promise<ApiKeyWithKind & { key: string }> {
    const role = roleOfNewKey(input);
    const lists = { advertiserIds: input.advertiserIds ?? [], publisherIds: input.publisherIds ?? [] };
    if (input.kind === 'ingest') {
      for (const side of ['advertiserIds', 'publisherIds'] as const) {
        if (lists[side].length) throw invalidField(`body.${side}`, 'must be omitted for ingest keys (they read nothing)');
      }
    }
    checkScopeForRole(role, lists, { role: true, lists: true });
    if (!canGrantRole(ctx.principal.role, role)) {
      throw new AppError('FORBIDDEN', `The ${ctx.principal.role} role may not issue ${role} keys`, {
        issues: [{ path: 'body.role', message: `may not be granted by ${ctx.principal.role}` }],
      });
    }
    const { key, prefix } = input.kind === 'ingest' ? generateIngestKey() : generateApiKey();
    const now = this.deps.clock.now();
    const created = await this.deps.store.transaction(async (tx) => {
      await checkScopeIds(tx, ctx.principal.organizationId, lists);
      const apiKey = await tx.apiKeys.create(ctx.principal.organizationId, {
        id: newId(),
        name: input.name,
        role,
        ...lists,
        prefix,
        secretHash: sha256Hex(key),
        createdBy: ctx.principal.kind === 'user' ? ctx.principal.id : null,
        createdAt: now,
      });
      await recordAudit(tx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: apiKey.id, after: apiKey }, now);
      return apiKey;
    });
    return { ...withKind(created), key };
  }

  async list(ctx: RequestContext, page: PageRequest): Promise<Page<ApiKeyWithKind>> {
    const found = await this.deps.store.apiKeys.list(ctx.principal.organizationId, page);
    return { ...found, items: found.items.map(withKind) };
  }

  async get(ctx: RequestContext, id: string): Promise<ApiKeyWithKind> {
    const apiKey = await this.deps.store.apiKeys.get(ctx.principal.organizationId, id);
    if (!apiKey) throw notFound('API key');
    return withKind(apiKey);
  }

  /**
   * The organization of a live ingest key, or undefined for anything else
   * (malformed, unknown, revoked, or an `api` key). Hash compared in constant time. A key verified in the
   * last INGEST_KEY_CACHE_MS is taken without a store read (revoked here: refused at once; elsewhere: within that).
   */
  async authenticateIngestKey(key: string): Promise<{ organizationId: string; keyId: string } | undefined> {
    const prefix = ingestKeyPrefixOf(key);
    if (!prefix) return undefined;
    const cached = this.verifiedIngestKeys.get(key);
    if (cached) return cached;
    const generation = this.verifiedIngestKeys.generation;
    const found = await this.deps.store.apiKeys.findByPrefix(prefix);
    if (!found || found.apiKey.revokedAt || kindOfKey(found.apiKey) !== 'ingest' || !safeEqual(found.secretHash, sha256Hex(key))) {
      return undefined;
    }
    const { apiKey } = found;
    const now = this.deps.clock.now();
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      this.deps.store.apiKeys.touch(apiKey.id, now).catch(() => undefined);
    }
    const verified = { organizationId: apiKey.organizationId, keyId: apiKey.id };
    this.verifiedIngestKeys.remember(key, verified, generation);
    return verified;
  }

  async revoke(ctx: RequestContext, id: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const before = await tx.apiKeys.get(ctx.principal.organizationId, id);
      if (!before) throw notFound('API key');
      if (before.revokedAt) return;
      const after = await tx.apiKeys.revoke(ctx.principal.organizationId, id, now);
      await recordAudit(tx, ctx, { action: 'api_key.revoke', resourceType: 'api_key', resourceId: id, before, after }, now);
    });
    this.verifiedIngestKeys.forget(id);
  }
}

function roleOfNewKey(input: { role?: Role; kind?: ApiKeyKind }): Role {
  if (input.kind === 'ingest') {
    if (input.role !== undefined) throw invalidField('body.role', 'must be omitted for ingest keys (they have no management role)');
    return INGEST_KEY_ROLE;
  }
  if (input.role === undefined) throw invalidField('body.role', 'is required for api keys');
  return input.role;
}
