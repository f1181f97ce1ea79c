import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCurrencyRates } from '../demand/currency-rates.js';
import type { PartnerBid } from '../demand/demand-types.js';
import type { BidRequest } from '../model/openrtb-types.js';
import { cpmMicrosIn, dealFloorsOf, screenOutsideBids } from './outside-bids.js';

const rates = createCurrencyRates();

const partnerBid = (impId: string, priceMicros: number, extra: Partial<PartnerBid> = {}): PartnerBid => ({
  partnerId: 'p',
  seat: 's',
  impId,
  bidId: `b${priceMicros}-${impId}`,
  priceMicros,
  originalPriceMicros: priceMicros,
  originalCurrency: 'USD',
  ...extra,
});

describe('screenOutsideBids', () => {
  it('never lets a bid under its imp floor or its deal floor into the auction, and refuses none at or above them (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ imp: fc.constantFrom('1', '2', '3'), price: fc.integer({ min: 0, max: 20_000_000 }), deal: fc.boolean() }), {
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (raw, floor, dealFloor) => {
          const bids = raw.map((b, i) => partnerBid(b.imp, b.price, { bidId: `b${i}`, ...(b.deal ? { dealId: 'd' } : {}) }));
          const floors = new Map([
            ['1', floor],
            ['2', floor],
          ]);
          const deals = new Map([['1\u0000d', dealFloor]]);
          const screened = screenOutsideBids(bids, { id: 'r', imp: [] } as BidRequest, floors, deals);
          for (const bid of screened.external) {
            expect(bid.priceMicros).toBeGreaterThanOrEqual(floors.get(bid.slotId)!);
            if (bid.dealId) expect(bid.priceMicros).toBeGreaterThanOrEqual(deals.get(`${bid.slotId}\u0000d`) ?? 0);
          }
          expect(screened.external.length + screened.nonBids.length).toBe(bids.length);
          const expectedIn = bids.filter(
            (b) => floors.has(b.impId) && b.priceMicros >= floor && (!b.dealId || b.priceMicros >= (deals.get(`${b.impId}\u0000d`) ?? 0)),
          );
          expect(screened.external.length).toBe(expectedIn.length);
        },
      ),
    );
  });

  it('refuses blocked advertiser domains case-insensitively, with the seat-non-bid code and loss reason', () => {
    const screened = screenOutsideBids(
      [partnerBid('1', 5_000_000, { adomain: ['Brand.Example'] }), partnerBid('1', 4_000_000, { adomain: ['ok.example'] })],
      { id: 'r', imp: [], badv: ['brand.example'] } as BidRequest,
      new Map([['1', 0]]),
      new Map(),
    );
    expect(screened.external.map((b) => b.priceMicros)).toEqual([4_000_000]);
    expect(screened.nonBids).toEqual([expect.objectContaining({ code: 356, lossCode: 205, impId: '1' })]);
  });
});

describe('screenOutsideBids: buyer seats', () => {
  it('lets in exactly the bids whose seat the request (wseat/bseat) and their deal (deal.wseat) allow (property)', () => {
    const seat: fc.Arbitrary<string> = fc.constantFrom('a', 'b', 'c');
    const seats = fc.uniqueArray(seat, { maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ seat, deal: fc.boolean() }), { maxLength: 20 }),
        seats,
        seats,
        seats,
        (raw, wseat, bseat, dealWseat) => {
          const bids = raw.map((b, i) => partnerBid('1', 1_000_000, { bidId: `b${i}`, seat: b.seat, ...(b.deal ? { dealId: 'd' } : {}) }));
          const request = { id: 'r', wseat, bseat, imp: [{ id: '1', pmp: { deals: [{ id: 'd', wseat: dealWseat }] } }] } as BidRequest;
          const screened = screenOutsideBids(bids, request, new Map([['1', 0]]), new Map());
          const allowed = (b: PartnerBid) =>
            (wseat.length === 0 || wseat.includes(b.seat)) &&
            !bseat.includes(b.seat) &&
            (b.dealId === undefined || dealWseat.length === 0 || dealWseat.includes(b.seat));
          expect(screened.external.map((b) => b.bidId)).toEqual(bids.filter(allowed).map((b) => `p:${b.bidId}`));
          for (const nonBid of screened.nonBids) expect(nonBid).toMatchObject({ code: 300, lossCode: 104 });
          expect(screened.nonBids.length).toBe(bids.length - screened.external.length);
        },
      ),
    );
  });
});

describe('floors in other currencies', () => {
  it('converts exactly in micros, and is the identity in the same currency (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (micros) => {
        const units = micros / 1_000_000;
        // A floor of `units` USD is `micros` USD micros exactly, whatever float noise `units` carries.
        expect(cpmMicrosIn(units, 'USD', 'USD', rates)).toBe(micros);
      }),
    );
    expect(cpmMicrosIn(undefined, undefined, 'USD', rates)).toBe(0);
    expect(cpmMicrosIn(1, 'XXX', 'USD', rates)).toBeUndefined();
    const eur = cpmMicrosIn(1, 'EUR', 'USD', rates)!;
    expect(Number.isInteger(eur)).toBe(true);
    expect(eur).toBeGreaterThan(0);
  });

  it('keeps a deal in an unconvertible currency out of reach', () => {
    const floors = dealFloorsOf([{ id: '1', pmp: { deals: [{ id: 'd', bidfloor: 1, bidfloorcur: 'XXX' }] } }], 'USD', rates);
    expect(floors.get('1\u0000d')).toBe(Number.MAX_SAFE_INTEGER);
  });
});
