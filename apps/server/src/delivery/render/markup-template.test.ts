import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLICK_MACROS, renderAdMarkup } from './ad-markup.js';
import { compileMarkupTemplate, fillMarkupTemplate, renderAdMarkupCached } from './markup-template.js';
import type { RenderCreative } from './render-types.js';

const text = fc.string({ maxLength: 40 });
/** Stored html: random text around the two click macros, in any number and order. */
const storedHtml = fc
  .array(fc.oneof(text, fc.constant(CLICK_MACROS.raw), fc.constant(CLICK_MACROS.encoded), fc.constant('"&<>\'`')), { maxLength: 8 })
  .map((parts) => parts.join(''));
const url = fc.oneof(fc.webUrl(), text, fc.constant('/assets/a b.png'), fc.constant('javascript:alert(1)'));
const asset = (u: string) => ({ url: u, contentType: 'image/png', bytes: 1, width: 300, height: 250 });
const trackers = fc.array(url, { maxLength: 2 });

const creativeArb: fc.Arbitrary<RenderCreative> = fc.oneof(
  fc.record({ format: fc.constant('html' as const), html: storedHtml, impressionTrackers: trackers }),
  fc.record({
    format: fc.constant('image' as const),
    assets: fc.record({ original: url.map(asset), webp: url.map(asset) }),
    name: text,
    width: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined }),
    impressionTrackers: trackers,
  }),
  fc.record({
    format: fc.constant('native' as const),
    native: fc.record({ title: text, sponsor: text, imageUrl: url, iconUrl: fc.option(url, { nil: undefined }), callToAction: text }),
    impressionTrackers: trackers,
  }),
  fc.record({
    format: fc.constant('video' as const),
    video: fc.record({
      durationSeconds: fc.constant(15),
      mediaFiles: fc.array(fc.record({ url, mimeType: fc.constant('video/mp4'), width: fc.constant(640), height: fc.constant(360) }), {
        minLength: 1,
        maxLength: 1,
      }),
    }),
    impressionTrackers: trackers,
  }),
);
/** Click URLs as the decision builds them (origin + base64url token) and hostile ones. */
const clickUrl = fc.oneof(
  fc
    .tuple(fc.constantFrom('https://ads.example.com', 'http://127.0.0.1:8080', 'https://a"b.example'), fc.base64String())
    .map(([origin, token]) => `${origin}/t/click?t=${token.replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '.')}`),
  url,
  fc.constant('https://ads.example.com/t/click?d=1&sig=2'),
);
const origin = fc.constantFrom('https://ads.example.com', 'https://ads.example.com/', 'http://127.0.0.1:8080');

describe('markup templates', () => {
  it('fill to exactly what renderAdMarkup writes, for any creative, click URL and origin', () => {
    fc.assert(
      fc.property(creativeArb, clickUrl, origin, (creative, click, base) => {
        const urls = { clickUrl: click, impressionUrl: '', assetBaseUrl: base };
        const expected = renderAdMarkup(creative, urls);
        const template = compileMarkupTemplate(creative, base);
        const filled = template && fillMarkupTemplate(template, click);
        if (filled !== undefined) expect(filled).toBe(expected);
        // The cached path falls back to rendering when the template cannot be filled.
        expect(renderAdMarkupCached({}, () => creative, urls)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('are reused per creative object and origin, and still match', () => {
    const creative: RenderCreative = { format: 'html', html: `<a href="${CLICK_MACROS.raw}">x</a>`, impressionTrackers: [] };
    const key = {};
    let compiled = 0;
    const get = () => {
      compiled++;
      return creative;
    };
    for (const token of ['a', 'b', 'c']) {
      const urls = { clickUrl: `https://ads.example.com/t/click?t=${token}`, impressionUrl: '', assetBaseUrl: 'https://ads.example.com' };
      expect(renderAdMarkupCached(key, get, urls)).toBe(`<a href="https://ads.example.com/t/click?t=${token}">x</a>`);
    }
    expect(compiled).toBe(1);
  });

  it('is not made for a creative that holds the template sentinel, which still renders right', () => {
    const creative: RenderCreative = {
      format: 'html',
      html: `https://adp-click-hole-5e1f0c.invalid/c ${CLICK_MACROS.raw}`,
      impressionTrackers: [],
    };
    expect(compileMarkupTemplate(creative, 'https://ads.example.com')).toBeUndefined();
    const urls = { clickUrl: 'https://ads.example.com/t/click?t=x', impressionUrl: '', assetBaseUrl: 'https://ads.example.com' };
    expect(renderAdMarkupCached({}, () => creative, urls)).toBe(renderAdMarkup(creative, urls));
  });
});
