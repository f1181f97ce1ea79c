import { isId, newId } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costOf, TRACKING_EVENT_TYPES, type TrackedType, trackingEventId } from './tracking-events.js';
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
