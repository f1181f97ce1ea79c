export { createMetadataStore, type MetadataStoreOptions, migrateMetadataStore } from './create-metadata-store.js';
export { createStores } from './create-stores.js';
export { MIGRATIONS_FOLDER } from './migrations.js';
export { createPgliteMetadataStore, type PgliteMetadataStoreOptions } from './pglite-metadata-store.js';
export { createPostgresMetadataStore, type PostgresMetadataStoreOptions } from './postgres-metadata-store.js';
export type { SqlDatabase } from './sql-database.js';
