import type { SegmentMemberStore } from '@adplatform/ports';
import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import { isUuid } from './pg-errors.js';
import { segmentMembers } from './schema-resources.js';
import type { SqlDatabase } from './sql-database.js';

/** Keys per statement: large enough to amortise round trips, small enough for PostgreSQL's parameter limit (65,535) in `remove`. */
const BATCH = 5_000;

export class PgSegmentMemberStore implements SegmentMemberStore {
  constructor(private readonly db: SqlDatabase) {}

  async add(organizationId: string, segmentId: string, userKeys: readonly string[]): Promise<number> {
    if (!isUuid(organizationId) || !isUuid(segmentId)) return 0;
    let added = 0;
    for (let start = 0; start < userKeys.length; start += BATCH) {
      added += await this.insertBatch(organizationId, segmentId, userKeys.slice(start, start + BATCH));
    }
    return added;
  }

  /**
   * One statement per batch with the keys as a single JSON parameter: 3-4x the
   * rate of a multi-row VALUES list (whose SQL text and 15,000 parameters cost
   * more than the insert). Keys go in sorted, so concurrent uploads to one
   * segment take row locks in the same order; the join keeps a foreign segment out.
   */
  private async insertBatch(organizationId: string, segmentId: string, userKeys: readonly string[]): Promise<number> {
    const result = await this.db.execute(sql`
      with inserted as (
        insert into segment_members (organization_id, segment_id, user_key)
        select s.organization_id, s.id, k.value
        from segments s, jsonb_array_elements_text(${JSON.stringify(userKeys)}::jsonb) as k(value)
        where s.id = ${segmentId}::uuid and s.organization_id = ${organizationId}::uuid
        order by k.value
        on conflict do nothing
        returning 1
      )
      select count(*)::int as n from inserted`);
    // node-postgres and PGlite both answer `execute` with `{ rows }`.
    const { rows } = result as { rows: { n: number }[] };
    return Number(rows[0]?.n ?? 0);
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

  /** Served by the primary key (segment_id, user_key): a range scan from `after`, no sort. */
  async listMembers(organizationId: string, segmentId: string, page: { after?: string | undefined; limit: number }): Promise<string[]> {
    if (!isUuid(organizationId) || !isUuid(segmentId) || page.limit < 1) return [];
    const rows = await this.db
      .select({ userKey: segmentMembers.userKey })
      .from(segmentMembers)
      .where(
        and(
          eq(segmentMembers.segmentId, segmentId),
          eq(segmentMembers.organizationId, organizationId),
          page.after === undefined ? undefined : gt(segmentMembers.userKey, page.after),
        ),
      )
      .orderBy(asc(segmentMembers.userKey))
      .limit(Math.floor(page.limit));
    return rows.map((row) => row.userKey);
  }
}
