import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  contentType: string;
  sizeBytes: number;
}

/**
 * Creative assets and other files, addressed by key (content-hash names, so a
 * key's bytes never change). Files under the data dir by default; any
 * S3-compatible store when scaled out.
 */
export interface BlobStore {
  /** Stores the bytes under `key`; writing the same key again is a no-op. Atomic: readers never see a partial file. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<BlobInfo>;
  /** Undefined when there is no such blob. The caller must consume or destroy the stream. */
  get(key: string): Promise<(BlobInfo & { body: Readable }) | undefined>;
  head(key: string): Promise<BlobInfo | undefined>;
}
