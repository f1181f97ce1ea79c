import { Readable } from 'node:stream';
import { type BlobInfo, type BlobStore, checkBlobPut, contentTypeOfBlobKey } from '@adplatform/ports';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';

export interface S3BlobStoreOptions {
  /** `http(s)://host:port` of the S3-compatible server; AWS's own endpoint when the region is enough. */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `host/bucket/key` rather than `bucket.host/key`: what MinIO, Ceph, Garage and s3rver expect. */
  forcePathStyle: boolean;
  /** Prepended to every key, e.g. `assets/`, to share a bucket. */
  prefix?: string;
}

export interface S3BlobStore extends BlobStore {
  /** Closes the client's pooled connections. */
  close(): void;
}

// Keys are content hashes, so the bytes under a key never change.
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Blobs as objects in one bucket, under `<prefix><key>`. A put first asks
 * whether the key exists; two puts of one key race harmlessly (same bytes, and
 * S3 replaces an object atomically). Async because the SDK is loaded only here:
 * importing it takes ~140 ms, which a server on local files should not pay.
 */
export async function createS3BlobStore(options: S3BlobStoreOptions): Promise<S3BlobStore> {
  const { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } = await import(
    '@aws-sdk/client-s3'
  );
  // NoSuchKey from GET; NotFound from HEAD, whose 404 has no body to say more. Not every 404: a GET
  // from a missing bucket (NoSuchBucket) must fail loudly, not look like a missing blob.
  const isNotFound = (error: unknown): boolean =>
    error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Checksums only where the S3 API demands them: the CRC32 headers the SDK sends by default since
    // 3.729 are refused by some S3-compatible servers (Backblaze B2, older Ceph), and a key names its bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  const objectKey = (key: string) => `${options.prefix ?? ''}${key}`;

  async function head(key: string): Promise<BlobInfo | undefined> {
    const contentType = contentTypeOfBlobKey(key);
    if (!contentType) return undefined;
    try {
      const object = await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
      return { key, contentType, sizeBytes: object.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  return {
    kind: 's3',
    // A missing bucket or refused credentials fail here, where a HEAD of a blob would look like a missing blob.
    async ping() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },
    async put(key, bytes, contentType) {
      checkBlobPut(key, bytes, contentType);
      const existing = await head(key);
      if (existing) return existing;
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: objectKey(key),
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: contentType,
          CacheControl: CACHE_CONTROL,
        }),
      );
      return { key, contentType, sizeBytes: bytes.byteLength };
    },

    async get(key) {
      const contentType = contentTypeOfBlobKey(key);
      if (!contentType) return undefined;
      let object: GetObjectCommandOutput;
      try {
        object = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      // In Node the SDK's body is the HTTP response itself, an IncomingMessage.
      if (!(object.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
      return { key, contentType, sizeBytes: object.ContentLength ?? 0, body: object.Body };
    },

    head,
    close: () => client.destroy(),
  };
}
