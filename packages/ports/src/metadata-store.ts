import type {
  ActorKind,
  ApiKey,
  AuditEntry,
  Organization,
  Page,
  PageRequest,
  ResourceKind,
  Role,
  Session,
  User,
  UserCredentials,
  UserStatus,
} from '@adplatform/domain';
import type { ResourceStore, SegmentMemberStore } from './resource-store.js';

/**
 * The metadata port: accounts, access and (later) campaigns and inventory.
 *
 * Tenancy: every method that reads or writes an organization's data takes the
 * organization id as its first argument and never returns another tenant's row;
 * a row of another tenant is reported exactly like a missing one (`undefined`).
 * The only unscoped lookups are the three that authenticate a caller before its
 * tenant is known (`findCredentialsByEmail`, `findApiKeyByPrefix`,
 * `findSessionByTokenHash`), and the platform-level organization list.
 *
 * Ownership: returned objects are fresh copies; callers may mutate them.
 * Concurrency: methods are safe to call concurrently; `transaction` runs its
 * callback on one connection and commits only if it resolves.
 */
export interface MetadataStore {
  readonly organizations: OrganizationStore;
  readonly users: UserStore;
  readonly apiKeys: ApiKeyStore;
  readonly sessions: SessionStore;
  readonly auditLog: AuditLogStore;
  /** Advertisers, campaigns, line items, creatives, publishers, sites, placements, segments, demand partners. */
  readonly resources: ResourceStores;
  readonly segmentMembers: SegmentMemberStore;
  /** Runs `work` atomically; the stores passed in write inside the transaction. */
  transaction<T>(work: (tx: MetadataTx) => Promise<T>): Promise<T>;
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Releases connections or closes the embedded database. Idempotent. */
  close(): Promise<void>;
  /** Which engine backs this store, for /readyz and logs. */
  readonly kind: 'pglite' | 'postgres';
}

export type MetadataTx = Omit<MetadataStore, 'transaction' | 'ping' | 'close' | 'kind'>;

/** One store per resource kind. Bodies are JSON; each module narrows `unknown` to its own body type. */
export type ResourceStores = { readonly [K in ResourceKind]: ResourceStore<unknown> };

export interface NewOrganization {
  id: string;
  name: string;
  timezone: string;
  createdAt: Date;
}

export interface OrganizationStore {
  create(org: NewOrganization): Promise<Organization>;
  get(id: string): Promise<Organization | undefined>;
  /** Platform-level listing (platform admins only), ordered by id. */
  list(page: PageRequest): Promise<Page<Organization>>;
  count(): Promise<number>;
}

export interface NewUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: UserStatus;
  isPlatformAdmin: boolean;
  passwordHash: string | null;
  /** Access limits (ADR 0017); absent = none. The caller checks the ids belong to the organization. */
  advertiserIds?: readonly string[];
  publisherIds?: readonly string[];
  /** sha256 of a one-time invitation token, for users created without a password. */
  inviteTokenHash?: string | null;
  inviteExpiresAt?: Date | null;
  createdAt: Date;
}

export interface UserPatch {
  role?: Role;
  /** Replaces the list; an empty list lifts the limit. */
  advertiserIds?: readonly string[];
  publisherIds?: readonly string[];
  status?: UserStatus;
  name?: string | null;
  passwordHash?: string | null;
  inviteTokenHash?: string | null;
  inviteExpiresAt?: Date | null;
  lastLoginAt?: Date;
  updatedAt: Date;
}

export interface UserStore {
  /** Rejects with AppError CONFLICT when the e-mail (case-insensitive) is taken on the platform. */
  create(organizationId: string, user: NewUser): Promise<User>;
  get(organizationId: string, id: string): Promise<User | undefined>;
  list(organizationId: string, page: PageRequest): Promise<Page<User>>;
  /** Returns the updated user, or undefined when no such user in this organization. */
  update(organizationId: string, id: string, patch: UserPatch): Promise<User | undefined>;
  countActiveOwners(organizationId: string): Promise<number>;
  /** Unscoped, for sign-in only. E-mail match is case-insensitive. */
  findCredentialsByEmail(email: string): Promise<UserCredentials | undefined>;
  /** Unscoped, for accepting an invitation only. */
  findByInviteTokenHash(tokenHash: string): Promise<(User & { inviteExpiresAt: Date | null }) | undefined>;
}

export interface NewApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  /** sha256 (hex) of the whole secret key; the key itself is never stored. */
  secretHash: string;
  /** Access limits (ADR 0017), fixed at issue; absent = none. */
  advertiserIds?: readonly string[];
  publisherIds?: readonly string[];
  createdBy: string | null;
  createdAt: Date;
}

export interface ApiKeyStore {
  create(organizationId: string, key: NewApiKey): Promise<ApiKey>;
  get(organizationId: string, id: string): Promise<ApiKey | undefined>;
  list(organizationId: string, page: PageRequest): Promise<Page<ApiKey>>;
  /** Marks the key revoked; returns it, or undefined when not in this organization. Idempotent. */
  revoke(organizationId: string, id: string, at: Date): Promise<ApiKey | undefined>;
  /** Unscoped, for authentication only. */
  findByPrefix(prefix: string): Promise<{ apiKey: ApiKey; secretHash: string } | undefined>;
  /** Records use; callers throttle how often they call it. */
  touch(id: string, at: Date): Promise<void>;
}

export interface NewSession {
  id: string;
  userId: string;
  organizationId: string;
  /** sha256 (hex) of the cookie token; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface SessionStore {
  create(session: NewSession): Promise<Session>;
  /** Unscoped, for authentication only. Returns expired sessions too; the caller checks. */
  findByTokenHash(tokenHash: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
  deleteForUser(organizationId: string, userId: string): Promise<number>;
  deleteExpired(now: Date): Promise<number>;
}

export interface NewAuditEntry {
  id: string;
  actorKind: ActorKind;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  at: Date;
}

export interface AuditFilter {
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
}

export interface AuditLogStore {
  append(organizationId: string, entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first; the cursor is the last id of the previous page. */
  list(organizationId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
}
