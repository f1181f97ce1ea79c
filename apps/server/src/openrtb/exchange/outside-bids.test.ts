import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCurrencyRates } from '../demand/currency-rates.js';
import type { PartnerBid } from '../demand/demand-types.js';
import type { BidRequest } from '../model/openrtb-types.js';
import {
  bundleBlocklistOf,
  type CategoryBlocklist,
  categoryBlocklistOf,
  cpmMicrosIn,
  dealFloorsOf,
  isBundleBlocked,
  isCategoryBlocked,
  screenOutsideBids,
} from './outside-bids.js';

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

/** IAB Content Category 1.0 ids (parents `IAB1`…`IAB26`, subcategories `IAB8-5`), a few Content Taxonomy 2+ numeric ids, and junk. */
const iabParent = fc.integer({ min: 1, max: 26 }).map((n) => `IAB${n}`);
const iabCategory = fc.oneof(
  iabParent,
  fc.tuple(iabParent, fc.integer({ min: 1, max: 20 })).map(([p, n]) => `${p}-${n}`),
);
const anyCategory = fc.oneof(iabCategory, fc.integer({ min: 1, max: 700 }).map(String), fc.string({ maxLength: 6 }));
const taxonomy = fc.constantFrom(1, 2, 6, 7, 500);
const blocklist = (categories: readonly string[], tax = 1): CategoryBlocklist => ({ taxonomy: tax, categories: new Set(categories) });

describe('isCategoryBlocked (bcat against a partner bid’s cat)', () => {
  it('screens a bid whose every category is blocked, or whose categories’ parents are, in the same taxonomy (property)', () => {
    fc.assert(
      fc.property(fc.array(iabCategory, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean(), (cat, byParent, explicitTax) => {
        // Blocking each category's IAB 1.0 parent (`IAB8` for `IAB8-5`) blocks it as well as listing it.
        const blocked = byParent ? cat.map((c) => c.split('-')[0]!) : cat;
        expect(isCategoryBlocked({ cat, ...(explicitTax ? { cattax: 1 } : {}) }, blocklist(blocked))).toBe(true);
      }),
    );
  });

  it('screens a bid with any one blocked category, in any taxonomy, and only by exact ids outside IAB 1.0 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(anyCategory, { maxLength: 5 }),
        anyCategory,
        fc.array(anyCategory, { maxLength: 5 }),
        taxonomy,
        (cat, one, bcat, tax) => {
          expect(isCategoryBlocked({ cat: [...cat, one], cattax: tax }, blocklist([...bcat, one], tax))).toBe(true);
          if (tax !== 1) expect(isCategoryBlocked({ cat, cattax: tax }, blocklist(bcat, tax))).toBe(cat.some((c) => bcat.includes(c)));
        },
      ),
    );
  });

  it('never screens a bid without cat, nor one whose taxonomy is not the request’s (property)', () => {
    fc.assert(
      fc.property(
        fc.array(anyCategory, { maxLength: 5 }),
        fc.array(anyCategory, { maxLength: 5 }),
        taxonomy,
        taxonomy,
        (cat, bcat, bidTax, requestTax) => {
          expect(isCategoryBlocked({}, blocklist(bcat, requestTax))).toBe(false);
          expect(isCategoryBlocked({ cattax: bidTax }, blocklist(bcat, requestTax))).toBe(false);
          fc.pre(bidTax !== requestTax);
          // Every id listed, still not screened: the same string means another thing in another taxonomy.
          expect(isCategoryBlocked({ cat, cattax: bidTax }, blocklist([...bcat, ...cat], requestTax))).toBe(false);
        },
      ),
    );
  });

  it('blocks subcategories only from their parent, not a parent from its subcategory nor a look-alike id', () => {
    expect(isCategoryBlocked({ cat: ['IAB8'] }, blocklist(['IAB8-5']))).toBe(false);
    expect(isCategoryBlocked({ cat: ['IAB80-5'] }, blocklist(['IAB8']))).toBe(false);
    expect(isCategoryBlocked({ cat: ['IAB8-5'] }, blocklist(['IAB8']))).toBe(true);
    // Outside IAB 1.0 there is no parent rule: Content Taxonomy 2+ ids are plain numbers.
    expect(isCategoryBlocked({ cat: ['IAB8-5'], cattax: 2 }, blocklist(['IAB8'], 2))).toBe(false);
    expect(isCategoryBlocked({ cat: [] }, blocklist(['IAB8']))).toBe(false);
  });

  it('reads the request’s cattax, 1 when absent or not an integer', () => {
    expect(categoryBlocklistOf({ id: 'r', imp: [] })).toBeUndefined();
    expect(categoryBlocklistOf({ id: 'r', imp: [], bcat: [] })).toBeUndefined();
    expect(categoryBlocklistOf({ id: 'r', imp: [], bcat: ['IAB8'] })).toEqual({ taxonomy: 1, categories: new Set(['IAB8']) });
    expect(categoryBlocklistOf({ id: 'r', imp: [], bcat: ['52'], cattax: 7 })?.taxonomy).toBe(7);
    expect(categoryBlocklistOf({ id: 'r', imp: [], bcat: ['IAB8'], cattax: '2' })?.taxonomy).toBe(1);
  });
});

describe('isBundleBlocked (bapp against a partner bid’s bundle)', () => {
  it('screens exactly the bids whose bundle is listed, ignoring case; a bid without bundle never (property)', () => {
    const bundle = fc.constantFrom('com.example.game', 'COM.Example.Game', 'id1234567', 'com.other.app', '');
    fc.assert(
      fc.property(fc.option(bundle, { nil: undefined }), fc.array(bundle, { maxLength: 4 }), (own, bapp) => {
        const blocked = bundleBlocklistOf({ id: 'r', imp: [], bapp });
        const expected = own !== undefined && bapp.some((b) => b.toLowerCase() === own.toLowerCase());
        expect(isBundleBlocked(own, blocked)).toBe(expected);
      }),
    );
    expect(isBundleBlocked(undefined, bundleBlocklistOf({ id: 'r', imp: [] }))).toBe(false);
  });
});

describe('screenOutsideBids: bcat and bapp', () => {
  it('refuses every bid that bcat or bapp blocks with its codes (357/209, 350/206) and lets the rest in (property)', () => {
    const bundle = fc.option(fc.constantFrom('com.a', 'com.b', 'com.c'), { nil: undefined });
    const cat = fc.option(fc.array(iabCategory, { maxLength: 3 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.array(fc.record({ cat, cattax: fc.option(fc.constantFrom(1, 2), { nil: undefined }), bundle }), { maxLength: 15 }),
        fc.array(iabCategory, { maxLength: 4 }),
        fc.array(fc.constantFrom('com.a', 'COM.B'), { maxLength: 2 }),
        (raw, bcat, bapp) => {
          const bids = raw.map((b, i) => partnerBid('1', 1_000_000, { bidId: `b${i}`, ...b }));
          const request = { id: 'r', imp: [], bcat, bapp } as BidRequest;
          const screened = screenOutsideBids(bids, request, new Map([['1', 0]]), new Map());
          const categories = categoryBlocklistOf(request);
          const bundles = bundleBlocklistOf(request);
          for (const [i, bid] of bids.entries()) {
            const byCategory = categories !== undefined && isCategoryBlocked(bid, categories);
            const byBundle = isBundleBlocked(bid.bundle, bundles);
            const nonBid = screened.nonBids.find((n) => n.bidId === `b${i}`);
            if (byCategory) expect(nonBid).toMatchObject({ code: 357, lossCode: 209, impId: '1', partnerId: 'p' });
            else if (byBundle) expect(nonBid).toMatchObject({ code: 350, lossCode: 206, impId: '1', partnerId: 'p' });
            else expect(screened.partnerBids.has(`p:b${i}`)).toBe(true);
          }
          expect(screened.external.length + screened.nonBids.length).toBe(bids.length);
        },
      ),
    );
  });

  it('screens a bid in the request’s cattax and lets one in another taxonomy through', () => {
    const request = { id: 'r', imp: [], bcat: ['IAB8'] } as BidRequest;
    const screened = screenOutsideBids(
      [
        partnerBid('1', 3_000_000, { bidId: 'food', cat: ['IAB8-5'] }),
        partnerBid('1', 2_000_000, { bidId: 'other-tax', cat: ['IAB8'], cattax: 2 }),
        partnerBid('1', 1_000_000, { bidId: 'no-cat' }),
      ],
      request,
      new Map([['1', 0]]),
      new Map(),
    );
    expect(screened.external.map((b) => b.bidId)).toEqual(['p:other-tax', 'p:no-cat']);
    expect(screened.nonBids).toEqual([
      { partnerId: 'p', impId: '1', bidId: 'food', code: 357, lossCode: 209, reason: 'blocked content category (bcat)' },
    ]);
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
