import { isId, newId } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearingCpmMicrosOf, costOf, TRACKING_EVENT_TYPES, type TrackedType, trackingEventId } from './tracking-events.js';
import type { TrackingFacts } from './tracking-signer.js';

const TYPES: TrackedType[] = ['impression', 'click', ...TRACKING_EVENT_TYPES];

describe('tracking event ids', () => {
  it('are UUIDv7s, the same for the same decision and type, different across types and decisions', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.integer({ min: 0, max: 2 ** 48 - 1 }), (a, b, atMs) => {
        const ids = TYPES.map((type) => trackingEventId(a, type, atMs));
        for (const id of ids) expect(isId(id)).toBe(true);
        expect(new Set(ids).size).toBe(TYPES.length);
        expect(TYPES.map((type) => trackingEventId(a, type, atMs))).toEqual(ids);
        if (a !== b) expect(trackingEventId(b, 'impression', atMs)).not.toBe(ids[0]);
      }),
    );
  });

  it('sort by the decision time', () => {
    const decisionId = newId();
    const earlier = trackingEventId(decisionId, 'click', 1_795_000_000_000);
    const later = trackingEventId(newId(), 'click', 1_795_000_000_001);
    expect(earlier < later).toBe(true);
  });
});

describe('costOf', () => {
  it('charges only the event the line item is priced on', () => {
    const base = { costMicros: 700 } as TrackingFacts;
    expect(TYPES.map((t) => costOf({ ...base, pricingModel: 'cpm' }, t)).filter((c) => c !== undefined)).toEqual([700]);
    expect(costOf({ ...base, pricingModel: 'cpm' }, 'impression')).toBe(700);
    expect(costOf({ ...base, pricingModel: 'cpc' }, 'click')).toBe(700);
    expect(costOf({ ...base, pricingModel: 'cpc' }, 'impression')).toBeUndefined();
    expect(costOf({ ...base, pricingModel: 'cpa' }, 'conversion')).toBe(700);
  });
});

describe('a clearing price in a billing notice', () => {
  it('reads a plain decimal CPM to whole micros, truncating past six decimals, and nothing else', () => {
    expect(clearingCpmMicrosOf('1.25')).toBe(1_250_000);
    expect(clearingCpmMicrosOf('0')).toBe(0);
    expect(clearingCpmMicrosOf('3')).toBe(3_000_000);
    expect(clearingCpmMicrosOf('0.1234567')).toBe(123_456);
    for (const text of ['$' + '{AUCTION_PRICE}', '', '-1', '1e3', '1.', '.5', ' 1', 'NaN', 'AAABBB-encrypted', '1234567890']) {
      expect(clearingCpmMicrosOf(text), text).toBeUndefined();
    }
    expect(clearingCpmMicrosOf(undefined)).toBeUndefined();
  });

  it('agrees with exact decimal arithmetic for any price', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 999_999_999_999_999n }), (micros) => {
        const text = `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;
        expect(clearingCpmMicrosOf(text)).toBe(Number(micros));
      }),
    );
  });

  it('scales a CPM impression’s cost down with the clearing price, never up, and leaves other models alone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        (priceCpmMicros, clearingCpmMicros) => {
          const costMicros = Math.floor(priceCpmMicros / 1000);
          const facts = { pricingModel: 'cpm', priceCpmMicros, costMicros } as TrackingFacts;
          const cost = costOf(facts, 'impression', clearingCpmMicros)!;
          expect(Number.isInteger(cost)).toBe(true);
          expect(cost).toBeGreaterThanOrEqual(0);
          expect(cost).toBeLessThanOrEqual(costMicros);
          if (clearingCpmMicros >= priceCpmMicros) expect(cost).toBe(costMicros);
          // Within one micro of the exact share.
          else expect(Math.abs(cost - (costMicros * clearingCpmMicros) / priceCpmMicros)).toBeLessThan(1);
          expect(costOf({ ...facts, pricingModel: 'cpc' }, 'click', clearingCpmMicros)).toBe(costMicros);
        },
      ),
    );
  });
});
