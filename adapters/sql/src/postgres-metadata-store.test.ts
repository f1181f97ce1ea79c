import { newId } from '@adplatform/domain';
import { runMetadataStoreContract } from '@adplatform/ports/contracts';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createMetadataStore } from './create-metadata-store.js';
import { createPostgresMetadataStore } from './postgres-metadata-store.js';
import { createTestPostgresStore, DEFAULT_TEST_POSTGRES_URL } from './testing.js';

runMetadataStoreContract('PostgreSQL', createTestPostgresStore);

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: DEFAULT_TEST_POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL metadata store', () => {
  it('works in a database of its own that is dropped when the test store closes', async () => {
    const store = await createTestPostgresStore();
    expect(store.database).toMatch(/^adplatform_test_[0-9a-f]{16}$/);
    expect(await databaseExists(store.database)).toBe(true);
    await store.close();
    expect(await databaseExists(store.database)).toBe(false);
  });

  it('migrates an up-to-date database again without error', async () => {
    const scratch = await createTestPostgresStore();
    try {
      const again = await createPostgresMetadataStore({ url: scratch.url, poolMax: 1 });
      await expect(again.ping()).resolves.toBeUndefined();
      await again.close();
    } finally {
      await scratch.close();
    }
  });

  it('migrates concurrently from several processes’ worth of stores without error', async () => {
    const scratch = await createTestPostgresStore({});
    try {
      const stores = await Promise.all([1, 2, 3].map(() => createPostgresMetadataStore({ url: scratch.url, poolMax: 1 })));
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await scratch.close();
    }
  });

  it('is what createMetadataStore opens when a database URL is set', async () => {
    const scratch = await createTestPostgresStore();
    try {
      const store = await createMetadataStore({ databaseUrl: scratch.url, dataDir: '/nonexistent' });
      expect(store.kind).toBe('postgres');
      const org = { id: newId(), name: 'Shared', timezone: 'UTC', createdAt: new Date('2026-01-01T00:00:00.000Z') };
      await store.organizations.create(org);
      await store.close();
      expect(await scratch.organizations.get(org.id)).toEqual(org);
    } finally {
      await scratch.close();
    }
  });
});
