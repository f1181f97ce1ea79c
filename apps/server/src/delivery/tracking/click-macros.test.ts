import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLICK_MACROS, type ClickMacro, resolveLandingUrl } from './click-macros.js';

const values = Object.fromEntries(CLICK_MACROS.map((m) => [m, `v-${m}`])) as Record<ClickMacro, string>;

describe('resolveLandingUrl', () => {
  it('substitutes every documented macro and leaves unknown ones', () => {
    const url = resolveLandingUrl('https://a.example/x?c={CLICK_ID}&p={PLACEMENT_ID}&o={OTHER}#{CREATIVE_ID}', values);
    expect(url).toBe('https://a.example/x?c=v-CLICK_ID&p=v-PLACEMENT_ID&o={OTHER}#v-CREATIVE_ID');
  });

  it('URL-encodes values so they cannot change where the URL goes', () => {
    fc.assert(
      fc.property(fc.string(), (hostile) => {
        const url = resolveLandingUrl('https://shop.example/l?x={DECISION_ID}', { ...values, DECISION_ID: hostile });
        expect(url).toBeDefined();
        const parsed = new URL(url!);
        expect(parsed.host).toBe('shop.example');
        expect(parsed.searchParams.get('x')).toBe(hostile.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
      }),
    );
  });

  it('refuses anything but an absolute http(s) URL', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', '/relative', 'not a url', 'ftp://x.example/']) {
      expect(resolveLandingUrl(bad, values), bad).toBeUndefined();
    }
    expect(resolveLandingUrl('http://plain.example/', values)).toBe('http://plain.example/');
  });
});
