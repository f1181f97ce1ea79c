import { AppError, invalidField, type Page, type Resource, type ResourceKind } from '@adplatform/domain';
import type { NewResource, ResourceFilter, ResourceListRequest, ResourcePatch, ResourceSort, ResourceStore } from '@adplatform/ports';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { isUuid } from './pg-errors.js';
import type { ResourceTable } from './schema-resources.js';
import type { SqlDatabase } from './sql-database.js';

type Row = ResourceTable['$inferSelect'];

const toResource = <D>(row: Row): Resource<D> => ({
  id: row.id,
  organizationId: row.organizationId,
  parentId: row.parentId,
  scopeId: row.scopeId,
  name: row.name,
  status: row.status,
  version: row.version,
  data: row.data as D,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** The keyset of a sort: the column and how to read its value back from a cursor. */
function sortColumn(table: ResourceTable, sort: ResourceSort) {
  switch (sort) {
    case 'name':
      return { column: table.name, of: (r: Row) => r.name, cast: sql`` };
    case 'createdAt':
      return { column: table.createdAt, of: (r: Row) => r.createdAt.toISOString(), cast: sql`::timestamptz` };
    case 'updatedAt':
      return { column: table.updatedAt, of: (r: Row) => r.updatedAt.toISOString(), cast: sql`::timestamptz` };
    default:
      return undefined;
  }
}

/** `column in (ids)`, keeping only well-formed uuids; nothing left matches no row. */
function inUuids(column: ResourceTable['id'] | ResourceTable['scopeId'], ids: readonly string[]): SQL {
  const valid = ids.filter(isUuid);
  return valid.length === 0 ? sql`false` : inArray(column, valid);
}

const encodeCursor = (value: unknown[]): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function decodeCursor(cursor: string, withValue: boolean): { value?: string; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === (withValue ? 2 : 1) && parsed.every((p) => typeof p === 'string')) {
      const id = parsed.at(-1) as string;
      if (isUuid(id)) return withValue ? { value: parsed[0] as string, id } : { id };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidField('query.cursor', 'is not a cursor of this list and sort');
}

const escapeLike = (text: string): string => text.replaceAll(/[\\%_]/g, (c) => `\\${c}`);

/** One resource kind over its table; the same code for every kind (ADR 0007). */
export class PgResourceStore<D> implements ResourceStore<D> {
  constructor(
    private readonly db: SqlDatabase,
    private readonly table: ResourceTable,
    readonly kind: ResourceKind,
  ) {}

  async create(organizationId: string, resource: NewResource<D>): Promise<Resource<D>> {
    const [row] = await this.db
      .insert(this.table)
      .values({ ...resource, organizationId, version: 1, updatedAt: resource.createdAt })
      .returning();
    return toResource<D>(row!);
  }

  async get(organizationId: string, id: string): Promise<Resource<D> | undefined> {
    if (!isUuid(organizationId) || !isUuid(id)) return undefined;
    const [row] = await this.db
      .select()
      .from(this.table)
      .where(and(eq(this.table.organizationId, organizationId), eq(this.table.id, id)));
    return row && toResource<D>(row);
  }

  async getMany(organizationId: string, ids: readonly string[]): Promise<Resource<D>[]> {
    const valid = ids.filter(isUuid);
    if (!isUuid(organizationId) || valid.length === 0) return [];
    const rows = await this.db
      .select()
      .from(this.table)
      .where(and(eq(this.table.organizationId, organizationId), inArray(this.table.id, valid)));
    return rows.map((row) => toResource<D>(row));
  }

  async list(organizationId: string, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<Resource<D>>> {
    const t = this.table;
    const sort = sortColumn(t, page.sort ?? 'id');
    const descending = page.order === 'desc';
    const cursor = page.cursor === undefined ? undefined : decodeCursor(page.cursor, sort !== undefined);
    if (!isUuid(organizationId)) return { items: [], nextCursor: null };
    const conditions: (SQL | undefined)[] = [eq(t.organizationId, organizationId)];
    if (filter.status?.length) conditions.push(inArray(t.status, [...filter.status]));
    if (filter.parentId !== undefined) conditions.push(isUuid(filter.parentId) ? eq(t.parentId, filter.parentId) : sql`false`);
    if (filter.scopeId !== undefined) conditions.push(isUuid(filter.scopeId) ? eq(t.scopeId, filter.scopeId) : sql`false`);
    if (filter.ids) conditions.push(inUuids(t.id, filter.ids));
    if (filter.scopeIds) conditions.push(inUuids(t.scopeId, filter.scopeIds));
    if (filter.search) conditions.push(sql`${t.name} ilike ${`%${escapeLike(filter.search)}%`}`);
    if (filter.dataContains) conditions.push(sql`${t.data} @> ${JSON.stringify(filter.dataContains)}::jsonb`);
    if (cursor) {
      const op = descending ? sql`<` : sql`>`;
      conditions.push(
        sort
          ? sql`(${sort.column}, ${t.id}) ${op} (${cursor.value}${sort.cast}, ${cursor.id}::uuid)`
          : sql`${t.id} ${op} ${cursor.id}::uuid`,
      );
    }
    const direction = descending ? sql`desc` : sql`asc`;
    const rows = await this.db
      .select()
      .from(t)
      .where(and(...conditions))
      .orderBy(...(sort ? [sql`${sort.column} ${direction}`, sql`${t.id} ${direction}`] : [sql`${t.id} ${direction}`]))
      .limit(page.limit + 1);
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    const more = rows.length > page.limit && last !== undefined;
    return {
      items: shown.map((row) => toResource<D>(row)),
      nextCursor: more ? encodeCursor(sort ? [sort.of(last), last.id] : [last.id]) : null,
    };
  }

  async update(organizationId: string, id: string, patch: ResourcePatch<D>): Promise<Resource<D> | undefined> {
    if (!isUuid(organizationId) || !isUuid(id)) return undefined;
    const t = this.table;
    const { expectedVersion, ...changes } = patch;
    const [row] = await this.db
      .update(t)
      .set({ ...changes, version: sql`${t.version} + 1` })
      .where(
        and(eq(t.organizationId, organizationId), eq(t.id, id), expectedVersion === undefined ? undefined : eq(t.version, expectedVersion)),
      )
      .returning();
    if (row) return toResource<D>(row);
    if (expectedVersion !== undefined && (await this.get(organizationId, id))) {
      throw new AppError('CONFLICT', `The ${this.kind.replace('_', ' ')} was changed by someone else; reload and retry`, {
        issues: [{ path: 'body', message: `version ${expectedVersion} is not the latest` }],
      });
    }
    return undefined;
  }
}
