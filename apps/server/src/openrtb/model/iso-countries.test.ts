import { describe, expect, it } from 'vitest';
import { COUNTRY_ALPHA3_TO_ALPHA2, countryAlpha2 } from './iso-countries.js';

describe('countryAlpha2', () => {
  it('maps OpenRTB alpha-3 countries to alpha-2, case-insensitively, and passes two letters through', () => {
    expect(countryAlpha2('USA')).toBe('US');
    expect(countryAlpha2('gbr')).toBe('GB');
    expect(countryAlpha2('DEU')).toBe('DE');
    expect(countryAlpha2('CHE')).toBe('CH');
    expect(countryAlpha2('fr')).toBe('FR');
    for (const bad of ['XXX', 'US1', 'U', 'UNITED', '', 42, undefined, null]) expect(countryAlpha2(bad)).toBeUndefined();
  });

  it('holds the 249 ISO 3166-1 countries (+ Kosovo), each alpha-2 a region Intl knows by name, none twice', () => {
    expect(COUNTRY_ALPHA3_TO_ALPHA2.size).toBe(250);
    const alpha2 = [...COUNTRY_ALPHA3_TO_ALPHA2.values()];
    expect(new Set(alpha2).size).toBe(alpha2.length);
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    for (const [alpha3, code] of COUNTRY_ALPHA3_TO_ALPHA2) {
      expect(alpha3).toMatch(/^[A-Z]{3}$/);
      // An unknown region comes back as its own code.
      expect(names.of(code), `${alpha3} → ${code}`).not.toBe(code);
    }
  });
});
