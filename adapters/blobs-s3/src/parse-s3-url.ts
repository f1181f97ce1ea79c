import type { S3BlobStoreOptions } from './s3-blob-store.js';

const PARAMS = new Set(['region', 'tls', 'forcePathStyle']);

/**
 * Reads `S3_URL`: `s3://ACCESS_KEY:SECRET@host:port/bucket[/prefix/]?region=…&tls=false`
 * (https unless `tls=false`), or `http(s)://ACCESS_KEY:SECRET@host:port/bucket…` whose scheme
 * is the endpoint's. Path-style addressing unless `forcePathStyle=false`; the region defaults
 * to us-east-1, which MinIO and most S3-compatible servers accept. Credentials are
 * percent-decoded, so a secret with `/` or `+` is written `%2F`, `%2B`. Errors name S3_URL
 * and never repeat the URL, which holds the secret.
 */
export function parseS3Url(text: string): S3BlobStoreOptions {
  const fail = (problem: string): never => {
    throw new TypeError(`S3_URL ${problem}`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('is not a URL (expected s3://ACCESS_KEY:SECRET@host:port/bucket?region=…)');
  }
  if (!['s3:', 'http:', 'https:'].includes(url.protocol)) fail(`must start with s3://, http:// or https://, not ${url.protocol}//`);
  if (!url.host) fail('names no host');
  for (const name of url.searchParams.keys()) {
    if (!PARAMS.has(name)) fail(`has an unknown parameter "${name}" (known: ${[...PARAMS].join(', ')})`);
  }
  const [bucket = '', ...rest] = url.pathname.replace(/^\//, '').split('/');
  if (!bucket) fail('names no bucket: put it in the path, s3://ACCESS_KEY:SECRET@host:port/bucket');
  if (!url.username || !url.password) fail('has no credentials: write them as s3://ACCESS_KEY:SECRET@host:port/bucket');
  const prefix = rest.join('/');
  if (url.protocol !== 's3:' && url.searchParams.has('tls')) fail('takes tls only with s3://; with http(s):// the scheme says it');
  const tls = flag(url, 'tls', true, fail);
  const scheme = url.protocol === 's3:' ? (tls ? 'https' : 'http') : url.protocol.slice(0, -1);
  return {
    endpoint: `${scheme}://${url.host}`,
    region: url.searchParams.get('region') || 'us-east-1',
    bucket: decode(bucket, 'bucket', fail),
    accessKeyId: decode(url.username, 'access key', fail),
    secretAccessKey: decode(url.password, 'secret', fail),
    forcePathStyle: flag(url, 'forcePathStyle', true, fail),
    // A prefix is a folder: `bucket/assets` and `bucket/assets/` both store `assets/<key>`.
    ...(prefix ? { prefix: decode(prefix.replace(/\/?$/, '/'), 'prefix', fail) } : {}),
  };
}

function flag(url: URL, name: string, fallback: boolean, fail: (problem: string) => never): boolean {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fail(`parameter ${name} must be true or false`);
}

function decode(part: string, what: string, fail: (problem: string) => never): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(`has a malformed percent-encoding in its ${what}`);
  }
}
