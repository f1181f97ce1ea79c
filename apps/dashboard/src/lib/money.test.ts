import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMicros, MAX_MICROS, microsToInput, microsToJson, parseMoney } from './money.js';

const anyMicros = fc.bigInt({ min: 0n, max: MAX_MICROS });

describe('money: currency units typed, integer micros sent', () => {
  it('parses what people type into exact micros', () => {
    expect(parseMoney('12.50')).toEqual({ ok: true, micros: 12_500_000n });
    expect(parseMoney(' 1,234.5 ')).toEqual({ ok: true, micros: 1_234_500_000n });
    expect(parseMoney('.000001')).toEqual({ ok: true, micros: 1n });
    expect(parseMoney('0.1')).toEqual({ ok: true, micros: 100_000n });
    expect(parseMoney('7')).toEqual({ ok: true, micros: 7_000_000n });
  });

  it('refuses what is not an amount, with a message to show next to the field', () => {
    for (const bad of ['', 'abc', '1.2.3', '-5', '1e3', '12,34', '1.0000001', '9007199254.740992', '.']) {
      const parsed = parseMoney(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(5);
    }
  });

  it('round-trips every amount through the grouped display and the input value', () => {
    fc.assert(
      fc.property(anyMicros, (micros) => {
        expect(parseMoney(formatMicros(micros))).toEqual({ ok: true, micros });
        expect(parseMoney(microsToInput(micros))).toEqual({ ok: true, micros });
      }),
    );
  });

  it('agrees with decimal arithmetic on the digits for any whole and fraction typed', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 9_007_199_253n }), fc.stringMatching(/^\d{0,6}$/), (whole, fraction) => {
        const parsed = parseMoney(`${whole}${fraction ? `.${fraction}` : ''}`);
        expect(parsed).toEqual({ ok: true, micros: whole * 1_000_000n + BigInt(fraction.padEnd(6, '0')) });
      }),
    );
  });

  it('formats with grouping and two to six decimals', () => {
    expect(formatMicros(0)).toBe('0.00');
    expect(formatMicros(1_234_567_890_000n)).toBe('1,234,567.89');
    expect(formatMicros('2500')).toBe('0.0025');
    expect(formatMicros(-1_500_000n)).toBe('-1.50');
    expect(microsToInput(12_500_000)).toBe('12.5');
    expect(() => formatMicros(0.5)).toThrow(RangeError);
  });

  it('sends micros as an exact JSON integer', () => {
    fc.assert(
      fc.property(anyMicros, (micros) => {
        expect(BigInt(microsToJson(micros))).toBe(micros);
      }),
    );
  });
});
