import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  contentType: string;
  sizeBytes: number;
}

/**
 * The names a blob may have: the lowercase hex SHA-256 of its bytes and the
 * extension of its type, e.g. `3a7b…e1.png`. Nothing else — no directories, no
 * dots, no markup types — so a key can be joined to a path or a URL safely and
 * what is served from /assets is always an image.
 */
export const BLOB_KEY_PATTERN = /^([a-f0-9]{64})\.(png|jpg|gif|webp|avif)$/;

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
};

/** The content type a valid key stands for, or undefined when the key is not a valid blob name. */
export function contentTypeOfBlobKey(key: string): string | undefined {
  const match = BLOB_KEY_PATTERN.exec(key);
  return match ? CONTENT_TYPES[match[2] as string] : undefined;
}

/**
 * What every adapter's `put` checks before writing: the key is a valid name,
 * the content type is the key's and the key's hash is the SHA-256 of the bytes.
 * Throws a TypeError naming the problem.
 */
export function checkBlobPut(key: string, bytes: Uint8Array, contentType: string): void {
  const expected = contentTypeOfBlobKey(key);
  if (!expected) throw new TypeError(`not a valid blob key: ${JSON.stringify(key)}`);
  if (contentType !== expected) throw new TypeError(`blob ${key} must have content type ${expected}, not ${contentType}`);
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (!key.startsWith(hash)) throw new TypeError(`blob ${key} does not name its bytes (their SHA-256 is ${hash})`);
}

/**
 * Creative assets, addressed by the hash of their content (see
 * BLOB_KEY_PATTERN), so a key's bytes never change and may be cached forever.
 * Files under the data dir by default; any S3-compatible store when scaled out.
 * Safe for concurrent use, including concurrent puts of the same key.
 */
export interface BlobStore {
  /**
   * Stores the bytes under `key`. Rejects (TypeError) when the key is not a
   * valid name, its hash is not the SHA-256 of the bytes, or the content type is
   * not the key's. Writing a key that exists is a no-op. Atomic: readers see the
   * whole blob or none.
   */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<BlobInfo>;
  /** Undefined for an unknown or invalid key. The caller owns the stream and must consume or destroy it. */
  get(key: string): Promise<(BlobInfo & { body: Readable }) | undefined>;
  /** Undefined for an unknown or invalid key. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** Resolves when the store can be read and written (the directory, the bucket); rejects otherwise. For /readyz. */
  ping(): Promise<void>;
  /** Which technology backs the store, for /readyz and logs. */
  readonly kind: 'files' | 's3';
}
