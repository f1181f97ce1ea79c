import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageDomain } from './page-domain.js';

describe('pageDomain', () => {
  it.each([
    ['https://www.News.Example/a/b?c=d#e', 'news.example'],
    ['http://news.example', 'news.example'],
    ['HTTPS://Sport.News.Example:8443/x', 'sport.news.example'],
    ['https://user:pw@shop.example/', 'shop.example'],
    ['https://news.example./', 'news.example'],
    ['https://www.co.uk/', 'co.uk'],
    ['https://www.example/', 'www.example'],
    ['https://bücher.example/', 'xn--bcher-kva.example'],
    ['https://evil.example\\@good.example/', 'evil.example'],
    ['https://cdn_edge.example.com/', 'cdn_edge.example.com'],
  ])('%s → %s', (url, domain) => {
    expect(pageDomain(url)).toBe(domain);
  });

  it.each([
    undefined,
    '',
    'news.example',
    '//news.example/',
    'ftp://news.example/',
    'javascript:alert(1)',
    'https://',
    'https://localhost/',
    'https://192.168.1.1/',
    'https://[::1]/',
    'https://-bad-.example/',
    'https://a..b.example/',
    `https://${'a'.repeat(64)}.example/`,
    `https://news.example/${'x'.repeat(9_000)}`,
  ])('gives no domain for %j', (url) => {
    expect(pageDomain(url)).toBeUndefined();
  });

  it('never throws on any string and answers only lowercase host names', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.webUrl({ withQueryParameters: true, withFragments: true })), (url) => {
        const domain = pageDomain(url);
        if (domain !== undefined) expect(domain).toMatch(/^[a-z0-9_.-]+\.[a-z][a-z0-9-]*$/);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with the WHATWG URL parser on the host of any web URL', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: true, authoritySettings: { withUserInfo: true, withPort: true } }),
        (url) => {
          const host = new URL(url).hostname.replace(/\.$/, '');
          const expected = host.startsWith('www.') && host.indexOf('.', 4) > 0 ? host.slice(4) : host;
          const domain = pageDomain(url);
          if (domain !== undefined) expect(domain).toBe(expected);
          else expect(expected).not.toMatch(/^([a-z0-9]([a-z0-9_-]*[a-z0-9])?\.)+[a-z]([a-z0-9-]*[a-z0-9])?$/);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
