import path from 'node:path';
import type { MetadataStore } from '@adplatform/ports';
import { createPgliteMetadataStore } from './pglite-metadata-store.js';
import { createPostgresMetadataStore } from './postgres-metadata-store.js';

export interface MetadataStoreOptions {
  /** PostgreSQL URL; when absent the embedded PGlite store is used. */
  databaseUrl?: string | undefined;
  /** The platform's data directory; PGlite keeps its files in `<dataDir>/pg`. */
  dataDir: string;
  poolMax?: number | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** Opens the metadata store the configuration names: PostgreSQL when a URL is set, PGlite otherwise. */
export function createMetadataStore(options: MetadataStoreOptions): Promise<MetadataStore> {
  const migrate = options.migrate ?? true;
  if (options.databaseUrl) return createPostgresMetadataStore({ url: options.databaseUrl, poolMax: options.poolMax, migrate });
  return createPgliteMetadataStore({ dataDir: path.join(options.dataDir, 'pg'), migrate });
}

/** Applies pending migrations and closes again: what `adplatform migrate` runs. */
export async function migrateMetadataStore(options: Omit<MetadataStoreOptions, 'migrate' | 'poolMax'>): Promise<MetadataStore['kind']> {
  const store = await createMetadataStore({ ...options, poolMax: 1, migrate: true });
  await store.close();
  return store.kind;
}
