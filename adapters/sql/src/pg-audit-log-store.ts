import type { AuditEntry, Page, PageRequest } from '@adplatform/domain';
import type { AuditFilter, AuditLogStore, NewAuditEntry } from '@adplatform/ports';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { cursorOf, fetchSizeOf, toPage } from './pagination.js';
import { isUuid } from './pg-errors.js';
import { auditLog } from './schema.js';
import type { SqlDatabase } from './sql-database.js';

type AuditRow = typeof auditLog.$inferSelect;

const toAuditEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  organizationId: row.organizationId,
  actorKind: row.actorKind,
  actorId: row.actorId,
  action: row.action,
  resourceType: row.resourceType,
  resourceId: row.resourceId,
  before: row.before,
  after: row.after,
  requestId: row.requestId,
  at: row.at,
});

/** The filter as SQL conditions, or undefined when it cannot match (an actor id that is not a uuid). */
function filterConditions(filter: AuditFilter): SQL[] | undefined {
  const conditions: SQL[] = [];
  if (filter.action !== undefined) conditions.push(eq(auditLog.action, filter.action));
  if (filter.resourceType !== undefined) conditions.push(eq(auditLog.resourceType, filter.resourceType));
  if (filter.resourceId !== undefined) conditions.push(eq(auditLog.resourceId, filter.resourceId));
  if (filter.actorId !== undefined) {
    if (!isUuid(filter.actorId)) return undefined;
    conditions.push(eq(auditLog.actorId, filter.actorId));
  }
  return conditions;
}

export class PgAuditLogStore implements AuditLogStore {
  constructor(private readonly db: SqlDatabase) {}

  async append(organizationId: string, entry: NewAuditEntry): Promise<AuditEntry> {
    // jsonb has no `undefined`; an absent before/after image is stored as null.
    const [row] = await this.db
      .insert(auditLog)
      .values({ ...entry, organizationId, before: entry.before ?? null, after: entry.after ?? null })
      .returning();
    return toAuditEntry(row!);
  }

  async list(organizationId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    const cursor = cursorOf(page);
    const conditions = filterConditions(filter);
    if (!isUuid(organizationId) || conditions === undefined) return { items: [], nextCursor: null };
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, organizationId), cursor === undefined ? undefined : lt(auditLog.id, cursor), ...conditions))
      .orderBy(desc(auditLog.id))
      .limit(fetchSizeOf(page));
    return toPage(rows, page, toAuditEntry);
  }
}
