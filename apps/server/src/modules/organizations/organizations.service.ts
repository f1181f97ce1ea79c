import {
  AppError,
  type Clock,
  isTimeZone,
  newId,
  notFound,
  type Organization,
  type Page,
  type PageRequest,
  type User,
} from '@adplatform/domain';
import type { MetadataStore, MetadataTx } from '@adplatform/ports';
import { type RequestContext, recordAudit } from '../audit/audit-recorder.js';
import { hashPassword } from '../auth/password.js';

export interface CreateOrganizationInput {
  name: string;
  timezone?: string | undefined;
  owner: { email: string; password: string; name?: string | undefined };
}

/** Tenants. Only the platform operator creates and lists them; members may read their own. */
export class OrganizationsService {
  constructor(private readonly deps: { store: MetadataStore; clock: Clock }) {}

  async create(
    ctx: RequestContext | null,
    input: CreateOrganizationInput,
    options: { platformAdmin?: boolean } = {},
  ): Promise<{ organization: Organization; owner: User }> {
    const timezone = input.timezone ?? 'UTC';
    if (!isTimeZone(timezone))
      throw new AppError('VALIDATION_FAILED', `Unknown time zone ${timezone}`, {
        issues: [{ path: 'body.timezone', message: 'must be an IANA time zone such as Europe/Paris' }],
      });
    const passwordHash = await hashPassword(input.owner.password);
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const organization = await tx.organizations.create({ id: newId(), name: input.name, timezone, createdAt: now });
      const owner = await tx.users.create(organization.id, {
        id: newId(),
        email: input.owner.email.trim().toLowerCase(),
        name: input.owner.name ?? null,
        role: 'owner',
        status: 'active',
        isPlatformAdmin: options.platformAdmin ?? false,
        passwordHash,
        createdAt: now,
      });
      await this.audit(tx, ctx, organization, owner, now);
      return { organization, owner };
    });
  }

  list(page: PageRequest): Promise<Page<Organization>> {
    return this.deps.store.organizations.list(page);
  }

  /** A member reads its own organization; the operator reads any. Anything else is not found. */
  async get(ctx: RequestContext, id: string): Promise<Organization> {
    const mayRead = ctx.principal.isPlatformAdmin || ctx.principal.organizationId === id;
    const organization = mayRead ? await this.deps.store.organizations.get(id) : undefined;
    if (!organization) throw notFound('organization');
    return organization;
  }

  private async audit(tx: MetadataTx, ctx: RequestContext | null, organization: Organization, owner: User, at: Date): Promise<void> {
    const actor = { principal: ctx?.principal ?? null, requestId: ctx?.requestId ?? null };
    const record = {
      action: 'organization.create',
      resourceType: 'organization',
      resourceId: organization.id,
      after: { organization, owner },
    };
    // The new tenant's log shows how it came to be; the operator's log shows what the operator did.
    await recordAudit(tx, actor, { ...record, organizationId: organization.id }, at);
    if (ctx && ctx.principal.organizationId !== organization.id) await recordAudit(tx, actor, record, at);
  }
}
