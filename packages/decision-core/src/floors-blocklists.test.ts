import { DEVICE_TYPES } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveFloor } from './applied-floor.js';
import { categoryKeys } from './blocklists.js';
import { decide } from './decide.js';
import { banner, lineItem, openState, placement, seeded } from './decide-fixtures.test-support.js';
import type { DecisionRequest, ExternalBid } from './decide-types.js';
import { compileIndex } from './delivery-index.js';
import { type DeliveryFloorRule, type DeliveryLineItem, type DeliveryPlacement, PRIORITY_TIERS, tierRank } from './delivery-types.js';
import { compileFloorRules } from './floor-rules.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const SIZES = [
  { width: 300, height: 250 },
  { width: 728, height: 90 },
];
const P1 = placement('p1', { sizes: SIZES, floorMicros: 100_000 });
const rule = (label: string, over: Partial<DeliveryFloorRule>): DeliveryFloorRule => ({ floorMicros: 0, label, ...over });
const request = (over: Partial<DecisionRequest> = {}): DecisionRequest => ({
  nowMs: NOW,
  slots: [{ slotId: 'top', placementId: 'p1' }],
  context: { country: 'DE', deviceType: 'mobile' },
  explain: true,
  ...over,
});
const run = (items: DeliveryLineItem[], placements: DeliveryPlacement[], over: Partial<DecisionRequest> = {}) =>
  decide(compileIndex(items, { placements }), request(over), openState(), { random: seeded(1) });
const winners = (result: ReturnType<typeof decide>) => (result.slots.top ?? []).map((s) => s.lineItem?.id ?? s.external?.bidId);
const entryOf = (result: ReturnType<typeof decide>, id: string) => result.explanation?.find((e) => e.lineItemId === id || e.bidId === id);
const cpm = (bidMicros: number) => ({ pricing: { model: 'cpm' as const, bidMicros } });

describe('floor rules', () => {
  it('picks the most specific matching rule, ties to the first listed, per country, device type and size', () => {
    const table = compileFloorRules([
      rule('r0', { countries: ['DE'], floorMicros: 2_000_000 }),
      rule('r1', { countries: ['DE'], deviceTypes: ['mobile'], floorMicros: 1_000_000 }),
      rule('r2', { deviceTypes: ['mobile'], sizes: [{ width: 300, height: 250 }], floorMicros: 3_000_000 }),
      rule('r3', { floorMicros: 500_000 }),
      rule('r4', { countries: ['DE'], floorMicros: 9_000_000 }),
    ]);
    const index = compileIndex([], { placements: [{ ...P1, floorRules: table!.rules }] });
    const at = (country: string, deviceType: string, size?: { width: number; height: number }) =>
      resolveFloor(index, { placementId: 'p1', country, deviceType, ...size });
    // DE + mobile: r1 (two conditions) beats r0 (one), though r0's floor is higher; with the 300x250 size r2 ties r1 on
    // specificity and r1 comes first.
    expect(at('DE', 'mobile')).toEqual({ floorMicros: 1_000_000, rule: 'r1', ruleFloorMicros: 1_000_000 });
    expect(at('de', 'MOBILE', SIZES[0])).toMatchObject({ floorMicros: 1_000_000, rule: 'r1' });
    expect(at('DE', 'desktop')).toMatchObject({ floorMicros: 2_000_000, rule: 'r0' });
    expect(at('US', 'mobile', SIZES[0])).toMatchObject({ floorMicros: 3_000_000, rule: 'r2' });
    expect(at('US', 'mobile', SIZES[1])).toMatchObject({ floorMicros: 500_000, rule: 'r3' });
    expect(at('US', 'desktop')).toMatchObject({ floorMicros: 500_000, rule: 'r3' });
  });

  it('never lowers the placement or slot floor: the effective floor is the highest of the three', () => {
    const p = { ...P1, floorMicros: 4_000_000, floorRules: [rule('low', { countries: ['DE'], floorMicros: 1_000_000 })] };
    const index = compileIndex([], { placements: [p] });
    expect(resolveFloor(index, { placementId: 'p1', country: 'DE' })).toEqual({
      floorMicros: 4_000_000,
      rule: 'low',
      ruleFloorMicros: 1_000_000,
    });
    expect(resolveFloor(index, { placementId: 'p1', country: 'DE', slotFloorMicros: 5_000_000 })?.floorMicros).toBe(5_000_000);
    expect(resolveFloor(index, { placementId: 'nope' })).toBeUndefined();
  });

  it('reports the floor decide() applies, whatever the slot floor (none, lower, higher, NaN), country, device and size', () => {
    const p = {
      ...P1,
      floorRules: [rule('de', { countries: ['DE'], floorMicros: 1_500_000 }), rule('wide', { sizes: [SIZES[1]!], floorMicros: 3_000_000 })],
    };
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom(Number.NaN, 0, 50_000, 2_000_000, 4_000_000), { nil: undefined }),
        fc.constantFrom('DE', 'US'),
        fc.constantFrom(...DEVICE_TYPES),
        fc.constantFrom(...SIZES),
        (slotFloor, country, deviceType, size) => {
          const items = [lineItem('any', { ...cpm(900_000_000), creatives: [banner('b', size)] })];
          const slots = [{ slotId: 'top', placementId: 'p1', ...(slotFloor === undefined ? {} : { floorMicros: slotFloor }) }];
          const [served] = run(items, [p], { slots, context: { country, deviceType }, explain: false }).slots.top ?? [];
          const resolved = resolveFloor(compileIndex(items, { placements: [p] }), {
            placementId: 'p1',
            country,
            deviceType,
            slotFloorMicros: slotFloor,
            ...size,
          });
          expect(served?.floorMicros).toBe(resolved?.floorMicros);
          expect(served?.floorRule).toBe(resolved?.rule);
        },
      ),
    );
  });

  it('raises the floor for a DE request and not for a US one, passing over the item under it with a floor step naming the rule', () => {
    const p = { ...P1, floorRules: [rule('placement.floorRules[0]', { countries: ['DE'], floorMicros: 1_500_000 })] };
    const items = [lineItem('cheap', cpm(1_000_000)), lineItem('dear', { ...cpm(2_000_000), tier: 'house' })];
    const de = run(items, [p]);
    expect(winners(de)).toEqual(['dear']);
    expect(de.slots.top?.[0]).toMatchObject({ floorMicros: 1_500_000, floorRule: 'placement.floorRules[0]' });
    expect(entryOf(de, 'cheap')).toMatchObject({ step: 'floor' });
    expect(entryOf(de, 'cheap')?.reason).toContain('floor rule placement.floorRules[0]');
    const us = run(items, [p], { context: { country: 'US' } });
    expect(winners(us)).toEqual(['cheap']);
    expect(us.slots.top?.[0]).toMatchObject({ floorMicros: 100_000, floorRule: undefined });
  });

  it('applies a size rule by the served creative’s size, and a second-price winner clears at no less than its own floor', () => {
    const p = { ...P1, floorRules: [rule('big', { sizes: [{ width: 728, height: 90 }], floorMicros: 3_000_000 })] };
    const leader = lineItem('leader', { ...cpm(5_000_000), creatives: [banner('lb', { width: 728, height: 90 })] });
    const box = lineItem('box', { ...cpm(2_000_000), creatives: [banner('mpu')] });
    const result = run([leader, box], [p]);
    expect(winners(result)).toEqual(['leader']);
    // Runner-up 2.00 is under the leaderboard's floor 3.00: the winner pays floor + 1 cent.
    expect(result.slots.top?.[0]).toMatchObject({ priceMicros: 3_010_000, floorMicros: 3_000_000, floorRule: 'big' });
    const alone = run([box, lineItem('cheap-leader', { ...cpm(2_500_000), creatives: [banner('lb2', { width: 728, height: 90 })] })], [p]);
    expect(winners(alone)).toEqual(['box']);
    expect(entryOf(alone, 'cheap-leader')).toMatchObject({ step: 'floor' });
  });

  it('holds outside bids to the floor of their size', () => {
    const p = { ...P1, floorRules: [rule('mobile', { deviceTypes: ['mobile'], floorMicros: 2_000_000 })] };
    const bid = (id: string, priceMicros: number): ExternalBid => ({
      slotId: 'top',
      bidId: id,
      seat: 's',
      priceMicros,
      width: 300,
      height: 250,
    });
    const result = run([], [p], { externalBids: [bid('low', 1_900_000), bid('ok', 2_100_000)] });
    expect(winners(result)).toEqual(['ok']);
    expect(result.slots.top?.[0]?.priceMicros).toBe(2_010_000);
    expect(entryOf(result, 'low')).toMatchObject({ step: 'floor' });
  });
});

describe('request blocklists against our line items', () => {
  it('removes a line item whose advertiser domain is in blockedDomains (case-insensitive), with a blocked step', () => {
    const items = [lineItem('shoes', { ...cpm(5_000_000), advertiserDomains: ['shoes.example'] }), lineItem('other', cpm(1_000_000))];
    expect(winners(run(items, [P1]))).toEqual(['shoes']);
    const blocked = run(items, [P1], { blockedDomains: ['Shoes.Example'] });
    expect(winners(blocked)).toEqual(['other']);
    expect(entryOf(blocked, 'shoes')).toMatchObject({
      step: 'blocked',
      reason: 'advertiser domain shoes.example is blocked by the request (badv)',
    });
  });

  it('skips creatives of a blocked category, a parent IAB category blocking its subcategories', () => {
    const items = [
      lineItem('mixed', {
        ...cpm(5_000_000),
        creatives: [banner('alcohol', { categories: ['IAB8-5'] }), banner('food', { categories: ['IAB8-9'] })],
      }),
      lineItem('beer', { ...cpm(4_000_000), creatives: [banner('beer-ad', { categories: ['IAB8-5'] })] }),
      lineItem('plain', cpm(1_000_000)),
    ];
    const narrow = run(items, [P1], { blockedCategories: ['IAB8-5'], slots: [{ slotId: 'top', placementId: 'p1', count: 3 }] });
    expect(winners(narrow)).toEqual(['mixed', 'plain']);
    expect(narrow.slots.top?.[0]?.creative?.id).toBe('food');
    expect(entryOf(narrow, 'beer')).toMatchObject({ step: 'blocked' });
    expect(entryOf(narrow, 'beer')?.reason).toContain('IAB8-5');
    const parent = run(items, [P1], { blockedCategories: ['IAB8'] });
    expect(winners(parent)).toEqual(['plain']);
    expect(categoryKeys('IAB8-5')).toEqual(['IAB8-5', 'IAB8']);
    expect(categoryKeys('483')).toEqual(['483']);
  });

  it('changes nothing for a request that blocks nothing of ours', () => {
    const items = [lineItem('a', { ...cpm(3_000_000), advertiserDomains: ['a.example'] }), lineItem('b', cpm(2_000_000))];
    const plain = run(items, [P1]);
    expect(run(items, [P1], { blockedDomains: ['z.example'], blockedCategories: ['IAB1'] }).slots).toEqual(plain.slots);
  });
});

// --- properties -------------------------------------------------------------------------------------------

const COUNTRIES = ['DE', 'US', 'FR'] as const;
const size = fc.constantFrom(...SIZES);
const floorRule = fc
  .record(
    {
      countries: fc.subarray([...COUNTRIES], { minLength: 1 }),
      deviceTypes: fc.subarray([...DEVICE_TYPES], { minLength: 1 }),
      sizes: fc.subarray(SIZES, { minLength: 1 }),
    },
    { requiredKeys: [] },
  )
  .chain((conditions) => fc.integer({ min: 0, max: 4_000_000 }).map((floorMicros) => ({ ...conditions, floorMicros })));
const floorRules = fc
  .array(floorRule, { maxLength: 5 })
  .map((rules) => rules.map((r, i): DeliveryFloorRule => ({ ...r, label: `placement.floorRules[${i}]` })));
const DOMAINS = ['a.example', 'b.example', 'c.example'];
const CATEGORIES = ['IAB1', 'IAB1-2', 'IAB8-5', 'IAB25'];
const items: fc.Arbitrary<DeliveryLineItem[]> = fc
  .array(
    fc.record({
      tier: fc.constantFrom(...PRIORITY_TIERS),
      bidMicros: fc.constantFrom(0, 500_000, 1_000_000, 2_000_000, 3_500_000, 6_000_000),
      domains: fc.subarray(DOMAINS, { maxLength: 2 }),
      creatives: fc.array(fc.record({ size, categories: fc.subarray(CATEGORIES, { maxLength: 2 }) }), { minLength: 1, maxLength: 3 }),
    }),
    { maxLength: 20 },
  )
  .map((list) =>
    list.map((x, i) =>
      lineItem(`li${i}`, {
        advertiserId: `a${i % 6}`,
        tier: x.tier,
        priority: tierRank(x.tier),
        ...cpm(x.bidMicros),
        advertiserDomains: x.domains,
        creatives: x.creatives.map((c, k) => banner(`cr${i}-${k}`, { ...c.size, categories: c.categories })),
      }),
    ),
  );
const matches = (r: DeliveryFloorRule, country: string, deviceType: string, w: number, h: number) =>
  (r.countries === undefined || r.countries.includes(country)) &&
  (r.deviceTypes === undefined || r.deviceTypes.includes(deviceType)) &&
  (r.sizes === undefined || r.sizes.some((s) => s.width === w && s.height === h));
const conditionsOf = (r: DeliveryFloorRule) => [r.countries, r.deviceTypes, r.sizes].filter((c) => c !== undefined).length;
/** The rule table read the slow way: every rule that matches, the most conditions first, then list order. */
function expectedFloor(rules: readonly DeliveryFloorRule[], base: number, country: string, deviceType: string, w: number, h: number) {
  const matching = rules.filter((r) => matches(r, country, deviceType, w, h));
  const best = matching.reduce<DeliveryFloorRule | undefined>(
    (top, r) => (top === undefined || conditionsOf(r) > conditionsOf(top) ? r : top),
    undefined,
  );
  return Math.max(base, best?.floorMicros ?? 0);
}

describe('floors and blocklists, properties', () => {
  it('never serves an ad under the effective floor of the request’s country, device type and the ad’s size', () => {
    fc.assert(
      fc.property(
        items,
        floorRules,
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.option(fc.integer({ min: 0, max: 3_000_000 }), { nil: undefined }),
        fc.record({ country: fc.constantFrom(...COUNTRIES, 'GB'), deviceType: fc.constantFrom(...DEVICE_TYPES) }),
        fc.array(fc.record({ priceMicros: fc.integer({ min: 0, max: 5_000_000 }), size }), { maxLength: 3 }),
        fc.constantFrom<'first' | 'second'>('first', 'second'),
        (list, rules, placementFloor, slotFloor, context, bids, auction) => {
          const p = { ...P1, floorMicros: placementFloor, floorRules: rules };
          const externalBids = bids.map(
            (b, i): ExternalBid => ({ slotId: 'top', bidId: `b${i}`, seat: 's', priceMicros: b.priceMicros, ...b.size }),
          );
          const result = decide(
            compileIndex(list, { placements: [p] }),
            { nowMs: NOW, slots: [{ slotId: 'top', placementId: 'p1', count: 2, floorMicros: slotFloor }], context, externalBids },
            openState(),
            { random: seeded(3), auction },
          );
          const base = Math.max(placementFloor, slotFloor ?? 0);
          for (const s of result.slots.top ?? []) {
            const w = s.creative?.width ?? s.external?.width ?? 0;
            const h = s.creative?.height ?? s.external?.height ?? 0;
            const floor = expectedFloor(rules, base, context.country, context.deviceType, w, h);
            expect(s.floorMicros).toBe(floor);
            expect(s.priceMicros).toBeGreaterThanOrEqual(floor);
            expect(s.ecpmMicros).toBeGreaterThanOrEqual(floor);
            expect(s.priceMicros).toBeLessThanOrEqual(s.ecpmMicros);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never serves a line item of a blocked domain nor a creative of a blocked category, and blocks nothing else', () => {
    fc.assert(
      fc.property(items, fc.subarray(DOMAINS), fc.subarray(CATEGORIES), (list, blockedDomains, blockedCategories) => {
        const index = compileIndex(list, { placements: [P1] });
        const slots = [{ slotId: 'top', placementId: 'p1', count: 3 }];
        const req = { nowMs: NOW, slots, context: {}, blockedDomains, blockedCategories, explain: true };
        const result = decide(index, req, openState(), { random: seeded(5) });
        const blockedKeys = new Set(blockedCategories);
        const isBlockedCreative = (categories: readonly string[] | undefined) =>
          (categories ?? []).some((c) => categoryKeys(c).some((k) => blockedKeys.has(k)));
        for (const s of result.slots.top ?? []) {
          expect(s.lineItem?.advertiserDomains?.some((d) => blockedDomains.includes(d))).toBe(false);
          expect(isBlockedCreative(s.creative?.categories)).toBe(false);
        }
        // Exactly the items with a blocked domain or no unblocked creative are explained as `blocked`.
        for (const li of list) {
          const entry = result.explanation?.find((e) => e.lineItemId === li.id);
          const shouldBlock =
            li.advertiserDomains?.some((d) => blockedDomains.includes(d)) === true ||
            (li.creatives ?? []).every((c) => isBlockedCreative(c.categories));
          expect(entry?.step === 'blocked').toBe(shouldBlock);
        }
      }),
      { numRuns: 300 },
    );
  });
});
