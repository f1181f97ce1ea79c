import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AD_PAGE_HEADERS, AD_SANDBOX, renderIframePage } from './iframe-page.js';

const ad = {
  html: '<a href="https://ads.example.com/t/click?d=1"><img src="https://ads.example.com/assets/a.png" width="300" height="250"></a>',
  width: 300,
  height: 250,
  impressionUrl: 'https://ads.example.com/t/imp?d=1&s=a',
  viewableUrl: 'https://ads.example.com/t/event?type=viewable&d=1&s=b',
};
const none = { type: 'none' } as const;
const csp = (page: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1]?.replaceAll('&#39;', "'");

describe('renderIframePage', () => {
  it('is a complete document with the ad, its impression pixel and the viewability script', () => {
    const page = renderIframePage(ad, { fallback: none, format: 'image' });
    expect(page.startsWith('<!doctype html><html><head><meta charset="utf-8">')).toBe(true);
    expect(page.endsWith('</body></html>')).toBe(true);
    expect(page).toContain(
      `<div id="adp-ad" style="width:300px;height:250px;position:relative" data-viewable-url="${ad.viewableUrl.replaceAll('&', '&amp;')}">${ad.html}</div>`,
    );
    expect(page).toContain('<img src="https://ads.example.com/t/imp?d=1&amp;s=a" width="1" height="1"');
    expect(page.match(/t\/imp/g)).toHaveLength(1);
    expect(page).toContain('<base target="_blank">');
  });

  it('gives image and native ads a strict CSP that allows only its own script, by hash', () => {
    const page = renderIframePage(ad, { fallback: none, format: 'native' });
    const policy = csp(page)!;
    expect(policy).toContain("default-src 'none'");
    const script = /<script>([^<]*)<\/script>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    const scriptSrc = policy.split('; ').find((directive) => directive.startsWith('script-src '));
    expect(scriptSrc).toBe(`script-src 'sha256-${hash}'`);
    expect(policy).toContain("form-action 'none'");
  });

  it('lets html creatives load their own resources, but never plugins or a <base> href', () => {
    const page = renderIframePage(
      { ...ad, html: '<script src="https://cdn.vendor.example/ad.js"></script>' },
      { fallback: none, format: 'html' },
    );
    expect(page).toContain('<script src="https://cdn.vendor.example/ad.js"></script>');
    expect(csp(page)).toBe("default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; base-uri 'none'; object-src 'none'");
  });

  it('without a viewable URL there is no script, and without an impression URL no pixel', () => {
    const page = renderIframePage({ html: '<b>x</b>', width: null, height: null }, { fallback: none, format: 'image' });
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).toContain('<div id="adp-ad" style="position:relative"><b>x</b></div>');
  });

  it('with no ad, shows the passback markup, or an empty page', () => {
    const passback = renderIframePage(null, { fallback: { type: 'passback', html: '<div id="other-network"></div>' } });
    expect(passback).toContain('<body><div id="other-network"></div></body>');
    for (const fallback of [none, { type: 'house', creativeId: '00000000-0000-4000-8000-000000000000' } as const]) {
      const empty = renderIframePage(null, { fallback });
      expect(empty).toContain('<body></body>');
      expect(csp(empty)).toContain("default-src 'none'");
    }
  });

  it('is meant to be served sandboxed: the header puts the page in an opaque origin', () => {
    expect(AD_SANDBOX).toBe('allow-scripts allow-popups allow-popups-to-escape-sandbox');
    expect(AD_PAGE_HEADERS['content-security-policy']).toBe(`sandbox ${AD_SANDBOX}`);
    expect(AD_SANDBOX).not.toContain('allow-same-origin');
  });
});
