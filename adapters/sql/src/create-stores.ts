import type { MetadataTx, ResourceStores } from '@adplatform/ports';
import { PgApiKeyStore } from './pg-api-key-store.js';
import { PgAuditLogStore } from './pg-audit-log-store.js';
import { PgOrganizationStore } from './pg-organization-store.js';
import { PgResourceStore } from './pg-resource-store.js';
import { PgSegmentMemberStore } from './pg-segment-member-store.js';
import { PgSessionStore } from './pg-session-store.js';
import { PgUserStore } from './pg-user-store.js';
import * as tables from './schema-resources.js';
import type { SqlDatabase } from './sql-database.js';

function createResourceStores(db: SqlDatabase): ResourceStores {
  return {
    advertiser: new PgResourceStore(db, tables.advertisers, 'advertiser'),
    campaign: new PgResourceStore(db, tables.campaigns, 'campaign'),
    line_item: new PgResourceStore(db, tables.lineItems, 'line_item'),
    creative: new PgResourceStore(db, tables.creatives, 'creative'),
    publisher: new PgResourceStore(db, tables.publishers, 'publisher'),
    site: new PgResourceStore(db, tables.sites, 'site'),
    placement: new PgResourceStore(db, tables.placements, 'placement'),
    segment: new PgResourceStore(db, tables.segments, 'segment'),
    demand_partner: new PgResourceStore(db, tables.demandPartners, 'demand_partner'),
  };
}

/** The stores over a database or over one transaction; they hold no state of their own. */
export function createStores(db: SqlDatabase): MetadataTx {
  return {
    organizations: new PgOrganizationStore(db),
    users: new PgUserStore(db),
    apiKeys: new PgApiKeyStore(db),
    sessions: new PgSessionStore(db),
    auditLog: new PgAuditLogStore(db),
    resources: createResourceStores(db),
    segmentMembers: new PgSegmentMemberStore(db),
  };
}
