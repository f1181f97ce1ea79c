import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayPartsToGrid, gridToDayParts, knownCountries, normalizeTargeting } from './targeting.js';

describe('targeting helpers', () => {
  it('turns any hour grid into day-parts that cover exactly the same hours', () => {
    const grid = fc.array(fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(grid, (g) => {
        const parts = gridToDayParts(g);
        expect(dayPartsToGrid(parts)).toEqual(g);
        for (const part of parts) expect(part.startHour).toBeLessThan(part.endHour);
      }),
    );
  });

  it('drops empty lists and objects, which mean no restriction', () => {
    expect(normalizeTargeting({ geo: { countries: [] }, keywords: { any: [], none: ['x'] }, exclude: { os: [] } })).toEqual({
      keywords: { none: ['x'] },
    });
  });
});

describe('knownCountries', () => {
  it('lists each country once, under its current code, never a retired alias with the same name', () => {
    const countries = knownCountries();
    const names = countries.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const codes = countries.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['DE', 'GB', 'FR', 'RU', 'RS']));
    for (const retired of ['DD', 'UK', 'FX', 'SU', 'YU', 'CS', 'AN']) expect(codes).not.toContain(retired);
  });
});
