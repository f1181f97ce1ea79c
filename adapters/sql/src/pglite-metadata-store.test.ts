import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newId } from '@adplatform/domain';
import { runMetadataStoreContract } from '@adplatform/ports/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetadataStore, migrateMetadataStore } from './create-metadata-store.js';
import { createPgliteMetadataStore } from './pglite-metadata-store.js';
import { createTestPgliteStore } from './testing.js';

runMetadataStoreContract('PGlite', createTestPgliteStore);

// Each data directory on disk costs a cold initdb (seconds), so one test walks the whole life of one.
describe('PGlite metadata store on disk', () => {
  let tempDir: string | undefined;
  afterAll(async () => {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('migrates <dataDir>/pg on its own, opens it when no database URL is set, and keeps data across reopen', async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), 'adplatform-pglite-'));
    const dataDir = path.join(tempDir, 'nested', 'data');
    expect(await migrateMetadataStore({ dataDir })).toBe('pglite');

    const first = await createMetadataStore({ dataDir, migrate: false });
    expect(first.kind).toBe('pglite');
    const org = { id: newId(), name: 'Persisted', timezone: 'UTC', createdAt: new Date('2026-01-01T00:00:00.000Z') };
    await first.organizations.create(org);
    await first.close();

    const reopened = await createPgliteMetadataStore({ dataDir: path.join(dataDir, 'pg') });
    try {
      expect(await reopened.organizations.get(org.id)).toEqual(org);
      expect(await reopened.organizations.count()).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
