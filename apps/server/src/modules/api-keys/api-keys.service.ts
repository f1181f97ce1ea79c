import {
  type ApiKey,
  AppError,
  type Clock,
  canGrantRole,
  newId,
  notFound,
  type Page,
  type PageRequest,
  type Role,
} from '@adplatform/domain';
import type { MetadataStore } from '@adplatform/ports';
import { type RequestContext, recordAudit } from '../audit/audit-recorder.js';
import { generateApiKey, sha256Hex } from '../auth/tokens.js';

/** API keys of one organization: issued with a role no higher than the issuer's, listed without secrets, revoked. */
export class ApiKeysService {
  constructor(private readonly deps: { store: MetadataStore; clock: Clock }) {}

  async create(ctx: RequestContext, input: { name: string; role: Role }): Promise<ApiKey & { key: string }> {
    if (!canGrantRole(ctx.principal.role, input.role)) {
      throw new AppError('FORBIDDEN', `The ${ctx.principal.role} role may not issue ${input.role} keys`, {
        issues: [{ path: 'body.role', message: `may not be granted by ${ctx.principal.role}` }],
      });
    }
    const { key, prefix } = generateApiKey();
    const now = this.deps.clock.now();
    const created = await this.deps.store.transaction(async (tx) => {
      const apiKey = await tx.apiKeys.create(ctx.principal.organizationId, {
        id: newId(),
        name: input.name,
        role: input.role,
        prefix,
        secretHash: sha256Hex(key),
        createdBy: ctx.principal.kind === 'user' ? ctx.principal.id : null,
        createdAt: now,
      });
      await recordAudit(tx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: apiKey.id, after: apiKey }, now);
      return apiKey;
    });
    return { ...created, key };
  }

  list(ctx: RequestContext, page: PageRequest): Promise<Page<ApiKey>> {
    return this.deps.store.apiKeys.list(ctx.principal.organizationId, page);
  }

  async get(ctx: RequestContext, id: string): Promise<ApiKey> {
    const apiKey = await this.deps.store.apiKeys.get(ctx.principal.organizationId, id);
    if (!apiKey) throw notFound('API key');
    return apiKey;
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
  }
}
