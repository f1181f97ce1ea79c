import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBidResponse } from './bid-response.js';
import { createCurrencyRates } from './currency-rates.js';
import { ONE, rationalOfNumber } from './rational.js';
import { SEAT_NON_BID } from './reason-codes.js';

const input = {
  partnerId: 'p1',
  requestId: 'r1',
  offeredImpIds: new Set(['i1', 'i2']),
  currency: 'USD',
  rates: createCurrencyRates({ dataAsOf: 'x', conversions: { USD: { EUR: 0.8 } } }),
  adjustment: ONE,
};

const validBid = fc.record({
  id: fc.string({ minLength: 1, maxLength: 8 }),
  impid: fc.constantFrom('i1', 'i2'),
  price: fc.double({ min: 0.000001, max: 1000, noNaN: true }),
  adm: fc.constant('<div/>'),
  crid: fc.constant('c1'),
});

/** Partner answers from plausible to absurd: valid bids mixed with any JSON in their place. */
const answer = fc.oneof(
  fc.json(),
  fc.record({
    id: fc.constantFrom('r1', 'other'),
    cur: fc.option(fc.constantFrom('USD', 'EUR', 'XYZ', 'usd', 42), { nil: undefined }),
    seatbid: fc.array(fc.record({ seat: fc.option(fc.string(), { nil: undefined }), bid: fc.array(fc.oneof(validBid, fc.anything())) })),
  }),
);

describe('readBidResponse', () => {
  it('never throws: every answer becomes valid, converted bids or non-bids with a reason', () => {
    fc.assert(
      fc.property(answer, (json) => {
        const body = Buffer.from(typeof json === 'string' ? json : JSON.stringify(json));
        const result = readBidResponse(body, input);
        for (const bid of result.bids) {
          expect(input.offeredImpIds.has(bid.impId)).toBe(true);
          expect(Number.isSafeInteger(bid.priceMicros) && bid.priceMicros > 0).toBe(true);
          expect(bid.adm ?? bid.nurl).toBeTruthy();
          expect(bid.crid).toBeTruthy();
        }
        for (const nonBid of result.nonBids) {
          expect(nonBid.partnerId).toBe('p1');
          expect(nonBid.reason.length).toBeGreaterThan(0);
          expect(Object.values(SEAT_NON_BID)).toContain(nonBid.code);
        }
      }),
    );
  });

  it('converts from the partner currency with the adjustment, never above the exact value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 200 }), (priceMicros, percent) => {
        const price = priceMicros / 1e6;
        const body = Buffer.from(
          JSON.stringify({ id: 'r1', cur: 'EUR', seatbid: [{ bid: [{ id: 'b', impid: 'i1', price, adm: 'x', crid: 'c' }] }] }),
        );
        const adjustment = rationalOfNumber(percent / 100)!;
        const [bid] = readBidResponse(body, { ...input, adjustment }).bids;
        // micros × (1 / 0.8) × percent/100, truncated: exact integer arithmetic.
        const expected = (BigInt(priceMicros) * 10n * BigInt(percent)) / (8n * 100n);
        if (expected === 0n) expect(bid).toBeUndefined();
        else expect(BigInt(bid!.priceMicros)).toBe(expected);
      }),
    );
  });

  it('reads cat, cattax and bundle, and makes a bid whose blocklist field has the wrong JSON type a non-bid naming it (property)', () => {
    const field = fc.constantFrom('cat', 'cattax', 'bundle', 'adomain');
    const wellTyped = (name: string, value: unknown): boolean => {
      if (value === undefined) return true;
      if (name === 'cattax') return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
      if (name === 'bundle') return typeof value === 'string';
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    };
    const value = fc.oneof(
      fc.anything(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.string(),
      fc.integer({ min: -2, max: 600 }),
      fc.constantFrom(undefined, null, 1.5, '1', ['IAB1', 2]),
    );
    fc.assert(
      fc.property(field, value, (name, v) => {
        const json = JSON.stringify({ id: 'r1', seatbid: [{ bid: [{ id: 'b', impid: 'i1', price: 1, adm: 'x', crid: 'c', [name]: v }] }] });
        // Judge what the partner sent: JSON drops or changes what it cannot carry (an undefined field, -0, undefined in arrays).
        const sentBid = JSON.parse(json).seatbid[0].bid[0] as Record<string, unknown>;
        const sent = Object.hasOwn(sentBid, name) ? sentBid[name] : undefined;
        const result = readBidResponse(Buffer.from(json), input);
        if (wellTyped(name, sent)) {
          expect(result.nonBids).toEqual([]);
          const read = result.bids[0]! as unknown as Record<string, unknown>;
          expect(read[name]).toEqual(name === 'bundle' && sent === '' ? undefined : sent);
        } else {
          expect(result.bids).toEqual([]);
          expect(result.nonBids).toEqual([
            expect.objectContaining({
              code: SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE,
              bidId: 'b',
              impId: 'i1',
              reason: expect.stringContaining(`bid.${name} `),
            }),
          ]);
        }
      }),
    );
  });

  it('keeps a partner bid’s categories, their taxonomy and its app bundle for the exchange’s bcat/bapp screening', () => {
    const body = {
      id: 'r1',
      seatbid: [
        { bid: [{ id: 'b', impid: 'i1', price: 1, adm: 'x', crid: 'c', cat: ['IAB8-5', 'IAB1'], cattax: 1, bundle: 'com.example.game' }] },
      ],
    };
    const [bid] = readBidResponse(Buffer.from(JSON.stringify(body)), input).bids;
    expect(bid).toMatchObject({ cat: ['IAB8-5', 'IAB1'], cattax: 1, bundle: 'com.example.game' });
    const malformed = { id: 'r1', seatbid: [{ bid: [{ id: 'b', impid: 'i1', price: 1, adm: 'x', crid: 'c', cat: 'IAB8-5' }] }] };
    expect(readBidResponse(Buffer.from(JSON.stringify(malformed)), input).nonBids).toEqual([
      { partnerId: 'p1', impId: 'i1', bidId: 'b', code: 102, lossCode: 3, reason: 'bid.cat must be an array of strings' },
    ]);
  });
});
