import { type AnyPgColumn, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './schema.js';

/**
 * Resources (ADR 0007): one table per kind, all of one shape — the keys that
 * queries filter and sort on as columns, the rest of the resource as a JSONB
 * body. Parents are foreign keys, so a campaign cannot point at a missing advertiser.
 */
function resourceTable(name: string, parent?: () => AnyPgColumn, scope?: () => AnyPgColumn) {
  return pgTable(
    name,
    {
      id: uuid('id').primaryKey(),
      organizationId: uuid('organization_id')
        .notNull()
        .references(() => organizations.id),
      parentId: parent ? uuid('parent_id').references(parent) : uuid('parent_id'),
      scopeId: scope ? uuid('scope_id').references(scope) : uuid('scope_id'),
      name: text('name').notNull(),
      status: text('status').notNull(),
      version: integer('version').notNull().default(1),
      data: jsonb('data').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
      updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    },
    (t) => [
      index(`${name}_organization_id_id_idx`).on(t.organizationId, t.id),
      index(`${name}_organization_id_parent_id_idx`).on(t.organizationId, t.parentId),
      index(`${name}_organization_id_scope_id_idx`).on(t.organizationId, t.scopeId),
      index(`${name}_organization_id_status_idx`).on(t.organizationId, t.status),
    ],
  );
}

export const advertisers = resourceTable('advertisers');
export const campaigns = resourceTable(
  'campaigns',
  () => advertisers.id,
  () => advertisers.id,
);
export const lineItems = resourceTable(
  'line_items',
  () => campaigns.id,
  () => advertisers.id,
);
export const creatives = resourceTable(
  'creatives',
  () => advertisers.id,
  () => advertisers.id,
);
export const publishers = resourceTable('publishers');
export const sites = resourceTable(
  'sites',
  () => publishers.id,
  () => publishers.id,
);
export const placements = resourceTable(
  'placements',
  () => sites.id,
  () => publishers.id,
);
export const segments = resourceTable('segments');
export const demandPartners = resourceTable('demand_partners');

export const segmentMembers = pgTable(
  'segment_members',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id),
    userKey: text('user_key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.segmentId, t.userKey] }),
    index('segment_members_organization_id_user_key_idx').on(t.organizationId, t.userKey),
  ],
);

export type ResourceTable = typeof advertisers;
