import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPublicAddress } from '../src/http/outbound.js';

/** Addresses inside an IPv4 CIDR block: the prefix kept, the host bits random. */
function ipv4In(cidr: string): fc.Arbitrary<string> {
  const [base, bits] = cidr.split('/') as [string, string];
  const start = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return fc.integer({ min: 0, max: size - 1 }).map((offset) => {
    const n = start + offset;
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
  });
}

/** Addresses inside an IPv6 CIDR block (prefix length a multiple of 4 up to /16, or exact ones below). */
function ipv6In(firstHextet: number, prefixBits: number): fc.Arbitrary<string> {
  const hostMask = 0xffff >> prefixBits;
  return fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((parts) => {
    parts[0] = (firstHextet & ~hostMask & 0xffff) | (parts[0]! & hostMask);
    return parts.map((p) => p.toString(16)).join(':');
  });
}

const PRIVATE_V4 = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '0.0.0.0/8',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

describe('isPublicAddress', () => {
  it.each(PRIVATE_V4)('refuses every IPv4 address in %s, also as IPv4-mapped IPv6', (cidr) => {
    fc.assert(
      fc.property(ipv4In(cidr), (address) => {
        expect(isPublicAddress(address)).toBe(false);
        expect(isPublicAddress(`::ffff:${address}`)).toBe(false);
      }),
    );
  });

  it.each([
    ['unique local fc00::/7', 0xfc00, 7],
    ['link-local fe80::/10', 0xfe80, 10],
    ['multicast ff00::/8', 0xff00, 8],
    ['site-local (deprecated) fec0::/10', 0xfec0, 10],
    ['6to4 2002::/16', 0x2002, 16],
  ])('refuses every IPv6 address in %s', (_name, first, bits) => {
    fc.assert(
      fc.property(ipv6In(first, bits), (address) => {
        expect(isPublicAddress(address)).toBe(false);
      }),
    );
  });

  it('refuses IPv6 outside global unicast 2000::/3 (::/3 holds loopback, unspecified, NAT64, IPv4-compatible…)', () => {
    fc.assert(
      fc.property(ipv6In(0x0000, 3), (address) => {
        expect(isPublicAddress(address)).toBe(false);
      }),
    );
  });

  it.each([
    '::1',
    '::',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
    '2001:db8::1',
    '2001::1',
    '255.255.255.255',
    '192.0.2.1',
    '198.18.0.1',
    'fe80::1%eth0',
    'example.com',
    '',
    '1.2.3.4.5',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '11.0.0.1',
    '172.32.0.1',
    '172.15.255.255',
    '192.169.0.1',
    '100.128.0.1',
    '100.63.255.255',
    '169.253.0.1',
    '::ffff:8.8.8.8',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '[2a00:1450:4001:81b::200e]',
  ])('allows the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('assertPublicUrl', () => {
  const noDns = async (): Promise<string[]> => {
    throw new Error('tests never use real DNS');
  };
  const check = (url: string, options: { allowPrivate?: boolean; resolve?: (host: string) => Promise<string[]> } = {}) =>
    assertPublicUrl(url, { allowPrivate: options.allowPrivate ?? false, path: 'body.endpointUrl', resolve: options.resolve ?? noDns });
  const refusal = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string; details?: { issues?: { path: string; message: string }[] } } | undefined;
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(error?.details?.issues?.[0]?.path).toBe('body.endpointUrl');
    return error?.details?.issues?.[0]?.message ?? '';
  };

  it.each([
    'http://127.0.0.1/bid',
    'http://[::1]:8080/bid',
    'http://localhost:3000/',
    'http://bidder.localhost/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://017700000001/',
    'https://10.1.2.3/openrtb',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:192.168.0.1]/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
  ])('refuses %s', async (url) => {
    expect(await refusal(check(url))).toMatch(/must point to a public address/);
  });

  it.each([
    ['ftp://8.8.8.8/', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['not a url', /not a valid URL/],
    ['http://user:secret@8.8.8.8/', /credentials/],
  ])('refuses %s', async (url, message) => {
    expect(await refusal(check(url))).toMatch(message);
  });

  it('resolves host names and refuses one with any non-public address', async () => {
    const resolve = async (host: string) => (host === 'mixed.example' ? ['8.8.8.8', '10.0.0.7'] : ['192.168.1.10']);
    expect(await refusal(check('https://mixed.example/bid', { resolve }))).toMatch(/10\.0\.0\.7/);
    expect(await refusal(check('https://internal.example/bid', { resolve }))).toMatch(/192\.168\.1\.10/);
    expect(await refusal(check('https://nowhere.example/bid'))).toMatch(/does not resolve/);
  });

  it('accepts public literals and names that resolve to public addresses only', async () => {
    await expect(check('https://8.8.8.8/bid')).resolves.toMatchObject({ addresses: ['8.8.8.8'] });
    await expect(check('https://[2606:4700:4700::1111]/bid')).resolves.toMatchObject({ addresses: ['2606:4700:4700::1111'] });
    const resolve = async () => ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'];
    await expect(check('https://bidder.example/openrtb2', { resolve })).resolves.toMatchObject({ url: expect.any(URL) });
  });

  it('lets an operator allow private targets, but still only over http(s)', async () => {
    await expect(check('http://127.0.0.1:9000/bid', { allowPrivate: true })).resolves.toBeDefined();
    await expect(check('http://localhost/bid', { allowPrivate: true })).resolves.toBeDefined();
    expect(await refusal(check('gopher://127.0.0.1/', { allowPrivate: true }))).toMatch(/http or https/);
  });
});
