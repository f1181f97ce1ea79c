import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PostingIndex, wordsFor } from './bitset.js';
import { candidates, compileIndex, type DeliveryIndex, explain } from './delivery-index.js';
import type { DeliveryLineItem } from './delivery-types.js';
import { context, lineItems, targeting } from './index-arbitraries.test-support.js';
import { compileSides, mayLeaveChecks } from './index-fold.js';
import type { RequestContext } from './request-context.js';

type Edit = 'keep' | 'retarget' | 'reprice' | 'remove';
const edit = fc.record({
  op: fc.constantFrom<Edit>('keep', 'keep', 'keep', 'retarget', 'reprice', 'remove'),
  targeting,
  campaignTargeting: fc.option(targeting, { nil: undefined }),
  priority: fc.integer({ min: 0, max: 3 }),
  bidMicros: fc.integer({ min: 0, max: 5_000 }),
});
const step = fc.record({
  edits: fc.array(edit, { maxLength: 40 }),
  added: lineItems.map((items) => items.slice(0, 5)),
  // The catalog hands the previous index's order with changes in place; any other order must work too.
  inPreviousOrder: fc.boolean(),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** The next item list: each item kept, retargeted, repriced or removed (a changed item is a new object, same id), plus new ones. */
function applyStep(index: DeliveryIndex, input: readonly DeliveryLineItem[], s: Step, round: number) {
  const base = s.inPreviousOrder ? index.lineItems : input;
  const next = base.flatMap((li, i): DeliveryLineItem[] => {
    const e = s.edits[i];
    if (e === undefined || e.op === 'keep') return [li];
    if (e.op === 'remove') return [];
    if (e.op === 'reprice') return [{ ...li, priority: e.priority, pricing: { model: 'cpm', bidMicros: e.bidMicros } }];
    const { campaignTargeting: _, ...rest } = li;
    return [{ ...rest, targeting: e.targeting, ...(e.campaignTargeting ? { campaignTargeting: e.campaignTargeting } : {}) }];
  });
  return [...next, ...s.added.map((li) => ({ ...li, id: `new-${round}-${li.id}` }))];
}

const bitsOf = (index: PostingIndex, value: string) => [...(index.byValue.get(value) ?? index.any)];
const POSTINGS = ['placement', 'country', 'deviceType', 'keywordsAny', 'segmentsAny', 'os', 'browser', 'languages', 'dayParts'] as const;
const EXCLUSIONS = ['keywordsNone', 'segmentsNone', 'excludeOs', 'domainsBlock'] as const;

/** Same answers: same order, rank arrays, and every posting and exclusion set equal value by value. */
function expectSameIndex(rebuilt: DeliveryIndex, fresh: DeliveryIndex, contexts: readonly RequestContext[]): void {
  const ids = (index: DeliveryIndex) => index.lineItems.map((li) => li.id);
  expect(ids(rebuilt)).toEqual(ids(fresh));
  expect(rebuilt.lineItems).toEqual(fresh.lineItems);
  expect([...rebuilt.tierRank]).toEqual([...fresh.tierRank]);
  expect([...rebuilt.tierEnd]).toEqual([...fresh.tierEnd]);
  expect([...rebuilt.ecpmMicros]).toEqual([...fresh.ecpmMicros]);
  expect(rebuilt.costMicros).toEqual(fresh.costMicros);
  expect(rebuilt.residual.map((r) => r?.checks.map((c) => c.dimension))).toEqual(
    fresh.residual.map((r) => r?.checks.map((c) => c.dimension)),
  );
  expect(rebuilt.radius).toEqual(fresh.radius);
  for (const dimension of POSTINGS) {
    const [a, b] = [rebuilt[dimension], fresh[dimension]];
    expect([...a.any], dimension).toEqual([...b.any]);
    expect(a.restricts, dimension).toBe(b.restricts);
    for (const value of new Set([...a.byValue.keys(), ...b.byValue.keys()]))
      expect(bitsOf(a, value), `${dimension} ${value}`).toEqual(bitsOf(b, value));
  }
  const zeros = [...new Uint32Array(wordsFor(fresh.lineItems.length))];
  for (const dimension of EXCLUSIONS) {
    const [a, b] = [rebuilt[dimension], fresh[dimension]];
    for (const value of new Set([...a.keys(), ...b.keys()]))
      expect([...(a.get(value) ?? zeros)], `${dimension} ${value}`).toEqual([...(b.get(value) ?? zeros)]);
  }
  for (const ctx of contexts) {
    expect(ids({ ...fresh, lineItems: candidates(rebuilt, ctx) })).toEqual(ids({ ...fresh, lineItems: candidates(fresh, ctx) }));
    expect(explain(rebuilt, ctx)).toEqual(explain(fresh, ctx));
  }
}

describe('compileIndex with a previous index', () => {
  it('answers exactly like a fresh compileIndex of the same items, through several rounds of random edits', () => {
    fc.assert(
      fc.property(
        lineItems,
        fc.array(step, { minLength: 1, maxLength: 3 }),
        fc.array(context, { minLength: 1, maxLength: 4 }),
        (first, steps, contexts) => {
          let input: readonly DeliveryLineItem[] = first;
          let index = compileIndex(input);
          steps.forEach((s, round) => {
            const before = candidates(index, contexts[0]!).map((li) => li.id);
            const previous = index;
            input = applyStep(index, input, s, round);
            index = compileIndex(input, { previous });
            expectSameIndex(index, compileIndex(input), contexts);
            // The previous snapshot a request may still hold is untouched.
            expect(candidates(previous, contexts[0]!).map((li) => li.id)).toEqual(before);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('compiles only the items that are new objects', () => {
    fc.assert(
      fc.property(lineItems, (items) => {
        const first = compileIndex(items);
        expect(first.reusedLineItems).toBe(0);
        expect(compileIndex(items, { previous: first }).reusedLineItems).toBe(items.length);
        const changed = items.map((li, i) => (i % 3 === 0 ? { ...li } : li));
        expect(compileIndex(changed, { previous: first }).reusedLineItems).toBe(items.filter((_, i) => i % 3 !== 0).length);
      }),
    );
  });

  it('keeps position-stable edits cheap: the dimensions no changed item touches share the previous bitsets', () => {
    const item = (id: string, placements: string[], countries: string[]): DeliveryLineItem => ({
      id,
      campaignId: 'c',
      advertiserId: 'a',
      priority: 1,
      targeting: { placements, geo: { countries } },
    });
    const first = compileIndex([item('a', ['p1'], ['US']), item('b', ['p2'], ['FR']), item('c', ['p1', 'p2'], ['US'])]);
    const next = [first.lineItems[0]!, item('b', ['p2'], ['CA']), first.lineItems[2]!];
    const rebuilt = compileIndex(next, { previous: first });
    expect(rebuilt.placement).toBe(first.placement);
    expect(rebuilt.country).not.toBe(first.country);
    expect(rebuilt.country.byValue.get('US')).toBe(first.country.byValue.get('US'));
    expect(candidates(rebuilt, { placementId: 'p2', nowMs: 0, country: 'CA' }).map((li) => li.id)).toEqual(['b']);
    expect(candidates(first, { placementId: 'p2', nowMs: 0, country: 'FR' }).map((li) => li.id)).toEqual(['b']);
  });
});

describe('mayLeaveChecks', () => {
  it('is false only for items whose whole targeting the bitsets and radius columns hold', () => {
    fc.assert(
      fc.property(lineItems, (items) => {
        for (const li of items) if (!mayLeaveChecks(li)) expect(compileSides(li).residual).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
