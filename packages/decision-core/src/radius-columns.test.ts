import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceKm } from './geo-distance.js';
import { buildRadiusColumns, passesRadius } from './radius-columns.js';

const circle = fc.record({
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  km: fc.oneof(fc.double({ min: 0, max: 25_000, noNaN: true }), fc.constantFrom(0, 1, 10, 100)),
});
const point = fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) });

describe('radius columns', () => {
  it('agree with the haversine check, latitude pre-filter included', () => {
    fc.assert(
      fc.property(fc.array(circle, { minLength: 1, maxLength: 3 }), point, fc.boolean(), (circles, p, near) => {
        // Half the time the point sits on or near a circle's edge along a meridian, where the pre-filter is tight.
        const c0 = circles[0]!;
        const at = near ? { lat: Math.max(-90, Math.min(90, c0.lat + c0.km / 111.195)), lon: c0.lon } : p;
        const columns = buildRadiusColumns([{ geo: { radius: circles } }]);
        const expected = circles.some((c) => distanceKm(at.lat, at.lon, c.lat, c.lon) <= c.km);
        expect(passesRadius(columns, 0, at.lat, at.lon)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('has nothing to check for an item whose geo is not only a radius list, and fails a request without a point', () => {
    const columns = buildRadiusColumns([
      { geo: { countries: ['US'], radius: [{ lat: 0, lon: 0, km: 1 }] } },
      { geo: { radius: [{ lat: 0, lon: 0, km: 1 }] } },
    ]);
    expect(passesRadius(columns, 0, undefined, undefined)).toBe(true);
    expect(passesRadius(columns, 1, undefined, 0)).toBe(false);
    expect(passesRadius(columns, 1, 0, 0)).toBe(true);
  });
});
