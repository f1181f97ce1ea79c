import type { SegmentMemberStore } from '@adplatform/ports';
import { and, count, eq, inArray } from 'drizzle-orm';
import { isUuid } from './pg-errors.js';
import { segmentMembers } from './schema-resources.js';
import type { SqlDatabase } from './sql-database.js';

/** Rows per INSERT: large enough to amortise round trips, small enough for PostgreSQL's parameter limit (65,535). */
const BATCH = 5_000;

export class PgSegmentMemberStore implements SegmentMemberStore {
  constructor(private readonly db: SqlDatabase) {}

  async add(organizationId: string, segmentId: string, userKeys: readonly string[]): Promise<number> {
    if (!isUuid(organizationId) || !isUuid(segmentId)) return 0;
    let added = 0;
    for (let start = 0; start < userKeys.length; start += BATCH) {
      const values = userKeys.slice(start, start + BATCH).map((userKey) => ({ organizationId, segmentId, userKey }));
      const rows = await this.db.insert(segmentMembers).values(values).onConflictDoNothing().returning({ userKey: segmentMembers.userKey });
      added += rows.length;
    }
    return added;
  }

  async remove(organizationId: string, segmentId: string, userKeys: readonly string[]): Promise<number> {
    if (!isUuid(organizationId) || !isUuid(segmentId) || userKeys.length === 0) return 0;
    let removed = 0;
    for (let start = 0; start < userKeys.length; start += BATCH) {
      const rows = await this.db
        .delete(segmentMembers)
        .where(
          and(
            eq(segmentMembers.organizationId, organizationId),
            eq(segmentMembers.segmentId, segmentId),
            inArray(segmentMembers.userKey, userKeys.slice(start, start + BATCH) as string[]),
          ),
        )
        .returning({ userKey: segmentMembers.userKey });
      removed += rows.length;
    }
    return removed;
  }

  async count(organizationId: string, segmentId: string): Promise<number> {
    if (!isUuid(organizationId) || !isUuid(segmentId)) return 0;
    const [row] = await this.db
      .select({ n: count() })
      .from(segmentMembers)
      .where(and(eq(segmentMembers.organizationId, organizationId), eq(segmentMembers.segmentId, segmentId)));
    return Number(row?.n ?? 0);
  }

  async segmentsOf(organizationId: string, userKey: string): Promise<string[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.db
      .select({ segmentId: segmentMembers.segmentId })
      .from(segmentMembers)
      .where(and(eq(segmentMembers.organizationId, organizationId), eq(segmentMembers.userKey, userKey)));
    return rows.map((row) => row.segmentId).sort();
  }
}
