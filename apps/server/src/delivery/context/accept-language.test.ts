import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LANGUAGES, parseAcceptLanguage } from './accept-language.js';

describe('parseAcceptLanguage', () => {
  it.each([
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', ['fr', 'en', 'de']],
    ['en-US,en;q=0.9', ['en']],
    ['de;q=0.5, en', ['en', 'de']],
    ['da, en-gb;q=0.8, en;q=0.7', ['da', 'en']],
    ['zh-Hant-TW;q=0.9, ja', ['ja', 'zh']],
    ['EN_us', ['en']],
    ['en;q=0, fr', ['fr']],
    ['fil, haw, en', ['en']],
    ['*', []],
    ['', []],
    ['en;q=1.5, fr;q=abc, de;q=0.250', ['de']],
    ['es;q=0.5, pt;q=0.5, it;q=0.5', ['es', 'pt', 'it']],
    ['en;q=0.1, en-GB;q=0.9, fr;q=0.5', ['en', 'fr']],
  ])('%j → %j', (header, expected) => {
    expect(parseAcceptLanguage(header)).toEqual(expected);
  });

  it(`keeps at most ${MAX_LANGUAGES} languages`, () => {
    expect(parseAcceptLanguage('a1, en, fr, de, it, es, pt, nl')).toEqual(['en', 'fr', 'de', 'it', 'es']);
  });

  it('never throws and answers only distinct two-letter lowercase codes, at most the cap', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (header) => {
        const languages = parseAcceptLanguage(header);
        expect(languages.length).toBeLessThanOrEqual(MAX_LANGUAGES);
        expect(new Set(languages).size).toBe(languages.length);
        for (const code of languages) expect(code).toMatch(/^[a-z]{2}$/);
      }),
      { numRuns: 2_000 },
    );
  });

  const entry = fc.record({
    code: fc.stringMatching(/^[a-z]{2}$/),
    region: fc.option(fc.constantFrom('US', 'GB', 'ch', 'Hant', '419'), { nil: undefined }),
    thousandths: fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: undefined }),
  });

  it('orders by weight, then by position, with each language at its highest weight', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.constantFrom(',', ', ', ' ,'), (entries, separator) => {
        const header = entries
          .map((e) => {
            const q = e.thousandths === undefined ? '' : `;q=${(e.thousandths / 1_000).toFixed(3)}`;
            return `${e.code}${e.region ? `-${e.region}` : ''}${q}`;
          })
          .join(separator);
        // The model: best weight per code, first position per code, q=0 out, sorted, capped.
        const best = new Map<string, { weight: number; position: number }>();
        entries.forEach((e) => {
          const weight = e.thousandths ?? 1_000;
          if (weight === 0) return;
          const seen = best.get(e.code);
          if (!seen) best.set(e.code, { weight, position: best.size });
          else seen.weight = Math.max(seen.weight, weight);
        });
        const expected = [...best.entries()]
          .sort(([, a], [, b]) => b.weight - a.weight || a.position - b.position)
          .slice(0, MAX_LANGUAGES)
          .map(([code]) => code);
        expect(parseAcceptLanguage(header)).toEqual(expected);
      }),
      { numRuns: 1_000 },
    );
  });
});
