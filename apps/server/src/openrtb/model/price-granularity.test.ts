import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMicros, PRICE_GRANULARITIES, parsePriceGranularity, priceBucket, priceBucketMicros } from './price-granularity.js';

const named = (name: string) => PRICE_GRANULARITIES[name]!;

describe('price granularity', () => {
  it('buckets like Prebid: rounded down to the increment, capped at the top', () => {
    expect(priceBucket(1_870_000, named('low'))).toBe('1.50');
    expect(priceBucket(1_879_999, named('medium'))).toBe('1.80');
    expect(priceBucket(1_879_999, named('high'))).toBe('1.87');
    expect(priceBucket(25_000_000, named('medium'))).toBe('20.00');
    expect(priceBucket(4_370_000, named('auto'))).toBe('4.35');
    expect(priceBucket(7_370_000, named('auto'))).toBe('7.30');
    expect(priceBucket(13_700_000, named('auto'))).toBe('13.50');
    expect(priceBucket(2_999_999, named('dense'))).toBe('2.99');
    expect(priceBucket(5_120_000, named('dense'))).toBe('5.10');
    expect(priceBucket(0, named('dense'))).toBe('0.00');
  });

  it('reads custom ranges and precision, and names what is wrong with a bad one', () => {
    const custom = parsePriceGranularity(
      {
        precision: 3,
        ranges: [
          { max: 2, increment: 0.005 },
          { max: 10, increment: 0.25 },
        ],
      },
      'g',
    );
    expect(typeof custom).toBe('object');
    if (typeof custom === 'string') return;
    expect(priceBucket(1_234_000, custom)).toBe('1.230');
    expect(priceBucket(3_900_000, custom)).toBe('3.750');
    expect(parsePriceGranularity('med', 'g')).toBe(named('medium'));
    expect(parsePriceGranularity('toString', 'g')).toBe('g must be one of low, medium, high, auto, dense or {precision, ranges}');
    expect(parsePriceGranularity({ ranges: [{ max: 2, increment: -1 }] }, 'g')).toBe('g.ranges[0].increment must be a positive number');
  });

  it('never exceeds the price, never exceeds the cap, and lands on an increment (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('low', 'medium', 'high', 'auto', 'dense'), fc.integer({ min: 0, max: 100_000_000 }), (name, cpm) => {
        const g = named(name);
        const bucket = priceBucketMicros(cpm, g);
        const top = g.ranges[g.ranges.length - 1]!.maxMicros;
        expect(bucket).toBeLessThanOrEqual(Math.min(cpm, top));
        const range = g.ranges.find((r) => bucket >= r.minMicros && bucket <= r.maxMicros)!;
        expect((bucket - range.minMicros) % range.incrementMicros === 0 || bucket === top).toBe(true);
      }),
    );
  });

  it('formats micros exactly', () => {
    expect(formatMicros(1_005_000, 2)).toBe('1.00');
    expect(formatMicros(123_456_789, 6)).toBe('123.456789');
    expect(formatMicros(7, 0)).toBe('0');
  });
});
