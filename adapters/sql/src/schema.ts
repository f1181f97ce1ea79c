import { type ActorKind, ROLES, type Role, type UserStatus } from '@adplatform/domain';
import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The metadata schema, one dialect for PGlite and PostgreSQL. Ids are UUIDv7
 * minted by the application, so `id` order is creation order and doubles as
 * the pagination cursor. Every tenant table carries `organization_id` and an
 * index that starts with it, because every tenant query filters on it first.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull();
const nullableTime = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const organizationId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id);

/** The unique index behind "e-mail already in use"; the user store maps its violation to CONFLICT. */
export const USERS_EMAIL_INDEX = 'users_email_lower_key';

/** Derived from the domain's list, so adding a role shows up as a schema change for drizzle-kit. */
const ROLE_CHECK = sql.raw(`role in (${ROLES.map((role) => `'${role}'`).join(', ')})`);

/**
 * Access limits (ADR 0017): a user or key limited to some advertisers or some
 * publishers, never both, and never an owner or admin. The ids are not foreign
 * keys (an array cannot hold one); the service checks them on every write.
 */
const scopeIdList = (name: string) => uuid(name).array().notNull().default(sql`'{}'::uuid[]`);
const SCOPE_CHECK = sql.raw(
  "(cardinality(advertiser_ids) = 0 or (cardinality(publisher_ids) = 0 and role in ('advertiser', 'analyst'))) and " +
    "(cardinality(publisher_ids) = 0 or (cardinality(advertiser_ids) = 0 and role in ('publisher', 'analyst')))",
);

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    organizationId: organizationId(),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role').$type<Role>().notNull(),
    status: text('status').$type<UserStatus>().notNull(),
    isPlatformAdmin: boolean('is_platform_admin').notNull().default(false),
    advertiserIds: scopeIdList('advertiser_ids'),
    publisherIds: scopeIdList('publisher_ids'),
    passwordHash: text('password_hash'),
    inviteTokenHash: text('invite_token_hash').unique('users_invite_token_hash_key'),
    inviteExpiresAt: nullableTime('invite_expires_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastLoginAt: nullableTime('last_login_at'),
  },
  (t) => [
    // E-mails are unique across the platform, compared case-insensitively.
    uniqueIndex(USERS_EMAIL_INDEX).on(sql`lower(${t.email})`),
    index('users_organization_id_id_idx').on(t.organizationId, t.id),
    check('users_role_check', ROLE_CHECK),
    check('users_status_check', sql.raw(`status in ('active', 'invited', 'deactivated')`)),
    check('users_scope_check', SCOPE_CHECK),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    prefix: text('prefix').notNull().unique('api_keys_prefix_key'),
    secretHash: text('secret_hash').notNull(),
    advertiserIds: scopeIdList('advertiser_ids'),
    publisherIds: scopeIdList('publisher_ids'),
    // A user or another key; not a foreign key so the audit trail survives deletions.
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    lastUsedAt: nullableTime('last_used_at'),
    revokedAt: nullableTime('revoked_at'),
  },
  (t) => [
    index('api_keys_organization_id_id_idx').on(t.organizationId, t.id),
    check('api_keys_role_check', ROLE_CHECK),
    check('api_keys_scope_check', SCOPE_CHECK),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: organizationId(),
    tokenHash: text('token_hash').notNull().unique('sessions_token_hash_key'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('sessions_user_id_idx').on(t.userId),
    index('sessions_organization_id_user_id_idx').on(t.organizationId, t.userId),
    index('sessions_expires_at_idx').on(t.expiresAt),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    organizationId: organizationId(),
    actorKind: text('actor_kind').$type<ActorKind>().notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('audit_log_organization_id_id_idx').on(t.organizationId, t.id.desc().nullsFirst()),
    check('audit_log_actor_kind_check', sql.raw(`actor_kind in ('user', 'api_key', 'system')`)),
  ],
);
