import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Compares two strings in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The CSRF token of a session, derived from its secret cookie token: the
 * dashboard gets it at sign-in and echoes it in `X-CSRF-Token`; a page on
 * another site can read neither the cookie nor the token.
 */
export const csrfTokenFor = (sessionToken: string): string => createHmac('sha256', sessionToken).update('csrf').digest('base64url');

/**
 * API keys look like `adp_<12 hex>.<43 base64url>`: the first 16 characters are a
 * public prefix (stored, shown in lists, used for lookup); the whole key is
 * stored only as its sha256 (it has 256 bits of entropy, so a slow hash adds nothing).
 */
export const API_KEY_PREFIX_LENGTH = 16;

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = `adp_${randomBytes(6).toString('hex')}`;
  return { key: `${prefix}.${randomToken(32)}`, prefix };
}

export function apiKeyPrefixOf(key: string): string | undefined {
  return /^adp_[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/.test(key) ? key.slice(0, API_KEY_PREFIX_LENGTH) : undefined;
}
