import { createHash } from 'node:crypto';
import { AD_TAG_SCRIPT } from './ad-tag.script.js';

export interface AdTagSource {
  /** The script as served. */
  body: string;
  /** A strong ETag of `body` (quoted), for `If-None-Match` → 304. */
  etag: string;
}

/**
 * The served form of the source: full-line comments, indentation and blank
 * lines dropped. Safe because the source keeps comments on lines of their own
 * and no string literal spans lines.
 */
export function compactScript(source: string): string {
  return source
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//'))
    .join('\n');
}

let cached: AdTagSource | undefined;

/** `/v1/ad.js`: computed once per process, then the same object. */
export function adTagSource(): AdTagSource {
  if (!cached) {
    const body = compactScript(AD_TAG_SCRIPT);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    cached = { body, etag };
  }
  return cached;
}

/**
 * Headers for `/v1/ad.js`. The URL is not versioned, so browsers keep it an
 * hour and revalidate with the ETag after that (a day of stale-while-revalidate
 * keeps page loads from waiting on it); a deploy reaches every page within the hour.
 */
export function adTagHeaders(etag: string): Record<string, string> {
  return {
    'content-type': 'application/javascript; charset=utf-8',
    'cache-control': 'public, max-age=3600, stale-while-revalidate=86400',
    etag,
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'cross-origin',
  };
}
