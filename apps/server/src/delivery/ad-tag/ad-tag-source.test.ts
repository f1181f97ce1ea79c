import { Script } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AD_TAG_SCRIPT } from './ad-tag.script.js';
import { adTagHeaders, adTagSource, compactScript } from './ad-tag-source.js';
import { renderTestPage } from './ad-tag-test-page.js';

describe('adTagSource', () => {
  it('is a syntactically valid classic script once compacted', () => {
    const { body } = adTagSource();
    expect(() => new Script(body, { filename: 'ad.js' })).not.toThrow();
    expect(body).not.toMatch(/^\s*\/\//m);
  });

  it('stays small: under 6.5 KB as served, under 3 KB gzipped', () => {
    const { body } = adTagSource();
    expect(Buffer.byteLength(body)).toBeLessThan(6.5 * 1024);
    expect(gzipSync(body).byteLength).toBeLessThan(3 * 1024);
    expect(body.length).toBeLessThan(AD_TAG_SCRIPT.length);
  });

  it('keeps to ES2017: no optional chaining, nullish coalescing, classes or modules', () => {
    const { body } = adTagSource();
    expect(body).not.toMatch(/\?\.|\?\?|=>|\bclass\b|\bimport\b|\bexport\b|\blet\b|\bconst\b|`/);
  });

  it('has a stable strong ETag and returns the same object every call', () => {
    const first = adTagSource();
    expect(adTagSource()).toBe(first);
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(adTagHeaders(first.etag)).toMatchObject({ etag: first.etag, 'content-type': 'application/javascript; charset=utf-8' });
  });

  it('compaction drops comment lines and indentation but keeps code and strings', () => {
    expect(compactScript("  // note\n  var a = '// not a comment';\n\n    call(a);\n")).toBe("var a = '// not a comment';\ncall(a);");
  });

  it('runs in a page without crashing, and sends nothing when there is no slot', () => {
    const sent: unknown[] = [];
    const documentStub = {
      currentScript: { src: 'https://ads.example.com/v1/ad.js' },
      readyState: 'complete',
      querySelectorAll: () => [],
      querySelector: () => null,
      addEventListener: () => {},
      documentElement: {},
    };
    const windowStub: Record<string, unknown> = { document: documentStub, location: { href: 'https://pub.example/' } };
    const timers: (() => void)[] = [];
    const context = {
      window: windowStub,
      document: documentStub,
      location: windowStub.location,
      URL,
      fetch: (...args: unknown[]) => sent.push(args),
      setTimeout: (fn: () => void) => timers.push(fn),
    };
    new Script(adTagSource().body).runInNewContext(context);
    for (const fn of timers) fn();
    expect(sent).toEqual([]);
    expect(windowStub.adplatform).toMatchObject({ version: 1 });
  });
});

describe('renderTestPage', () => {
  it('writes one div per slot and the async tag, escaping everything', () => {
    const page = renderTestPage({
      scriptUrl: 'https://ads.example.com/v1/ad.js',
      placements: [{ divName: 'top"><b>', placementId: 'p1', attributes: { 'data-keywords': 'a,b', 'on"x': 'y' } }, { placementId: 'p2' }],
    });
    expect(page).toContain(
      '<div id="top&quot;&gt;&lt;b&gt;" data-placement="p1" data-keywords="a,b"></div><div data-placement="p2"></div>',
    );
    expect(page).toContain('<script async src="https://ads.example.com/v1/ad.js"></script>');
  });
});
