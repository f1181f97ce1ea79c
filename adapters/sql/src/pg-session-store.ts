import type { Session } from '@adplatform/domain';
import type { NewSession, SessionStore } from '@adplatform/ports';
import { and, eq, lte } from 'drizzle-orm';
import { isUuid } from './pg-errors.js';
import { sessions } from './schema.js';
import type { SqlDatabase } from './sql-database.js';

type SessionRow = typeof sessions.$inferSelect;

/** The public view of a row: the token's hash stays behind. */
const toSession = (row: SessionRow): Session => ({
  id: row.id,
  userId: row.userId,
  organizationId: row.organizationId,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
});

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: SqlDatabase) {}

  async create(session: NewSession): Promise<Session> {
    const [row] = await this.db.insert(sessions).values(session).returning();
    return toSession(row!);
  }

  async findByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash));
    return row && toSession(row);
  }

  async delete(id: string): Promise<void> {
    if (!isUuid(id)) return;
    await this.db.delete(sessions).where(eq(sessions.id, id));
  }

  // Counts come from `returning`: the drivers report affected rows under different names.
  async deleteForUser(organizationId: string, userId: string): Promise<number> {
    if (!isUuid(organizationId) || !isUuid(userId)) return 0;
    const deleted = await this.db
      .delete(sessions)
      .where(and(eq(sessions.organizationId, organizationId), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    return deleted.length;
  }

  /** Deletes sessions whose expiry is at or before `now`. */
  async deleteExpired(now: Date): Promise<number> {
    const deleted = await this.db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ id: sessions.id });
    return deleted.length;
  }
}
