// biome-ignore-all lint/suspicious/noTemplateCurlyInString: OpenRTB macros are written ${LIKE_THIS} in plain strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuctionMacroValues, substituteMacros } from './macros.js';

const text = fc.string({ minLength: 1, maxLength: 40 });
const values = fc.record({
  auctionId: text,
  bidId: text,
  impId: text,
  seatId: text,
  adId: fc.option(text, { nil: undefined }),
  priceMicros: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: undefined }),
  currency: fc.option(fc.constantFrom('USD', 'EUR', 'JPY'), { nil: undefined }),
  lossCode: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
  minToWinMicros: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: undefined }),
}) satisfies fc.Arbitrary<AuctionMacroValues>;

const TEMPLATE =
  'https://dsp.example/win?a=${AUCTION_ID}&b=${AUCTION_BID_ID}&i=${AUCTION_IMP_ID}&s=${AUCTION_SEAT_ID}&ad=${AUCTION_AD_ID}' +
  '&p=${AUCTION_PRICE}&c=${AUCTION_CURRENCY}&l=${AUCTION_LOSS}&m=${AUCTION_MIN_TO_WIN}';

describe('substituteMacros', () => {
  it('puts every value in its place, URL-encoded, so the URL parses back to the same facts', () => {
    fc.assert(
      fc.property(values, (v) => {
        const url = new URL(substituteMacros(TEMPLATE, v));
        const q = url.searchParams;
        expect(q.get('a')).toBe(v.auctionId);
        expect(q.get('b')).toBe(v.bidId);
        expect(q.get('i')).toBe(v.impId);
        expect(q.get('s')).toBe(v.seatId);
        expect(q.get('ad')).toBe(v.adId ?? '');
        expect(q.get('c')).toBe(v.currency ?? '');
        expect(q.get('l')).toBe(v.lossCode === undefined ? '' : String(v.lossCode));
        // Prices come back exactly: decimal units of the micros.
        const price = q.get('p')!;
        if (v.priceMicros === undefined) expect(price).toBe('');
        else expect(BigInt(Math.round(Number(price) * 1e6))).toBe(v.priceMicros);
        expect(url.href).not.toContain('${AUCTION_');
      }),
    );
  });

  it('writes prices from micros exactly, without trailing zeros', () => {
    const base = { auctionId: 'a', bidId: 'b', impId: 'i', seatId: 's' };
    expect(substituteMacros('${AUCTION_PRICE}', { ...base, priceMicros: 1_250_000 })).toBe('1.25');
    expect(substituteMacros('${AUCTION_PRICE}', { ...base, priceMicros: 7n })).toBe('0.000007');
    expect(substituteMacros('${AUCTION_PRICE}', { ...base, priceMicros: 3_000_000n })).toBe('3');
    expect(substituteMacros('${AUCTION_MIN_TO_WIN}', { ...base, minToWinMicros: 100_001n })).toBe('0.100001');
  });

  it('leaves macros that are not ours untouched and text without macros as it is', () => {
    fc.assert(
      fc.property(values, fc.string(), (v, other) => {
        fc.pre(!other.includes('${'));
        expect(substituteMacros(other, v)).toBe(other);
        expect(substituteMacros('x=${AUCTION_PRICE:B64}&y=${AUCTION_MBR}&z=${OTHER}', v)).toBe(
          'x=${AUCTION_PRICE:B64}&y=${AUCTION_MBR}&z=${OTHER}',
        );
      }),
    );
  });

  it('can substitute raw values (markup) with an identity encoder', () => {
    const v = { auctionId: 'a b', bidId: 'b', impId: 'i', seatId: 's' };
    expect(substituteMacros('<img src="x?${AUCTION_ID}">', v, (s) => s)).toBe('<img src="x?a b">');
  });
});
