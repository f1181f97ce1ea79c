import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tcStringGranting } from './tcf-test-encoder.js';
import { consentDenial, HASHED_USER_KEY_PREFIX, resolveUserKey, USER_KEY_MAX_CHARS } from './user-key.js';

const SALT = 'test-salt-0123456789abcdef';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const base = { ip: '203.0.113.7', userAgent: UA };

describe('resolveUserKey', () => {
  it('uses the explicit first-party key when there is one', () => {
    expect(resolveUserKey({ ...base, userKey: 'adp-1234' }, SALT)).toEqual({ userKey: 'adp-1234', source: 'explicit' });
  });

  it('derives a stable salted key from IP and user agent when there is none', () => {
    const a = resolveUserKey(base, SALT);
    expect(a).toMatchObject({ source: 'hashed' });
    expect(a.userKey).toMatch(/^h:[A-Za-z0-9_-]{22}$/);
    expect(resolveUserKey(base, SALT)).toEqual(a);
    expect(resolveUserKey({ ...base, ip: '203.0.113.8' }, SALT).userKey).not.toBe(a.userKey);
    expect(resolveUserKey({ ...base, userAgent: `${UA} ` }, SALT).userKey).not.toBe(a.userKey);
    expect(resolveUserKey(base, 'another-salt').userKey).not.toBe(a.userKey);
  });

  it('never reveals the IP or user agent in the derived key', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.string(), (ip, userAgent) => {
        const key = resolveUserKey({ ip, userAgent }, SALT).userKey as string;
        expect(key.startsWith(HASHED_USER_KEY_PREFIX)).toBe(true);
        expect(key).toHaveLength(24);
        expect(key).not.toContain(ip);
      }),
    );
  });

  it('ignores an invalid explicit key (the route answers 400 before) and falls back to the derived key', () => {
    expect(resolveUserKey({ ...base, userKey: '' }, SALT).source).toBe('hashed');
    expect(resolveUserKey({ ...base, userKey: 'x'.repeat(USER_KEY_MAX_CHARS + 1) }, SALT).source).toBe('hashed');
    expect(resolveUserKey({ ...base, userKey: 'a\u0000b' }, SALT).source).toBe('hashed');
  });

  it('has no key without an IP to derive it from', () => {
    expect(resolveUserKey({ ip: '', userAgent: UA }, SALT)).toEqual({ userKey: undefined, source: 'none' });
  });

  it('gives no key at all, explicit or derived, when consent forbids it', () => {
    for (const userKey of [undefined, 'adp-1234']) {
      expect(resolveUserKey({ ...base, userKey, consent: { coppa: 1 } }, SALT)).toEqual({
        userKey: undefined,
        source: 'none',
        denied: 'coppa',
      });
      expect(resolveUserKey({ ...base, userKey, consent: { gdpr: 1 } }, SALT)).toMatchObject({
        source: 'none',
        denied: 'gdpr-no-storage-consent',
      });
      expect(resolveUserKey({ ...base, userKey, consent: { usPrivacy: '1YYN' } }, SALT)).toMatchObject({
        source: 'none',
        denied: 'us-privacy-opt-out',
      });
    }
  });
});

describe('consentDenial', () => {
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ gdpr: 0 as const }, undefined],
    [{ gdpr: 0 as const, tcString: 'garbage' }, undefined],
    [{ gdpr: 1 as const }, 'gdpr-no-storage-consent'],
    [{ gdpr: 1 as const, tcString: 'garbage' }, 'gdpr-no-storage-consent'],
    [{ gdpr: 1 as const, tcString: tcStringGranting([2, 3, 4, 7]) }, 'gdpr-no-storage-consent'],
    [{ gdpr: 1 as const, tcString: tcStringGranting([1]) }, undefined],
    [{ gdpr: 1 as const, tcString: tcStringGranting([1, 2, 3, 4, 7]) }, undefined],
    [{ usPrivacy: '1YNN' }, undefined],
    [{ usPrivacy: '1---' }, undefined],
    [{ usPrivacy: '1NYN' }, 'us-privacy-opt-out'],
    [{ usPrivacy: '1nyn' }, 'us-privacy-opt-out'],
    [{ usPrivacy: 'YY' }, undefined],
    [{ coppa: 1 as const, gdpr: 1 as const, tcString: tcStringGranting([1]) }, 'coppa'],
    [{ coppa: 0 as const }, undefined],
    [{ gpp: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' }, undefined],
  ])('%j → %s', (consent, denial) => {
    expect(consentDenial(consent)).toBe(denial);
  });
});

describe('resolveUserKey with a cache of derived keys', () => {
  it('answers the same keys as without it, for any IPs and user agents', async () => {
    const { RecentCache } = await import('./recent-cache.js');
    const cache = new RecentCache<string, string>(4);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('1.2.3.4', '5.6.7.8', '::1'), fc.constantFrom('a', 'b', '')), { maxLength: 30 }),
        (requests) => {
          for (const [ip, userAgent] of requests) {
            expect(resolveUserKey({ ip, userAgent }, SALT, cache)).toEqual(resolveUserKey({ ip, userAgent }, SALT));
          }
        },
      ),
    );
  });
});
