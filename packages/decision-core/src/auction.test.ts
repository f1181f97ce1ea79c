import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runAuction, SECOND_PRICE_INCREMENT_MICROS } from './auction.js';

const bids = fc.array(fc.record({ id: fc.uuid(), ecpmMicros: fc.integer({ min: 0, max: 50_000_000 }) }), { maxLength: 8 });
const floorMicros = fc.integer({ min: 0, max: 20_000_000 });

describe('runAuction', () => {
  it('second price: the highest bid at or over the floor wins and pays at most its bid, at least the floor', () => {
    fc.assert(
      fc.property(bids, floorMicros, (all, floor) => {
        const outcome = runAuction(all, { floorMicros: floor, type: 'second' });
        const eligible = all.filter((b) => b.ecpmMicros >= floor).map((b) => b.ecpmMicros);
        if (eligible.length === 0) {
          expect(outcome).toBeUndefined();
          return;
        }
        const sorted = eligible.sort((a, b) => b - a);
        expect(outcome?.winner.ecpmMicros).toBe(sorted[0]);
        expect(outcome?.priceMicros).toBe(Math.min(sorted[0]!, Math.max(sorted[1] ?? 0, floor) + SECOND_PRICE_INCREMENT_MICROS));
        expect(outcome?.priceMicros).toBeGreaterThanOrEqual(floor);
      }),
    );
  });

  it('first price: the winner pays its own bid', () => {
    const outcome = runAuction(
      [
        { id: 'a', ecpmMicros: 3 },
        { id: 'b', ecpmMicros: 7 },
      ],
      { floorMicros: 0, type: 'first' },
    );
    expect([outcome?.winner.id, outcome?.priceMicros, outcome?.runnerUp?.id]).toEqual(['b', 7, 'a']);
  });
});
