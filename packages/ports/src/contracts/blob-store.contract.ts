import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../blob-store.js';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** A valid key for these bytes: their SHA-256 and the extension of the type. */
export function blobKeyOf(bytes: Uint8Array, contentType = 'image/png'): string {
  return `${createHash('sha256').update(bytes).digest('hex')}.${EXTENSIONS[contentType]}`;
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const bytesOf = (text: string) => new TextEncoder().encode(text);

/**
 * The behaviour every BlobStore adapter must have. `open` returns a fresh,
 * empty store and a function that disposes of it.
 */
export function runBlobStoreContract(name: string, open: () => Promise<{ store: BlobStore; dispose: () => Promise<void> }>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let opened: { store: BlobStore; dispose: () => Promise<void> } | undefined;
    const store = () => {
      if (!opened) throw new Error('the store did not open');
      return opened.store;
    };
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      await opened?.dispose();
    });

    it('answers ping when it can be used', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
      expect(['files', 's3']).toContain(store().kind);
    });

    it('stores bytes under their key and streams them back with type and size', async () => {
      const bytes = bytesOf('a small png, pretend');
      const key = blobKeyOf(bytes);
      expect(await store().put(key, bytes, 'image/png')).toEqual({ key, contentType: 'image/png', sizeBytes: bytes.byteLength });
      expect(await store().head(key)).toEqual({ key, contentType: 'image/png', sizeBytes: bytes.byteLength });
      const blob = await store().get(key);
      expect(blob).toMatchObject({ key, contentType: 'image/png', sizeBytes: bytes.byteLength });
      expect(new Uint8Array(await readAll(blob!.body))).toEqual(bytes);
    });

    it('streams a large blob whole', async () => {
      const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31) % 251);
      const key = blobKeyOf(bytes, 'image/webp');
      await store().put(key, bytes, 'image/webp');
      const blob = await store().get(key);
      expect((await readAll(blob!.body)).equals(Buffer.from(bytes))).toBe(true);
    });

    it('treats a put of an existing key as a no-op, also when puts race', async () => {
      const bytes = bytesOf('raced');
      const key = blobKeyOf(bytes, 'image/gif');
      const results = await Promise.all(Array.from({ length: 8 }, () => store().put(key, bytes, 'image/gif')));
      for (const info of results) expect(info).toEqual({ key, contentType: 'image/gif', sizeBytes: bytes.byteLength });
      expect(await store().put(key, bytes, 'image/gif')).toEqual(results[0]);
      expect((await readAll((await store().get(key))!.body)).toString()).toBe('raced');
    });

    it('answers undefined for a key it does not hold', async () => {
      const key = blobKeyOf(bytesOf('never stored'));
      expect(await store().head(key)).toBeUndefined();
      expect(await store().get(key)).toBeUndefined();
    });

    it('refuses keys that are not content-hash names, on every method', async () => {
      const hash = blobKeyOf(bytesOf('x')).slice(0, 64);
      const invalid = [
        '../../etc/passwd',
        `../${hash}.png`,
        `${hash}/../../x.png`,
        `${hash.toUpperCase()}.png`,
        `${hash}.html`,
        `${hash}.svg`,
        `${hash}.png/`,
        `${hash}.png\0`,
        `${hash.slice(0, 63)}.png`,
        '',
      ];
      for (const key of invalid) {
        await expect(store().put(key, bytesOf('x'), 'image/png'), key).rejects.toThrow(TypeError);
        expect(await store().head(key), key).toBeUndefined();
        expect(await store().get(key), key).toBeUndefined();
      }
    });

    it('refuses a key that does not name its bytes, or a content type that is not the key’s', async () => {
      const bytes = bytesOf('honest bytes');
      await expect(store().put(blobKeyOf(bytesOf('other bytes')), bytes, 'image/png')).rejects.toThrow(TypeError);
      await expect(store().put(blobKeyOf(bytes, 'image/png'), bytes, 'text/html')).rejects.toThrow(TypeError);
      expect(await store().head(blobKeyOf(bytes))).toBeUndefined();
    });
  });
}
