import type { MetadataTx } from '@adplatform/ports';
import { PgApiKeyStore } from './pg-api-key-store.js';
import { PgAuditLogStore } from './pg-audit-log-store.js';
import { PgOrganizationStore } from './pg-organization-store.js';
import { PgSessionStore } from './pg-session-store.js';
import { PgUserStore } from './pg-user-store.js';
import type { SqlDatabase } from './sql-database.js';

/** The stores over a database or over one transaction; they hold no state of their own. */
export function createStores(db: SqlDatabase): MetadataTx {
  return {
    organizations: new PgOrganizationStore(db),
    users: new PgUserStore(db),
    apiKeys: new PgApiKeyStore(db),
    sessions: new PgSessionStore(db),
    auditLog: new PgAuditLogStore(db),
  };
}
