import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type BlobInfo, type BlobStore, checkBlobPut, contentTypeOfBlobKey } from '@adplatform/ports';

/**
 * Blobs as files: `<dir>/<first two hex digits>/<key>`, so no directory grows
 * past a few thousand entries. A put writes a temporary file beside the target,
 * fsyncs it and renames it into place, so a reader sees the whole file or none;
 * two puts of one key race harmlessly (same bytes, atomic rename).
 */
export function createFsBlobStore(options: { dir: string }): BlobStore {
  const root = path.resolve(options.dir);
  // Only valid keys reach here: 64 hex digits and a fixed extension, so the join cannot escape `root`.
  const fileOf = (key: string) => path.join(root, key.slice(0, 2), key);

  async function infoOf(key: string): Promise<BlobInfo | undefined> {
    const contentType = contentTypeOfBlobKey(key);
    if (!contentType) return undefined;
    try {
      const stats = await stat(fileOf(key));
      return { key, contentType, sizeBytes: stats.size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  return {
    kind: 'files',
    async ping() {
      await mkdir(root, { recursive: true });
      await access(root, constants.R_OK | constants.W_OK);
    },
    async put(key, bytes, contentType) {
      checkBlobPut(key, bytes, contentType);
      const existing = await infoOf(key);
      if (existing) return existing;
      const target = fileOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${randomUUID()}.tmp`;
      try {
        const handle = await open(temp, 'wx');
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { key, contentType, sizeBytes: bytes.byteLength };
    },

    async get(key) {
      const contentType = contentTypeOfBlobKey(key);
      if (!contentType) return undefined;
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(fileOf(key), 'r');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      // Size and stream come from the same open file, so they agree even if the file were replaced meanwhile.
      const { size } = await handle.stat();
      return { key, contentType, sizeBytes: size, body: handle.createReadStream() };
    },

    head: infoOf,
  };
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';
