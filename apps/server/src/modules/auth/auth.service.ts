import { type ApiKey, AppError, type Clock, newId, type Organization, type Principal, type User } from '@adplatform/domain';
import type { MetadataStore, RateLimiter } from '@adplatform/ports';
import { recordAudit } from '../audit/audit-recorder.js';
import { scopeFieldsOf } from './access-scope.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { apiKeyPrefixOf, csrfTokenFor, randomToken, safeEqual, sha256Hex } from './tokens.js';

export interface AuthServiceDeps {
  store: MetadataStore;
  clock: Clock;
  /** Buckets consumed by failed sign-ins, per e-mail and per client IP. */
  loginThrottle: RateLimiter;
  sessionTtlHours: number;
}

export interface LoginResult {
  user: User;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

/** How often the last-used time of an API key is written (at most once per key per minute). */
const TOUCH_INTERVAL_MS = 60_000;

export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async login(input: { email: string; password: string }, meta: { ip: string; requestId: string }): Promise<LoginResult> {
    const { store, clock, loginThrottle } = this.deps;
    const email = input.email.trim().toLowerCase();
    const throttleKeys = [`email:${email}`, `ip:${meta.ip}`];
    for (const key of throttleKeys) {
      const decision = loginThrottle.peek(key);
      if (!decision.allowed) {
        throw new AppError('LOGIN_THROTTLED', 'Too many failed sign-in attempts; try again later', {
          retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000),
        });
      }
    }
    const credentials = await store.users.findCredentialsByEmail(email);
    const hash = credentials?.passwordHash ?? (await decoyHash);
    const passwordOk = await verifyPassword(input.password, hash);
    const user = credentials?.user;
    if (!user || !credentials?.passwordHash || !passwordOk || user.status !== 'active') {
      for (const key of throttleKeys) loginThrottle.take(key);
      if (user) {
        await store.transaction((tx) =>
          recordAudit(
            tx,
            { principal: null, requestId: meta.requestId },
            { action: 'auth.login_failed', resourceType: 'user', resourceId: user.id, organizationId: user.organizationId },
            clock.now(),
          ),
        );
      }
      throw new AppError('INVALID_CREDENTIALS', 'The e-mail or password is not correct');
    }
    const sessionToken = randomToken();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.sessionTtlHours * 3_600_000);
    const updated = await store.transaction(async (tx) => {
      const session = await tx.sessions.create({
        id: newId(),
        userId: user.id,
        organizationId: user.organizationId,
        tokenHash: sha256Hex(sessionToken),
        createdAt: now,
        expiresAt,
      });
      const fresh = await tx.users.update(user.organizationId, user.id, { lastLoginAt: now, updatedAt: now });
      const principal = toPrincipal(user, session.id);
      await recordAudit(
        tx,
        { principal, requestId: meta.requestId },
        { action: 'auth.login', resourceType: 'session', resourceId: session.id },
        now,
      );
      return fresh ?? user;
    });
    return { user: updated, sessionToken, csrfToken: csrfTokenFor(sessionToken), expiresAt };
  }

  /** The principal behind a session cookie, or undefined when the session is unknown, expired or its user inactive. */
  async authenticateSession(token: string): Promise<Principal | undefined> {
    const { store, clock } = this.deps;
    const session = await store.sessions.findByTokenHash(sha256Hex(token));
    if (!session) return undefined;
    if (session.expiresAt.getTime() <= clock.now().getTime()) {
      await store.sessions.delete(session.id);
      return undefined;
    }
    const user = await store.users.get(session.organizationId, session.userId);
    if (user?.status !== 'active') return undefined;
    return toPrincipal(user, session.id);
  }

  /** The principal behind an API key, or undefined when the key is unknown, wrong or revoked. */
  async authenticateApiKey(key: string): Promise<Principal | undefined> {
    const { store, clock } = this.deps;
    const prefix = apiKeyPrefixOf(key);
    if (!prefix) return undefined;
    const found = await store.apiKeys.findByPrefix(prefix);
    if (!found || found.apiKey.revokedAt || !safeEqual(found.secretHash, sha256Hex(key))) return undefined;
    const now = clock.now();
    const { apiKey } = found;
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      // Bookkeeping must not slow or fail the request it describes.
      store.apiKeys.touch(apiKey.id, now).catch(() => undefined);
    }
    return {
      kind: 'api_key',
      id: apiKey.id,
      organizationId: apiKey.organizationId,
      role: apiKey.role,
      isPlatformAdmin: false,
      ...scopeFieldsOf(apiKey),
    };
  }

  async logout(principal: Principal, requestId: string): Promise<void> {
    const sessionId = principal.sessionId;
    if (!sessionId) return;
    await this.deps.store.transaction(async (tx) => {
      await tx.sessions.delete(sessionId);
      await recordAudit(
        tx,
        { principal, requestId },
        { action: 'auth.logout', resourceType: 'session', resourceId: sessionId },
        this.deps.clock.now(),
      );
    });
  }

  async acceptInvite(input: { token: string; password: string }, requestId: string): Promise<User> {
    const { store, clock } = this.deps;
    const invited = await store.users.findByInviteTokenHash(sha256Hex(input.token));
    const now = clock.now();
    if (invited?.status !== 'invited' || !invited.inviteExpiresAt || invited.inviteExpiresAt.getTime() <= now.getTime()) {
      throw new AppError('INVITE_INVALID', 'The invitation is unknown, used or expired', {
        issues: [{ path: 'body.token', message: 'is invalid or expired' }],
      });
    }
    const passwordHash = await hashPassword(input.password);
    return store.transaction(async (tx) => {
      const user = await tx.users.update(invited.organizationId, invited.id, {
        passwordHash,
        status: 'active',
        inviteTokenHash: null,
        inviteExpiresAt: null,
        updatedAt: now,
      });
      if (!user) throw new AppError('INVITE_INVALID', 'The invitation is unknown, used or expired');
      await recordAudit(
        tx,
        { principal: toPrincipal(user), requestId },
        { action: 'user.accept_invite', resourceType: 'user', resourceId: user.id, after: { status: 'active' } },
        now,
      );
      return user;
    });
  }

  async changePassword(principal: Principal, input: { currentPassword: string; newPassword: string }, requestId: string): Promise<void> {
    const { store, clock } = this.deps;
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a signed-in user can change a password');
    const user = await store.users.get(principal.organizationId, principal.id);
    const credentials = user ? await store.users.findCredentialsByEmail(user.email) : undefined;
    if (!credentials?.passwordHash || !(await verifyPassword(input.currentPassword, credentials.passwordHash))) {
      throw new AppError('INVALID_CREDENTIALS', 'The current password is not correct', {
        issues: [{ path: 'body.currentPassword', message: 'is not correct' }],
      });
    }
    const passwordHash = await hashPassword(input.newPassword);
    const now = clock.now();
    await store.transaction(async (tx) => {
      await tx.users.update(principal.organizationId, principal.id, { passwordHash, updatedAt: now });
      // Every session of this user ends, this one included: sign in again with the new password.
      await tx.sessions.deleteForUser(principal.organizationId, principal.id);
      await recordAudit(
        tx,
        { principal, requestId },
        { action: 'user.change_password', resourceType: 'user', resourceId: principal.id },
        now,
      );
    });
  }

  /** The caller as /me shows it: who, which organization, which role. */
  async whoami(principal: Principal): Promise<{ organization: Organization; user?: User; apiKey?: ApiKey }> {
    const { store } = this.deps;
    const organization = await store.organizations.get(principal.organizationId);
    if (!organization) throw new AppError('UNAUTHENTICATED', 'The organization of this credential no longer exists');
    if (principal.kind === 'api_key') {
      const apiKey = await store.apiKeys.get(principal.organizationId, principal.id);
      if (!apiKey) throw new AppError('UNAUTHENTICATED', 'The API key no longer exists');
      return { organization, apiKey };
    }
    const user = await store.users.get(principal.organizationId, principal.id);
    if (!user) throw new AppError('UNAUTHENTICATED', 'The user no longer exists');
    return { organization, user };
  }
}

export function toPrincipal(user: User, sessionId?: string): Principal {
  const principal: Principal = {
    kind: 'user',
    id: user.id,
    organizationId: user.organizationId,
    role: user.role,
    isPlatformAdmin: user.isPlatformAdmin,
    ...scopeFieldsOf(user),
  };
  if (sessionId) principal.sessionId = sessionId;
  return principal;
}
