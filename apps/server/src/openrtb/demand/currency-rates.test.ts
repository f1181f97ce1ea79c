import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCurrencyRates, createRefreshingRates, parseRatesTable, STATIC_RATES } from './currency-rates.js';
import { formatMicros, multiply, parseDecimal, rationalOfNumber, scaleMicros, unitsToMicros } from './rational.js';

/** A decimal text with up to 6 decimals, and its exact value in micros. */
const decimalWithMicros = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 0, max: 999_999 }))
  .map(([whole, fraction]) => ({ text: `${whole}.${String(fraction).padStart(6, '0')}`, micros: whole * 1_000_000n + BigInt(fraction) }));

describe('exact decimals', () => {
  it('reads a decimal text to exactly its micros', () => {
    fc.assert(
      fc.property(decimalWithMicros, ({ text, micros }) => {
        expect(unitsToMicros(parseDecimal(text)!)).toBe(micros);
      }),
    );
  });

  it('formats micros back to the same decimal (no float on the way)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (micros) => {
        expect(unitsToMicros(parseDecimal(formatMicros(micros))!)).toBe(micros);
      }),
    );
  });

  it('reads JSON numbers by their shortest decimal, exponents included', () => {
    expect(unitsToMicros(rationalOfNumber(1.1)!)).toBe(1_100_000n);
    expect(unitsToMicros(rationalOfNumber(0.000001)!)).toBe(1n);
    expect(unitsToMicros(rationalOfNumber(1e-7)!)).toBe(0n);
    expect(unitsToMicros(rationalOfNumber(2.5e3)!)).toBe(2_500_000_000n);
    expect(rationalOfNumber(Number.NaN)).toBeUndefined();
    expect(rationalOfNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(rationalOfNumber('1.5')).toBeUndefined();
  });
});

describe('currency conversion', () => {
  const rates = createCurrencyRates({ dataAsOf: '2025-01-02', conversions: { USD: { EUR: 0.96, JPY: 157.2, GBP: 0.8 } } });

  it('converts with one rounding toward zero: floor(micros × rate) exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), decimalWithMicros, (micros, rate) => {
        fc.pre(rate.micros > 0n);
        const table = createCurrencyRates({ dataAsOf: 'x', conversions: { USD: { EUR: Number(rate.text) } } });
        const converted = scaleMicros(micros, table.rate('USD', 'EUR')!);
        // The exact product in micros² over 10^6, truncated: checks against pure integer math.
        const exact = (micros * unitsToMicros(rationalOfNumber(Number(rate.text))!)) / 1_000_000n;
        expect(converted).toBe(exact);
      }),
    );
  });

  it('inverts a rate exactly and crosses through the pivot with a single rounding', () => {
    // 1 EUR = 1/0.96 USD; 1 EUR = 157.2/0.96 JPY.
    expect(scaleMicros(960_000n, rates.rate('EUR', 'USD')!)).toBe(1_000_000n);
    expect(scaleMicros(960_000n, rates.rate('EUR', 'JPY')!)).toBe(157_200_000n);
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), (micros) => {
        const cross = scaleMicros(micros, rates.rate('GBP', 'JPY')!);
        expect(cross).toBe((micros * 1572n) / 8n); // 157.2 / 0.8, exact
        expect(cross).toBeLessThanOrEqual((micros * 1572n + 7n) / 8n);
      }),
    );
  });

  it('is the identity for the same currency and unknown for currencies it cannot relate', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (micros) => {
        expect(scaleMicros(micros, rates.rate('CHF', 'CHF')!)).toBe(micros);
      }),
    );
    expect(rates.rate('USD', 'XXX')).toBeUndefined();
  });

  it('composes the bid adjustment with the rate before rounding', () => {
    const adjusted = multiply(rates.rate('USD', 'EUR')!, rationalOfNumber(0.9)!);
    expect(scaleMicros(1_234_567n, adjusted)).toBe((1_234_567n * 96n * 9n) / 1000n);
  });

  it('ships a dated static table', () => {
    const table = createCurrencyRates();
    expect(STATIC_RATES.dataAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.rate('EUR', 'GBP')).toBeDefined();
  });
});

describe('rates refresh', () => {
  it('validates a rates document and names what is wrong', () => {
    expect(parseRatesTable({ conversions: { USD: { EUR: -1 } } })).toMatch(/USD\.EUR must be a positive number/);
    expect(parseRatesTable({ conversions: { usd: {} } })).toMatch(/ISO 4217/);
    expect(parseRatesTable([])).toMatch(/conversions/);
    expect(parseRatesTable({ dataAsOf: '2026-11-27', conversions: { USD: { EUR: 0.9 } } })).toEqual({
      dataAsOf: '2026-11-27',
      conversions: { USD: { EUR: 0.9 } },
    });
  });

  it('replaces the table from the URL and keeps the previous one when a read fails', async () => {
    let answer: unknown = { dataAsOf: '2026-11-27', conversions: { USD: { EUR: 0.5 } } };
    const errors: string[] = [];
    const rates = createRefreshingRates({
      url: 'http://rates.test/latest.json',
      intervalMs: 3_600_000,
      fetch: async () => new Response(JSON.stringify(answer), { status: 200 }),
      onError: (reason) => errors.push(reason),
    });
    try {
      await rates.refresh();
      expect(rates.dataAsOf).toBe('2026-11-27');
      expect(scaleMicros(1_000_000n, rates.rate('USD', 'EUR')!)).toBe(500_000n);
      answer = { conversions: 'nonsense' };
      expect(await rates.refresh()).toBe(false);
      expect(errors.at(-1)).toMatch(/conversions/);
      expect(scaleMicros(1_000_000n, rates.rate('USD', 'EUR')!)).toBe(500_000n);
    } finally {
      rates.stop();
    }
  });
});
