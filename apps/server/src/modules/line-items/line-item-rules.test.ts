import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTransition, STATUS_TRANSITIONS } from '../campaigns/delivery.rules.js';
import { DELIVERY_STATUSES } from '../campaigns/delivery.schemas.js';
import { fits } from './line-item-rules.js';

describe('fits', () => {
  const banner = { formats: ['image', 'html'], sizes: [{ width: 300, height: 250 }] };

  it.each([
    [{ format: 'image', width: 300, height: 250 }, banner, true],
    [{ format: 'image', width: 728, height: 90 }, banner, false],
    [{ format: 'video' }, banner, false],
    [{ format: 'native' }, { formats: ['native'], sizes: [] }, true],
    [{ format: 'image', width: 1, height: 1 }, { formats: ['image'], sizes: [] }, true],
    [{ format: 'html', width: 300, height: 250 }, {}, true],
  ])('%j in %j: %s', (creative, placement, expected) => {
    expect(fits(creative, placement)).toBe(expected);
  });

  it('always fits a placement that lists the creative’s format and exact size', () => {
    const size = fc.record({ width: fc.integer({ min: 1, max: 2000 }), height: fc.integer({ min: 1, max: 2000 }) });
    fc.assert(
      fc.property(size, fc.array(size), fc.constantFrom('image', 'html'), (own, others, format) => {
        expect(fits({ format, ...own }, { formats: [format], sizes: [...others, own] })).toBe(true);
      }),
    );
  });
});

describe('status transitions', () => {
  it('refuse exactly the moves outside the table, and archived is terminal', () => {
    for (const from of DELIVERY_STATUSES) {
      for (const to of DELIVERY_STATUSES) {
        const allowed = from === to || STATUS_TRANSITIONS[from].includes(to);
        if (allowed) expect(() => checkTransition(from, to)).not.toThrow();
        else expect(() => checkTransition(from, to)).toThrow(/cannot change/);
      }
    }
    expect(STATUS_TRANSITIONS.archived).toEqual([]);
  });
});
