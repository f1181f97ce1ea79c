import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blobKeyOf, runBlobStoreContract } from '@adplatform/ports/contracts';
import { describe, expect, it } from 'vitest';
import { createFsBlobStore } from './fs-blob-store.js';

runBlobStoreContract('files', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'adp-blobs-'));
  return { store: createFsBlobStore({ dir }), dispose: () => rm(dir, { recursive: true, force: true }) };
});

describe('files blob store layout', () => {
  it('fans keys out by their first two hex digits and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'adp-blobs-'));
    try {
      const store = createFsBlobStore({ dir });
      const bytes = new TextEncoder().encode('layout');
      const key = blobKeyOf(bytes);
      await store.put(key, bytes, 'image/png');
      expect(await readdir(dir)).toEqual([key.slice(0, 2)]);
      expect(await readdir(path.join(dir, key.slice(0, 2)))).toEqual([key]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
