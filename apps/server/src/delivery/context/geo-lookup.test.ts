import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGeoLookup, parseIpv4 } from './geo-lookup.js';

const geo = createGeoLookup();

describe('createGeoLookup (ip-location-db geo-whois-asn-country)', () => {
  // Public resolvers and registries whose country the shipped database was checked for (2026-06-17 build).
  it.each([
    ['8.8.8.8', 'US'], // Google Public DNS
    ['9.9.9.9', 'US'], // Quad9
    ['193.0.6.139', 'NL'], // RIPE NCC, Amsterdam
    ['212.58.244.22', 'GB'], // BBC
    ['81.169.145.105', 'DE'], // Strato, Berlin
    ['80.67.169.12', 'FR'], // FDN resolver
    ['130.59.31.248', 'CH'], // SWITCH
    ['2001:67c:2e8:22::c100:68b', 'NL'], // RIPE NCC over IPv6
    ['2001:4860:4860::8888', 'US'], // Google Public DNS over IPv6
  ])('%s is in %s', (ip, country) => {
    expect(geo.country(ip)).toBe(country);
  });

  it('looks up IPv4-mapped IPv6 as its IPv4, in dotted and hex form, and bracketed IPv6', () => {
    expect(geo.country('::ffff:8.8.8.8')).toBe('US');
    expect(geo.country('::ffff:808:808')).toBe('US');
    expect(geo.country('[2001:4860:4860::8888]')).toBe('US');
  });

  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '127.0.0.1',
    '100.64.0.1',
    '169.254.1.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    'fe80::1',
    'fd00::1',
    '::',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
  ])('gives no country for the private or special address %s', (ip) => {
    expect(geo.country(ip)).toBeUndefined();
  });

  it.each(['', 'garbage', '8.8.8', '8.8.8.8.8', '256.1.1.1', '8.8.8.8 ', '1..1.1', 'x'.repeat(10_000)])(
    'gives no country for the malformed %j',
    (ip) => {
      expect(geo.country(ip)).toBeUndefined();
    },
  );

  it('never throws and answers only uppercase ISO 3166-1 alpha-2 codes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (ip) => {
        const country = geo.country(ip);
        expect(country === undefined || /^[A-Z]{2}$/.test(country)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('fails at start on a path that is not a database', () => {
    expect(() => createGeoLookup({ dbPath: '/nonexistent/geo.mmdb' })).toThrow();
  });
});

describe('parseIpv4', () => {
  it('agrees with a reference parse on every dotted quad', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), (octets) => {
        const expected = ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
        expect(parseIpv4(octets.join('.'))).toBe(expected);
      }),
    );
  });

  it('refuses anything else', () => {
    for (const text of ['', '1.2.3', '1.2.3.4.', '.1.2.3', '1.2.3.256', '1.2.3.4/8', '::1', 'a.b.c.d']) {
      expect(parseIpv4(text)).toBeUndefined();
    }
  });
});

describe('the IPv6 prefix fast path', () => {
  it('agrees with the full special-range check (ipaddr.js) on whether an address may have a country', async () => {
    const { isPublicAddress } = await import('../../http/outbound.js');
    const special = ['2001:db8::1', '2001::1', '2001:2::1', '2001:10::1', '2002:c000:204::1', '3fff::1', '::', '::1', 'fc00::1', 'ff02::1'];
    for (const ip of special) expect(geo.country(ip), ip).toBeUndefined();
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        if (geo.country(ip) !== undefined) expect(isPublicAddress(ip), ip).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});
