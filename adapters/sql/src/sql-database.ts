import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/**
 * A drizzle PostgreSQL database or transaction, whatever the driver: the stores
 * are written once against this type and run on PGlite and node-postgres alike.
 */
export type SqlDatabase = PgDatabase<PgQueryResultHKT>;
