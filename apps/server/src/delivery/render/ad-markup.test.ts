import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLICK_MACROS, renderAdMarkup, substituteClickMacros } from './ad-markup.js';
import type { AdUrls, RenderCreative } from './render-types.js';

const urls: AdUrls = {
  clickUrl: 'https://ads.example.com/t/click?d=dec1&sig=abc',
  impressionUrl: 'https://ads.example.com/t/imp?d=dec1&sig=def',
  assetBaseUrl: 'https://ads.example.com/',
};
const asset = (url: string, contentType: string) => ({ url, contentType, bytes: 1000, width: 300, height: 250 });
const image: RenderCreative = {
  format: 'image',
  impressionTrackers: ['https://tracker.example/p?x=1&y=2'],
  assets: { original: asset('/assets/abc.png', 'image/png'), webp: asset('/assets/abc.webp', 'image/webp') },
  name: 'Spring "sale" <50%>',
};
const native: RenderCreative = {
  format: 'native',
  impressionTrackers: [],
  native: {
    title: 'Fresh bread',
    description: 'Baked daily',
    imageUrl: 'https://cdn.example/bread.jpg',
    iconUrl: 'https://cdn.example/logo.png',
    callToAction: 'Order now',
    sponsor: 'The Bakery',
  },
};
const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>';

describe('renderAdMarkup: image', () => {
  it('links the picture to the click URL, prefers WebP and falls back to the original at its size', () => {
    const html = renderAdMarkup(image, urls);
    expect(html).toContain('<a href="https://ads.example.com/t/click?d=dec1&amp;sig=abc" target="_blank" rel="noopener">');
    expect(html).toContain('<source srcset="https://ads.example.com/assets/abc.webp" type="image/webp">');
    expect(html).toContain('<img src="https://ads.example.com/assets/abc.png" width="300" height="250"');
    expect(html.indexOf('<source')).toBeLessThan(html.indexOf('<img'));
  });

  it('escapes the alt text and appends the third-party trackers as pixels, but not our impression URL', () => {
    const html = renderAdMarkup(image, urls);
    expect(html).toContain('alt="Spring &quot;sale&quot; &lt;50%&gt;"');
    expect(html).toContain('<img src="https://tracker.example/p?x=1&amp;y=2" width="1" height="1"');
    expect(html).not.toContain('t/imp');
  });

  it('renders nothing for an image creative without assets', () => {
    expect(renderAdMarkup({ format: 'image', impressionTrackers: [] }, urls)).toBe('');
  });
});

describe('renderAdMarkup: html creatives', () => {
  it('substitutes both click macros everywhere, and leaves the rest of the markup as stored', () => {
    const stored = `<a href="${CLICK_MACROS.raw}"><b>Hi</b></a><script>var c='${CLICK_MACROS.raw}';var r='https://r.example/?to=${CLICK_MACROS.encoded}'</script>`;
    const html = renderAdMarkup({ format: 'html', impressionTrackers: [], html: stored }, urls);
    expect(html).toBe(
      '<a href="https://ads.example.com/t/click?d=dec1&sig=abc"><b>Hi</b></a>' +
        "<script>var c='https://ads.example.com/t/click?d=dec1&sig=abc';" +
        "var r='https://r.example/?to=https%3A%2F%2Fads.example.com%2Ft%2Fclick%3Fd%3Ddec1%26sig%3Dabc'</script>",
    );
  });

  it('never lets a click URL break out of the context the macro sits in', () => {
    fc.assert(
      fc.property(fc.string(), (junk) => {
        const out = substituteClickMacros(`"${CLICK_MACROS.raw}"|${CLICK_MACROS.encoded}`, `https://x.example/c?q=${junk}`);
        const [quoted = '', encoded = ''] = out.split('|');
        expect(quoted.slice(1, -1)).not.toMatch(/["'<>`\\\s]/);
        expect(encoded).toMatch(/^[A-Za-z0-9%._~!*()-]*$/);
      }),
    );
  });

  it('a non-http click URL becomes about:blank', () => {
    expect(substituteClickMacros(`<a href="${CLICK_MACROS.raw}">`, 'javascript:alert(1)')).toBe('<a href="about:blank">');
  });
});

describe('renderAdMarkup: native template', () => {
  it('shows image, sponsor, title, description and call to action inside one link', () => {
    const html = renderAdMarkup(native, urls);
    const link = html.indexOf('<a class="adp-n" href="https://ads.example.com/t/click?d=dec1&amp;sig=abc"');
    expect(link).toBeGreaterThan(0);
    for (const text of ['Sponsored by The Bakery', '>Fresh bread<', '>Baked daily<', '>Order now<']) expect(html).toContain(text);
    expect(html).toContain('src="https://cdn.example/bread.jpg"');
    expect(html).toContain('src="https://cdn.example/logo.png"');
    expect(html.endsWith('</span></a>')).toBe(true);
  });

  it('escapes hostile text in every field', () => {
    const hostile = { title: HOSTILE, description: HOSTILE, callToAction: HOSTILE, sponsor: HOSTILE, imageUrl: `https://x/${HOSTILE}` };
    const html = renderAdMarkup({ ...native, native: hostile }, urls);
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/<img src=x/);
    expect(html).not.toContain('onerror=alert(2)>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('any title keeps the markup to the tags the template writes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (title, sponsor) => {
        const html = renderAdMarkup({ ...native, native: { ...native.native!, title: title || 't', sponsor: sponsor || 's' } }, urls);
        const tags = [...html.matchAll(/<([a-z]+)/g)].map((m) => m[1]);
        expect(tags).toEqual(['style', 'a', 'img', 'span', 'span', 'img', 'strong', 'span', 'span']);
      }),
    );
  });
});

describe('renderAdMarkup: video', () => {
  it('plays the first media file muted, with a link to the landing page', () => {
    const video: RenderCreative = {
      format: 'video',
      impressionTrackers: [],
      video: { durationSeconds: 15, mediaFiles: [{ url: 'https://cdn.example/v.mp4', mimeType: 'video/mp4', width: 640, height: 360 }] },
    };
    const html = renderAdMarkup(video, urls);
    expect(html).toContain('<video src="https://cdn.example/v.mp4" width="640" height="360" muted playsinline');
    expect(html).toContain('href="https://ads.example.com/t/click?d=dec1&amp;sig=abc"');
  });
});
