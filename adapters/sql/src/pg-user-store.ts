import { AppError, type Page, type PageRequest, type User, type UserCredentials } from '@adplatform/domain';
import type { NewUser, UserPatch, UserStore } from '@adplatform/ports';
import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import { cursorOf, fetchSizeOf, toPage } from './pagination.js';
import { isUniqueViolation, isUuid } from './pg-errors.js';
import { USERS_EMAIL_INDEX, users } from './schema.js';
import type { SqlDatabase } from './sql-database.js';

type UserRow = typeof users.$inferSelect;

/** The public view of a row: secrets (password and invitation hashes) stay behind. */
const toUser = (row: UserRow): User => ({
  id: row.id,
  organizationId: row.organizationId,
  email: row.email,
  name: row.name,
  role: row.role,
  status: row.status,
  isPlatformAdmin: row.isPlatformAdmin,
  advertiserIds: [...row.advertiserIds],
  publisherIds: [...row.publisherIds],
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  lastLoginAt: row.lastLoginAt,
});

const emailInUse = (): AppError =>
  new AppError('CONFLICT', 'email already in use', { issues: [{ path: 'body.email', message: 'is already in use' }] });

// lower() on both sides, as in the unique index, so Postgres' case folding decides and the index serves.
const sameEmail = (email: string) => sql`lower(${users.email}) = lower(${email})`;

export class PgUserStore implements UserStore {
  constructor(private readonly db: SqlDatabase) {}

  async create(organizationId: string, user: NewUser): Promise<User> {
    try {
      const [row] = await this.db
        .insert(users)
        .values({
          ...user,
          organizationId,
          advertiserIds: [...(user.advertiserIds ?? [])],
          publisherIds: [...(user.publisherIds ?? [])],
          inviteTokenHash: user.inviteTokenHash ?? null,
          inviteExpiresAt: user.inviteExpiresAt ?? null,
          updatedAt: user.createdAt,
          lastLoginAt: null,
        })
        .returning();
      return toUser(row!);
    } catch (error) {
      if (isUniqueViolation(error, USERS_EMAIL_INDEX)) throw emailInUse();
      throw error;
    }
  }

  async get(organizationId: string, id: string): Promise<User | undefined> {
    if (!isUuid(organizationId) || !isUuid(id)) return undefined;
    const [row] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.organizationId, organizationId), eq(users.id, id)));
    return row && toUser(row);
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<User>> {
    const cursor = cursorOf(page);
    if (!isUuid(organizationId)) return { items: [], nextCursor: null };
    const rows = await this.db
      .select()
      .from(users)
      .where(and(eq(users.organizationId, organizationId), cursor === undefined ? undefined : gt(users.id, cursor)))
      .orderBy(asc(users.id))
      .limit(fetchSizeOf(page));
    return toPage(rows, page, toUser);
  }

  async update(organizationId: string, id: string, patch: UserPatch): Promise<User | undefined> {
    if (!isUuid(organizationId) || !isUuid(id)) return undefined;
    // drizzle leaves out keys whose value is undefined, so absent fields keep their value.
    const [row] = await this.db
      .update(users)
      .set({
        role: patch.role,
        advertiserIds: patch.advertiserIds && [...patch.advertiserIds],
        publisherIds: patch.publisherIds && [...patch.publisherIds],
        status: patch.status,
        name: patch.name,
        passwordHash: patch.passwordHash,
        inviteTokenHash: patch.inviteTokenHash,
        inviteExpiresAt: patch.inviteExpiresAt,
        lastLoginAt: patch.lastLoginAt,
        updatedAt: patch.updatedAt,
      })
      .where(and(eq(users.organizationId, organizationId), eq(users.id, id)))
      .returning();
    return row && toUser(row);
  }

  async countActiveOwners(organizationId: string): Promise<number> {
    if (!isUuid(organizationId)) return 0;
    const [row] = await this.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.organizationId, organizationId), eq(users.role, 'owner'), eq(users.status, 'active')));
    return row?.n ?? 0;
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | undefined> {
    const [row] = await this.db.select().from(users).where(sameEmail(email));
    return row && { user: toUser(row), passwordHash: row.passwordHash };
  }

  async findByInviteTokenHash(tokenHash: string): Promise<(User & { inviteExpiresAt: Date | null }) | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.inviteTokenHash, tokenHash));
    return row && { ...toUser(row), inviteExpiresAt: row.inviteExpiresAt };
  }
}
