import { AppError, type Clock, canGrantRole, newId, notFound, type Page, type PageRequest, type Role, type User } from '@adplatform/domain';
import type { MetadataStore } from '@adplatform/ports';
import { type RequestContext, recordAudit } from '../audit/audit-recorder.js';
import { checkScopeForRole, checkScopeIds } from '../auth/access-scope.js';
import { hashPassword } from '../auth/password.js';
import { randomToken, sha256Hex } from '../auth/tokens.js';

const INVITE_TTL_MS = 7 * 24 * 3_600_000;

export interface CreateUserInput {
  email: string;
  name?: string | undefined;
  role: Role;
  password?: string | undefined;
  advertiserIds?: string[] | undefined;
  publisherIds?: string[] | undefined;
}

export interface UpdateUserInput {
  role?: Role | undefined;
  status?: 'active' | 'deactivated' | undefined;
  name?: string | null | undefined;
  advertiserIds?: string[] | undefined;
  publisherIds?: string[] | undefined;
}

/** Users of one organization: invite or create, list, change role, deactivate. */
export class UsersService {
  constructor(private readonly deps: { store: MetadataStore; clock: Clock }) {}

  list(ctx: RequestContext, page: PageRequest): Promise<Page<User>> {
    return this.deps.store.users.list(ctx.principal.organizationId, page);
  }

  async get(ctx: RequestContext, id: string): Promise<User> {
    const user = await this.deps.store.users.get(ctx.principal.organizationId, id);
    if (!user) throw notFound('user');
    return user;
  }

  async create(ctx: RequestContext, input: CreateUserInput): Promise<{ user: User; invitation?: { token: string; expiresAt: Date } }> {
    assertMayGrant(ctx, input.role);
    const lists = { advertiserIds: input.advertiserIds ?? [], publisherIds: input.publisherIds ?? [] };
    checkScopeForRole(input.role, lists, { role: true, lists: true });
    const now = this.deps.clock.now();
    const invitation = input.password ? undefined : { token: randomToken(), expiresAt: new Date(now.getTime() + INVITE_TTL_MS) };
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const user = await this.deps.store.transaction(async (tx) => {
      await checkScopeIds(tx, ctx.principal.organizationId, lists);
      const created = await tx.users.create(ctx.principal.organizationId, {
        id: newId(),
        email: input.email.trim().toLowerCase(),
        name: input.name ?? null,
        role: input.role,
        status: invitation ? 'invited' : 'active',
        isPlatformAdmin: false,
        ...lists,
        passwordHash,
        inviteTokenHash: invitation ? sha256Hex(invitation.token) : null,
        inviteExpiresAt: invitation?.expiresAt ?? null,
        createdAt: now,
      });
      await recordAudit(tx, ctx, { action: 'user.create', resourceType: 'user', resourceId: created.id, after: created }, now);
      return created;
    });
    return invitation ? { user, invitation } : { user };
  }

  async update(ctx: RequestContext, id: string, input: UpdateUserInput): Promise<User> {
    const orgId = ctx.principal.organizationId;
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const before = await tx.users.get(orgId, id);
      if (!before) throw notFound('user');
      if (before.role === 'owner' && ctx.principal.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner may change an owner');
      if (input.role) assertMayGrant(ctx, input.role);
      const listsGiven = input.advertiserIds !== undefined || input.publisherIds !== undefined;
      checkScopeForRole(
        input.role ?? before.role,
        { advertiserIds: input.advertiserIds ?? before.advertiserIds, publisherIds: input.publisherIds ?? before.publisherIds },
        { role: input.role !== undefined, lists: listsGiven },
      );
      await checkScopeIds(tx, orgId, input);
      if (input.status === 'active' && before.status === 'invited') {
        throw new AppError('CONFLICT', 'An invited user becomes active by accepting the invitation', {
          issues: [{ path: 'body.status', message: 'cannot activate an invited user' }],
        });
      }
      const losesOwner =
        before.role === 'owner' && before.status === 'active' && ((input.role && input.role !== 'owner') || input.status === 'deactivated');
      if (losesOwner && (await tx.users.countActiveOwners(orgId)) <= 1) {
        throw new AppError('LAST_OWNER', 'The organization would have no active owner left', {
          issues: [{ path: input.role ? 'body.role' : 'body.status', message: 'would remove the last owner' }],
        });
      }
      const after = await tx.users.update(orgId, id, {
        role: input.role,
        status: input.status,
        name: input.name,
        advertiserIds: input.advertiserIds,
        publisherIds: input.publisherIds,
        updatedAt: now,
      });
      if (!after) throw notFound('user');
      if (input.status === 'deactivated') await tx.sessions.deleteForUser(orgId, id);
      await recordAudit(tx, ctx, { action: 'user.update', resourceType: 'user', resourceId: id, before, after }, now);
      return after;
    });
  }
}

function assertMayGrant(ctx: RequestContext, role: Role): void {
  if (!canGrantRole(ctx.principal.role, role)) {
    throw new AppError('FORBIDDEN', `The ${ctx.principal.role} role may not grant the ${role} role`, {
      issues: [{ path: 'body.role', message: `may not be granted by ${ctx.principal.role}` }],
    });
  }
}
