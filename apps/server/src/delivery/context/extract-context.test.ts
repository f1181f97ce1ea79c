import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryChangeBus } from '@adplatform/adapter-memory';
import { createTestPgliteStore } from '@adplatform/adapter-sql/testing';
import { newId } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLanguageCache, type ExtractDeps, extractContext } from './extract-context.js';
import { createGeoLookup } from './geo-lookup.js';
import { createRequestContextExtractor } from './request-context-extractor.js';
import { tcStringGranting } from './tcf-test-encoder.js';
import { createUserAgentCache } from './user-agent.js';

const deps: ExtractDeps = {
  geo: createGeoLookup(),
  userAgents: createUserAgentCache(100),
  languages: createLanguageCache(100),
  userKeySalt: 'extract-test-salt-0123456789',
};
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('extractContext', () => {
  it('fills every field it can from one request', () => {
    const result = extractContext(
      {
        ip: '81.169.145.105',
        userAgent: IPHONE,
        acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8',
        url: 'https://www.zeitung.example/politik?a=1',
        referrer: 'https://search.example/',
        keywords: ['sport', 'Fußball'],
        keyValues: { section: 'news', tags: ['a', 'b'], empty: [] },
        userKey: 'adp-42',
      },
      deps,
    );
    expect(result).toEqual({
      context: {
        country: 'DE',
        deviceType: 'mobile',
        os: 'ios',
        browser: 'safari',
        languages: ['de', 'en'],
        domain: 'zeitung.example',
        keywords: ['sport', 'Fußball'],
        keyValues: { section: ['news'], tags: ['a', 'b'] },
      },
      userKey: 'adp-42',
      userKeySource: 'explicit',
      isBot: false,
    });
  });

  it('takes the domain from the referrer when the URL is absent or unusable, and leaves out what it cannot know', () => {
    const result = extractContext({ ip: '10.0.0.1', userAgent: '', url: 'not a url', referrer: 'https://blog.example/post' }, deps);
    expect(result.context).toEqual({ deviceType: 'desktop', domain: 'blog.example' });
    expect(result.isBot).toBe(true);
    expect(result.userKeySource).toBe('hashed');
  });

  it('marks a crawler and still gives it a context', () => {
    const result = extractContext(
      { ip: '66.249.66.1', userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      deps,
    );
    expect(result.isBot).toBe(true);
    expect(result.context.country).toBe('US');
  });

  it('gives no user key when consent forbids one', () => {
    expect(extractContext({ ip: '8.8.8.8', userAgent: IPHONE, userKey: 'adp-42', consent: { gdpr: 1 } }, deps).userKey).toBeUndefined();
    expect(
      extractContext(
        { ip: '8.8.8.8', userAgent: IPHONE, userKey: 'adp-42', consent: { gdpr: 1, tcString: tcStringGranting([1, 2]) } },
        deps,
      ).userKey,
    ).toBe('adp-42');
  });

  it('never throws, whatever the strings', () => {
    fc.assert(
      fc.property(
        fc.record({
          ip: fc.oneof(fc.string(), fc.ipV4(), fc.ipV6()),
          userAgent: fc.string(),
          acceptLanguage: fc.option(fc.string(), { nil: undefined }),
          url: fc.option(fc.oneof(fc.string(), fc.webUrl()), { nil: undefined }),
          referrer: fc.option(fc.string(), { nil: undefined }),
          userKey: fc.option(fc.string(), { nil: undefined }),
          consent: fc.option(
            fc.record(
              { gdpr: fc.constantFrom(0 as const, 1 as const), tcString: fc.string(), usPrivacy: fc.string() },
              { requiredKeys: [] },
            ),
            { nil: undefined },
          ),
        }),
        (input) => {
          const result = extractContext(input, deps);
          expect(['desktop', 'mobile', 'tablet', 'ctv']).toContain(result.context.deviceType);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('createRequestContextExtractor', () => {
  it('opens the geo database, keeps a generated salt, and answers segments of the user key from memory', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-context-'));
    const store = await createTestPgliteStore();
    try {
      const org = newId();
      await store.organizations.create({ id: org, name: 'Org', timezone: 'UTC', createdAt: new Date() });
      const sports = await store.resources.segment.create(org, {
        id: newId(),
        parentId: null,
        scopeId: null,
        name: 'Sports',
        status: 'active',
        data: { description: '' },
        createdAt: new Date(),
      });
      await store.segmentMembers.add(org, sports.id, ['adp-42']);
      const first = await createRequestContextExtractor({ store, bus: createMemoryChangeBus(), dataDir });
      const result = first.extract({ ip: '8.8.8.8', userAgent: IPHONE, userKey: 'adp-42' });
      expect(result.context.country).toBe('US');
      expect(first.segmentsFor(org, result.userKey)).toEqual([sports.id]);
      const hashed = first.extract({ ip: '8.8.8.8', userAgent: IPHONE }).userKey;
      await first.close();
      // A restart reads the same salt, so derived keys (and the caps on them) survive it.
      const second = await createRequestContextExtractor({ store, bus: createMemoryChangeBus(), dataDir });
      expect(second.extract({ ip: '8.8.8.8', userAgent: IPHONE }).userKey).toBe(hashed);
      await second.close();
    } finally {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
