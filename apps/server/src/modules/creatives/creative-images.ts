import { createHash } from 'node:crypto';
import { AppError, invalidField } from '@adplatform/domain';
import type { BlobStore } from '@adplatform/ports';
import sharp from 'sharp';
import type { Asset } from './creatives.schemas.js';

/** What an upload may be, by what its bytes say (sharp's sniffing), never by its name or declared type. */
const ACCEPTED: Record<string, { ext: string; contentType: string }> = {
  png: { ext: 'png', contentType: 'image/png' },
  jpeg: { ext: 'jpg', contentType: 'image/jpeg' },
  gif: { ext: 'gif', contentType: 'image/gif' },
  webp: { ext: 'webp', contentType: 'image/webp' },
};
const WEBP_QUALITY = 80;

const NOT_AN_IMAGE = 'is not a PNG, JPEG, GIF or WebP image';

interface Encoded {
  bytes: Buffer;
  ext: string;
  contentType: string;
}

/**
 * Checks an uploaded image against its declared size and makes its WebP
 * variant, then stores both under their content hashes. Refusals name
 * `body.file` (or `body.width`/`body.height` for a size mismatch).
 */
export async function storeImageAssets(
  blobs: BlobStore,
  file: Buffer,
  declared: { width: number; height: number },
): Promise<{ original: Asset; webp: Asset }> {
  const original = await sniff(file, declared);
  // Always decoded and re-encoded, even a WebP: that proves the whole file decodes, not just its header.
  const webp: Encoded = { ext: 'webp', contentType: 'image/webp', bytes: await toWebp(file) };
  return { original: await put(blobs, original, declared), webp: await put(blobs, webp, declared) };
}

async function sniff(file: Buffer, declared: { width: number; height: number }): Promise<Encoded> {
  // Reads the header only; the size check below bounds what decoding will cost.
  const metadata = await sharp(file)
    .metadata()
    .catch(() => undefined);
  const kind = metadata?.format ? ACCEPTED[metadata.format] : undefined;
  if (!metadata || !kind) throw invalidField('body.file', NOT_AN_IMAGE);
  const { width, height } = metadata;
  if (width !== declared.width || height !== declared.height) {
    const path = width !== declared.width ? 'body.width' : 'body.height';
    const message = `is ${declared.width}×${declared.height} but the file is ${width}×${height}`;
    throw new AppError('VALIDATION_FAILED', `${path} ${message}`, { issues: [{ path, message }] });
  }
  return { ...kind, bytes: file };
}

async function toWebp(file: Buffer): Promise<Buffer> {
  try {
    // `animated` keeps every frame of a GIF; metadata is stripped (sharp's default).
    return await sharp(file, { animated: true }).webp({ quality: WEBP_QUALITY }).toBuffer();
  } catch {
    throw invalidField('body.file', 'is damaged or truncated: it cannot be decoded');
  }
}

async function put(blobs: BlobStore, encoded: Encoded, size: { width: number; height: number }): Promise<Asset> {
  const key = `${createHash('sha256').update(encoded.bytes).digest('hex')}.${encoded.ext}`;
  await blobs.put(key, encoded.bytes, encoded.contentType);
  return { url: `/assets/${key}`, contentType: encoded.contentType, bytes: encoded.bytes.byteLength, ...size };
}
