import type { Role } from './roles.js';

export interface Organization {
  id: string;
  name: string;
  /** IANA zone used for reports and day boundaries. */
  timezone: string;
  createdAt: Date;
}

export type UserStatus = 'active' | 'invited' | 'deactivated';

export interface User {
  id: string;
  organizationId: string;
  email: string;
  name: string | null;
  role: Role;
  status: UserStatus;
  isPlatformAdmin: boolean;
  /** The advertisers this user is limited to; empty = no advertiser limit (ADR 0017). */
  advertiserIds: string[];
  /** The publishers this user is limited to; empty = no publisher limit (ADR 0017). */
  publisherIds: string[];
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** A user with the secret material only the auth service may see. */
export interface UserCredentials {
  user: User;
  passwordHash: string | null;
}

export interface ApiKey {
  id: string;
  organizationId: string;
  name: string;
  role: Role;
  /** Public, non-secret start of the key, shown in lists to tell keys apart. */
  prefix: string;
  /** The advertisers this key is limited to; empty = no advertiser limit (ADR 0017). */
  advertiserIds: string[];
  /** The publishers this key is limited to; empty = no publisher limit (ADR 0017). */
  publisherIds: string[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface Session {
  id: string;
  userId: string;
  organizationId: string;
  createdAt: Date;
  expiresAt: Date;
}

export type ActorKind = 'user' | 'api_key' | 'system';

export interface AuditEntry {
  id: string;
  organizationId: string;
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

/** Who is calling: a signed-in user or a program holding an API key. */
export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  organizationId: string;
  role: Role;
  isPlatformAdmin: boolean;
  /**
   * Access limits (ADR 0017): when either list is non-empty the caller sees only
   * the listed advertisers or publishers and what lies below them. Absent or
   * both empty: the whole organization, as its role allows.
   */
  advertiserIds?: readonly string[];
  publisherIds?: readonly string[];
  /** The session id when the call came with a session cookie. */
  sessionId?: string;
}

/** One page of a list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  /** Opaque cursor from a previous page: the last id seen. */
  cursor?: string | undefined;
}
