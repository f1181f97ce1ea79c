import { mkdir } from 'node:fs/promises';
import type { MetadataStore } from '@adplatform/ports';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER } from './migrations.js';
import { createSqlMetadataStore } from './sql-metadata-store.js';

export const IN_MEMORY = 'memory://';

export interface PgliteMetadataStoreOptions {
  /** Where PGlite keeps its files, e.g. `<data dir>/pg`; undefined or `memory://` keeps them in memory. */
  dataDir?: string | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/**
 * The embedded metadata store: PostgreSQL compiled to WASM, in this process.
 * A fresh data directory costs an initdb (seconds); reopening one is faster.
 * One process at a time may open a data directory.
 */
export async function createPgliteMetadataStore(options: PgliteMetadataStoreOptions = {}): Promise<MetadataStore> {
  const dataDir = options.dataDir ?? IN_MEMORY;
  if (!dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir });
  return openPgliteMetadataStore(client, { migrate: options.migrate ?? true });
}

/** Wraps an open PGlite instance, which the store then owns and closes. */
export async function openPgliteMetadataStore(client: PGlite, options: { migrate: boolean }): Promise<MetadataStore> {
  const db = drizzle(client);
  try {
    if (options.migrate) await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await client.close();
    throw error;
  }
  return createSqlMetadataStore({ db, kind: 'pglite', closeClient: () => client.close() });
}

/** Brings a PGlite instance's schema up to date. */
export async function migratePglite(client: PGlite): Promise<void> {
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
}
