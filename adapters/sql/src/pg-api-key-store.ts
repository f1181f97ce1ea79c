import type { ApiKey, Page, PageRequest } from '@adplatform/domain';
import type { ApiKeyStore, NewApiKey } from '@adplatform/ports';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { cursorOf, fetchSizeOf, toPage } from './pagination.js';
import { isUuid } from './pg-errors.js';
import { apiKeys } from './schema.js';
import type { SqlDatabase } from './sql-database.js';

type ApiKeyRow = typeof apiKeys.$inferSelect;

/** The public view of a row: the secret's hash stays behind. */
const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  organizationId: row.organizationId,
  name: row.name,
  role: row.role,
  prefix: row.prefix,
  advertiserIds: [...row.advertiserIds],
  publisherIds: [...row.publisherIds],
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
});

export class PgApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: SqlDatabase) {}

  async create(organizationId: string, key: NewApiKey): Promise<ApiKey> {
    const [row] = await this.db
      .insert(apiKeys)
      .values({
        ...key,
        advertiserIds: [...(key.advertiserIds ?? [])],
        publisherIds: [...(key.publisherIds ?? [])],
        organizationId,
        lastUsedAt: null,
        revokedAt: null,
      })
      .returning();
    return toApiKey(row!);
  }

  async get(organizationId: string, id: string): Promise<ApiKey | undefined> {
    if (!isUuid(organizationId) || !isUuid(id)) return undefined;
    const [row] = await this.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)));
    return row && toApiKey(row);
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<ApiKey>> {
    const cursor = cursorOf(page);
    if (!isUuid(organizationId)) return { items: [], nextCursor: null };
    const rows = await this.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.organizationId, organizationId), cursor === undefined ? undefined : gt(apiKeys.id, cursor)))
      .orderBy(asc(apiKeys.id))
      .limit(fetchSizeOf(page));
    return toPage(rows, page, toApiKey);
  }

  async revoke(organizationId: string, id: string, at: Date): Promise<ApiKey | undefined> {
    if (!isUuid(organizationId) || !isUuid(id)) return undefined;
    // A second revoke keeps the first time, so the call is idempotent.
    const [row] = await this.db
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${sql.param(at, apiKeys.revokedAt)})` })
      .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
      .returning();
    return row && toApiKey(row);
  }

  async findByPrefix(prefix: string): Promise<{ apiKey: ApiKey; secretHash: string } | undefined> {
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
    return row && { apiKey: toApiKey(row), secretHash: row.secretHash };
  }

  async touch(id: string, at: Date): Promise<void> {
    if (!isUuid(id)) return;
    await this.db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
  }
}
