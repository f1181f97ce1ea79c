import { createHmac } from 'node:crypto';
import { userKeyProblem } from '../../modules/segments/user-keys.js';
import type { RecentCache } from './recent-cache.js';
import { tcfGrantsStorage } from './tcf-consent.js';

export { USER_KEY_MAX_CHARS, userKeyProblem } from '../../modules/segments/user-keys.js';

/** The privacy signals of an ad request (OpenRTB `regs` / `user.ext` names). */
export interface ConsentSignals {
  /** 1 when the request is subject to the GDPR. */
  gdpr?: 0 | 1 | undefined;
  /** The IAB TCF v2 TC string. */
  tcString?: string | undefined;
  /** The IAB US Privacy (CCPA) string, e.g. `1YNN`. */
  usPrivacy?: string | undefined;
  /** The IAB Global Privacy Platform string; carried, not decoded yet. */
  gpp?: string | undefined;
  /** 1 when the content is directed at children (COPPA). */
  coppa?: 0 | 1 | undefined;
}

export interface UserKeyInput {
  /** The first-party id the ad tag or the caller sends as `user.key`. */
  userKey?: string | undefined;
  ip: string;
  userAgent: string;
  consent?: ConsentSignals | undefined;
}

export type UserKeyDenial = 'coppa' | 'gdpr-no-storage-consent' | 'us-privacy-opt-out';

export type ResolvedUserKey =
  | { userKey: string; source: 'explicit' | 'hashed' }
  | { userKey: undefined; source: 'none'; denied?: UserKeyDenial };

/** Prefix of derived keys, so they are recognisable in data and in explanations. */
export const HASHED_USER_KEY_PREFIX = 'h:';
/** 128 bits of the HMAC: plenty against collisions among a platform's users, half the memory of the full tag. */
const HASH_BYTES = 16;

const US_PRIVACY = /^1[YNyn-][YNyn-][YNyn-]$/;

/**
 * Why the signals forbid keying this user, or undefined when they allow it:
 * - COPPA (`coppa` 1): never.
 * - GDPR (`gdpr` 1): only with a well-formed TCF v2 string whose purpose 1
 *   (store/access information on a device) has consent; absent or malformed → no.
 * - US Privacy: not when its third character (opt-out of sale) is `Y`; a
 *   malformed string is ignored.
 * GPP is not decoded yet: it neither grants nor denies on its own.
 */
export function consentDenial(consent: ConsentSignals | undefined): UserKeyDenial | undefined {
  if (consent === undefined) return undefined;
  if (consent.coppa === 1) return 'coppa';
  if (consent.gdpr === 1 && !tcfGrantsStorage(consent.tcString)) return 'gdpr-no-storage-consent';
  const usPrivacy = consent.usPrivacy;
  if (usPrivacy !== undefined && US_PRIVACY.test(usPrivacy) && (usPrivacy[2] === 'Y' || usPrivacy[2] === 'y')) {
    return 'us-privacy-opt-out';
  }
  return undefined;
}

/**
 * The key frequency caps and segments use for this request. The consent rules
 * of `consentDenial` apply to both kinds of key: a first-party id is
 * personal data too, so a denied request gets no key at all (caps then do not
 * apply to it, and segment targeting does not match it). Allowed: the
 * explicit key when it is valid (the route refuses an invalid one with a 400
 * via `userKeyProblem` before calling this; here an invalid one is ignored),
 * else `h:` + base64url(HMAC-SHA256(salt, ip + "\n" + userAgent))[128 bits]
 * when there is an IP. The salt is a server secret, so the key cannot be
 * recomputed from a log of IPs and user agents elsewhere. `derived` caches
 * derived keys by IP and user agent (in memory only; bound it).
 */
export function resolveUserKey(input: UserKeyInput, salt: string | Uint8Array, derived?: RecentCache<string, string>): ResolvedUserKey {
  const denied = consentDenial(input.consent);
  if (denied !== undefined) return { userKey: undefined, source: 'none', denied };
  if (input.userKey !== undefined && userKeyProblem(input.userKey) === undefined) {
    return { userKey: input.userKey, source: 'explicit' };
  }
  if (input.ip.length === 0) return { userKey: undefined, source: 'none' };
  // An HMAC costs 3-6 µs, the largest part of an extraction; the same visitor asks for several ads in a row.
  const material = `${input.ip}\n${input.userAgent}`;
  let userKey = derived?.get(material);
  if (userKey === undefined) {
    const digest = createHmac('sha256', salt).update(material).digest();
    userKey = HASHED_USER_KEY_PREFIX + digest.subarray(0, HASH_BYTES).toString('base64url');
    derived?.set(material, userKey);
  }
  return { userKey, source: 'hashed' };
}
