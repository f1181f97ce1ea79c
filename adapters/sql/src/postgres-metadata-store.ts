import type { MetadataStore } from '@adplatform/ports';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { MIGRATIONS_FOLDER } from './migrations.js';
import { createSqlMetadataStore } from './sql-metadata-store.js';

export interface PostgresMetadataStoreOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** Most connections the pool opens (default 10). */
  poolMax?: number | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** Any 64-bit constant, the same in every process, so that only one of them migrates at a time. */
const MIGRATION_LOCK_KEY = 7_305_112_033_619_871;

/** The scaled metadata store: a node-postgres pool on PostgreSQL 15 or later. */
export async function createPostgresMetadataStore(options: PostgresMetadataStoreOptions): Promise<MetadataStore> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolMax ?? 10 });
  // An idle client that loses its connection emits 'error' on the pool; without a
  // listener that would crash the process. The next query reports the outage instead.
  pool.on('error', () => {});
  try {
    if (options.migrate ?? true) await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return createSqlMetadataStore({ db: drizzle(pool), kind: 'postgres', closeClient: () => pool.end() });
}

/**
 * Applies pending migrations under a session advisory lock, so that several
 * processes starting together against one database migrate one after another.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // A connection that failed may still hold the lock: destroy it rather than pool it.
    client.release(broken);
  }
}
