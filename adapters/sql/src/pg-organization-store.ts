import type { Organization, Page, PageRequest } from '@adplatform/domain';
import type { NewOrganization, OrganizationStore } from '@adplatform/ports';
import { asc, count, eq, gt } from 'drizzle-orm';
import { cursorOf, fetchSizeOf, toPage } from './pagination.js';
import { isUuid } from './pg-errors.js';
import { organizations } from './schema.js';
import type { SqlDatabase } from './sql-database.js';

type OrganizationRow = typeof organizations.$inferSelect;

const toOrganization = (row: OrganizationRow): Organization => ({
  id: row.id,
  name: row.name,
  timezone: row.timezone,
  createdAt: row.createdAt,
});

export class PgOrganizationStore implements OrganizationStore {
  constructor(private readonly db: SqlDatabase) {}

  async create(org: NewOrganization): Promise<Organization> {
    const [row] = await this.db.insert(organizations).values(org).returning();
    return toOrganization(row!);
  }

  async get(id: string): Promise<Organization | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.db.select().from(organizations).where(eq(organizations.id, id));
    return row && toOrganization(row);
  }

  async list(page: PageRequest): Promise<Page<Organization>> {
    const cursor = cursorOf(page);
    const rows = await this.db
      .select()
      .from(organizations)
      .where(cursor === undefined ? undefined : gt(organizations.id, cursor))
      .orderBy(asc(organizations.id))
      .limit(fetchSizeOf(page));
    return toPage(rows, page, toOrganization);
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(organizations);
    return row?.n ?? 0;
  }
}
