import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cdata, escapeHtml, escapeXml, safeUrl, urlAttr } from './escape.js';

const HOSTILE = [
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '`$' + '{alert(1)}`',
  '</textarea><svg onload=alert(1)>',
  '&lt;already&gt; &amp; escaped',
];

const unescapeHtml = (s: string) =>
  s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#96;', '`')
    .replaceAll('&amp;', '&');

describe('escapeHtml', () => {
  it('leaves no character that could open a tag or close an attribute', () => {
    for (const s of HOSTILE) expect(escapeHtml(s)).not.toMatch(/[<>"'`]/);
    expect(escapeHtml('a & b')).toBe('a &amp; b');
  });

  it('round-trips any string through an HTML decoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const escaped = escapeHtml(s);
        expect(escaped).not.toMatch(/[<>"'`]/);
        expect(unescapeHtml(escaped)).toBe(s);
      }),
    );
  });
});

describe('escapeXml and cdata', () => {
  it('drops characters XML 1.0 cannot carry', () => {
    expect(escapeXml('a\u0000b\u0008c\td\uFFFE')).toBe('abc\td');
    expect(escapeXml('\uD800x')).toBe('x');
    expect(escapeXml('😀')).toBe('😀');
  });

  it('keeps a "]]>" inside CDATA from ending it', () => {
    expect(cdata('https://x/?a=]]><b>')).toBe('<![CDATA[https://x/?a=]]]]><![CDATA[><b>]]>');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const section = cdata(s);
        // Exactly the sections we opened are closed: no early terminator.
        expect(section.split(']]>').length - 1).toBe(section.split('<![CDATA[').length - 1);
      }),
    );
  });
});

describe('safeUrl', () => {
  it('accepts http(s) and root-relative URLs, and nothing else', () => {
    expect(safeUrl('https://ads.example.com/t/click?d=1&s=abc')).toBe('https://ads.example.com/t/click?d=1&s=abc');
    expect(safeUrl('/assets/a.webp')).toBe('/assets/a.webp');
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,<b>',
      '//evil.example/x',
      'vbscript:x',
      'about:srcdoc',
    ]) {
      expect(safeUrl(bad)).toBe('about:blank');
    }
  });

  it('percent-encodes anything that could break out of an attribute, a JS string or CSS', () => {
    expect(safeUrl('https://x/"onmouseover=alert(1) \'<>`\\')).toBe('https://x/%22onmouseover=alert(1)%20%27%3C%3E%60%5C');
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), (url, junk) => {
        const out = safeUrl(url + junk);
        expect(out).not.toMatch(/[\s"'<>`\\]/);
        expect(out.startsWith('http')).toBe(true);
      }),
    );
  });

  it('urlAttr escapes the ampersands of a query for an attribute', () => {
    expect(urlAttr('https://x/?a=1&b=2')).toBe('https://x/?a=1&amp;b=2');
  });
});
