import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createUserAgentCache, parseUserAgent, USER_AGENT_MAX_CHARS } from './user-agent.js';

// Shared fixtures, read in place (see /work/shared/fixtures/SOURCES.md).
const FIXTURES = new URL('../../../../../../shared/fixtures/', import.meta.url);
const readFixture = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');
const topUserAgents: string[] = JSON.parse(readFixture('top-user-agents/src/index.json'));
const mobileUserAgents: string[] = JSON.parse(readFixture('top-user-agents/src/mobile.json'));
const desktopUserAgents: string[] = JSON.parse(readFixture('top-user-agents/src/desktop.json'));

/** uap-core's test cases: a user agent and the browser family uap-core's own parser names. */
const uapCases = [
  ...readFixture('uap-core/tests/test_ua.yaml').matchAll(/user_agent_string: '((?:[^']|'')*)'\n\s+family: '((?:[^']|'')*)'/g),
].map((m) => ({ userAgent: (m[1] as string).replace(/''/g, "'"), family: (m[2] as string).replace(/''/g, "'") }));

/** uap-core family → the canonical name targeting lists use. */
const EXPECTED_BROWSER: Record<string, string> = {
  Chrome: 'chrome',
  'Chrome Mobile': 'chrome',
  'Chrome Mobile iOS': 'chrome',
  Firefox: 'firefox',
  'Firefox Mobile': 'firefox',
  'Firefox iOS': 'firefox',
  Safari: 'safari',
  'Mobile Safari': 'safari',
  Edge: 'edge',
  'Edge Mobile': 'edge',
  Opera: 'opera',
  'Opera Mini': 'opera',
  'Opera Mobile': 'opera',
  IE: 'ie',
  'IE Mobile': 'ie',
  'Samsung Internet': 'samsung internet',
  'Yandex Browser': 'yandex',
};

describe('parseUserAgent', () => {
  it('reads the common desktop, phone and tablet user agents', () => {
    expect(
      parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'),
    ).toEqual({ deviceType: 'desktop', os: 'windows', browser: 'chrome', isBot: false });
    expect(
      parseUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toEqual({ deviceType: 'mobile', os: 'ios', browser: 'safari', isBot: false });
    expect(
      parseUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      ),
    ).toMatchObject({ deviceType: 'desktop', os: 'macos', browser: 'safari' });
    expect(
      parseUserAgent(
        'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      ),
    ).toMatchObject({ deviceType: 'tablet', os: 'ios', browser: 'safari' });
    expect(parseUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toMatchObject({
      deviceType: 'desktop',
      os: 'linux',
      browser: 'firefox',
    });
  });

  it('marks smart TVs and consoles as ctv', () => {
    expect(
      parseUserAgent(
        'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
      ).deviceType,
    ).toBe('ctv');
    expect(parseUserAgent('Mozilla/5.0 (PlayStation 5 3.20) AppleWebKit/605.1.15 (KHTML, like Gecko)').deviceType).toBe('ctv');
    expect(
      parseUserAgent('Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36')
        .deviceType,
    ).toBe('ctv');
  });

  it('classifies the top real user agents with their list: every mobile.json one is a phone or tablet, every desktop.json one a desktop', () => {
    for (const ua of mobileUserAgents) expect(['mobile', 'tablet'], ua).toContain(parseUserAgent(ua).deviceType);
    for (const ua of desktopUserAgents) expect(parseUserAgent(ua).deviceType, ua).toBe('desktop');
  });

  it('names an operating system for every one of the 100 most common user agents, in lowercase', () => {
    for (const ua of topUserAgents) {
      const { os, browser, isBot } = parseUserAgent(ua);
      expect(['windows', 'macos', 'linux', 'chromeos', 'android', 'ios'], ua).toContain(os);
      if (browser !== undefined) expect(browser).toBe(browser.toLowerCase());
      expect(isBot, ua).toBe(false);
    }
  });

  it('agrees with uap-core on the browser of every browser user agent of the major families', () => {
    // uap-core also labels CFNetwork app requests `Safari`; those are not page views, so only browser-shaped ones count.
    const cases = uapCases.filter((c) => c.family in EXPECTED_BROWSER && /^(Mozilla|Opera)\//.test(c.userAgent));
    expect(cases.length).toBeGreaterThan(80);
    for (const c of cases) expect(parseUserAgent(c.userAgent).browser, c.userAgent).toBe(EXPECTED_BROWSER[c.family]);
  });

  it('never throws and always answers a device type, on any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (ua) => {
        expect(['desktop', 'mobile', 'tablet', 'ctv']).toContain(parseUserAgent(ua).deviceType);
      }),
      { numRuns: 500 },
    );
  });
});

describe('createUserAgentCache', () => {
  it('answers the same facts as a fresh parse, and the same object on a hit', () => {
    const cache = createUserAgentCache(1_000);
    for (const ua of topUserAgents) expect(cache.parse(ua)).toEqual(parseUserAgent(ua));
    const ua = topUserAgents[0] as string;
    expect(cache.parse(ua)).toBe(cache.parse(ua));
    expect(cache.size).toBe(new Set(topUserAgents).size);
  });

  it('stays within its bound and keeps what was used recently', () => {
    const cache = createUserAgentCache(10);
    const first = cache.parse(topUserAgents[0] as string);
    for (const ua of topUserAgents.slice(1, 40)) {
      cache.parse(ua);
      expect(cache.size).toBeLessThanOrEqual(10);
      if (topUserAgents.indexOf(ua) % 4 === 0) expect(cache.parse(topUserAgents[0] as string)).toBe(first); // used again: kept
    }
    const fresh = createUserAgentCache(10);
    const dropped = fresh.parse(topUserAgents[0] as string);
    for (const ua of topUserAgents.slice(1, 40)) fresh.parse(ua);
    expect(fresh.parse(topUserAgents[0] as string)).not.toBe(dropped); // not used for 39 others: parsed again
    expect(fresh.parse(topUserAgents[0] as string)).toEqual(dropped);
  });

  it('keys a very long user agent by its first 512 characters', () => {
    const cache = createUserAgentCache(10);
    const base = `${topUserAgents[0]}${' x'.repeat(USER_AGENT_MAX_CHARS)}`;
    const a = cache.parse(`${base}a`);
    expect(cache.parse(`${base}b`)).toBe(a);
    expect(cache.size).toBe(1);
  });
});
