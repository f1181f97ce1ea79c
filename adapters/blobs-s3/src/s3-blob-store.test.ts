import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blobKeyOf, runBlobStoreContract } from '@adplatform/ports/contracts';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { describe, expect, it } from 'vitest';
import { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

/**
 * A real S3-protocol server process on 127.0.0.1 (s3rver, writing to a fresh
 * temporary directory), a bucket created at start; the store talks to it over
 * HTTP with signed requests, exactly as it would to MinIO or AWS.
 */
async function startS3(): Promise<{ options: S3BlobStoreOptions; stop: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'adp-s3rver-'));
  const bucket = 'creatives';
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = (await server.run()) as AddressInfo;
  return {
    // s3rver's fixed credentials. It refuses an unknown access key but does not verify SigV4
    // signatures (only V2), so signing itself is not proven here.
    options: {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

runBlobStoreContract('s3 (s3rver)', async () => {
  const s3 = await startS3();
  const store = await createS3BlobStore(s3.options);
  return {
    store,
    dispose: async () => {
      store.close();
      await s3.stop();
    },
  };
});

describe('s3 blob store objects', () => {
  it('stores each blob under the prefix with its content type and an immutable cache header', async () => {
    const s3 = await startS3();
    const store = await createS3BlobStore({ ...s3.options, prefix: 'assets/' });
    const client = new S3Client({ ...s3.options, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    try {
      const bytes = new TextEncoder().encode('prefixed');
      const key = blobKeyOf(bytes, 'image/jpeg');
      await store.put(key, bytes, 'image/jpeg');
      const object = await client.send(new HeadObjectCommand({ Bucket: s3.options.bucket, Key: `assets/${key}` }));
      expect(object).toMatchObject({ ContentType: 'image/jpeg', CacheControl: 'public, max-age=31536000, immutable', ContentLength: 8 });
      const unprefixed = await createS3BlobStore(s3.options);
      expect(await unprefixed.head(key)).toBeUndefined();
      unprefixed.close();
    } finally {
      client.destroy();
      store.close();
      await s3.stop();
    }
  });

  it('rejects on a refused key or a missing bucket instead of answering as if the blob were missing', async () => {
    const s3 = await startS3();
    const store = await createS3BlobStore({ ...s3.options, accessKeyId: 'NOT-A-KEY' });
    try {
      const bytes = new TextEncoder().encode('refused');
      const key = blobKeyOf(bytes);
      await expect(store.head(key)).rejects.toThrow();
      await expect(store.get(key)).rejects.toThrow(/Access Key Id/);
      await expect(store.put(key, bytes, 'image/png')).rejects.toThrow();
      const elsewhere = await createS3BlobStore({ ...s3.options, bucket: 'no-such-bucket' });
      await expect(elsewhere.get(key)).rejects.toThrow(/bucket does not exist/);
      await expect(elsewhere.put(key, bytes, 'image/png')).rejects.toThrow(/bucket does not exist/);
      // ping is what /readyz asks: a missing bucket is not ready, even though a HEAD of a blob looks like "not found".
      await expect(elsewhere.ping()).rejects.toThrow();
      elsewhere.close();
    } finally {
      store.close();
      await s3.stop();
    }
  });
});
