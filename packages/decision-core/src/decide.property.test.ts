import { DEVICE_TYPES, type Targeting } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetKey } from './budget-keys.js';
import { fitsPlacement, placementFit } from './creative-fit.js';
import { decide } from './decide.js';
import { capsAllow, flightAllows } from './decide-checks.js';
import { banner, lineItem, placement } from './decide-fixtures.test-support.js';
import type { DecisionRequest, DeliveryState, ExternalBid, Selection } from './decide-types.js';
import { compileIndex } from './delivery-index.js';
import { type DeliveryLineItem, PRIORITY_TIERS, tierRank } from './delivery-types.js';
import { matchLineItem } from './index-fold.js';

const PLACEMENTS = [
  placement('p0', { floorMicros: 0 }),
  placement('p1', { floorMicros: 1_500_000, formats: ['image'], sizes: [{ width: 728, height: 90 }] }),
  placement('p2', { floorMicros: 500_000, formats: ['video', 'html'], sizes: [{ width: 300, height: 250 }] }),
];
const NOW = Date.UTC(2026, 10, 28, 15);
const some = <T>(values: readonly T[]) => fc.subarray([...values]);
const targeting: fc.Arbitrary<Targeting> = fc
  .record(
    {
      placements: some(['p0', 'p1', 'p2']),
      geo: fc.record({ countries: some(['US', 'FR']) }),
      deviceTypes: some(DEVICE_TYPES),
      keywords: fc.record({ any: some(['k0', 'k1']), none: some(['k2']) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  )
  .map((t) => JSON.parse(JSON.stringify(t)));
const creative = fc.record({
  id: fc.constantFrom('cr-a', 'cr-b', 'cr-c'),
  format: fc.constantFrom('image', 'html', 'video'),
  size: fc.constantFrom([300, 250], [728, 90]),
  weight: fc.integer({ min: 1, max: 5 }),
});
const item = fc.record({
  tier: fc.constantFrom(...PRIORITY_TIERS),
  model: fc.constantFrom('cpm', 'cpm', 'cpc', 'cpa'),
  bidMicros: fc.constantFrom(0, 500_000, 1_000_000, 2_000_000, 3_000_000, 900_000_000),
  targeting,
  campaignTargeting: fc.option(targeting, { nil: undefined }),
  creatives: fc.array(creative, { maxLength: 3 }),
  caps: fc.array(
    fc.record({
      scope: fc.constantFrom('lineItem', 'campaign'),
      count: fc.integer({ min: 1, max: 3 }),
      windowMs: fc.constantFrom(60_000, 3_600_000, null),
    }),
    { maxLength: 2 },
  ),
  budget: fc.option(
    fc.record({
      scope: fc.constantFrom('lineItem', 'campaign'),
      period: fc.constantFrom('total', 'daily'),
      limitMicros: fc.bigInt({ min: 0n, max: 20_000n }),
    }),
    { nil: undefined },
  ),
  pacing: fc.constantFrom('even', 'asap'),
  flightEnd: fc.constantFrom(null, NOW - 1, NOW + 3_600_000),
});
const lineItems: fc.Arbitrary<DeliveryLineItem[]> = fc.array(item, { maxLength: 25 }).map((items) =>
  items.map((x, i) => ({
    id: `li${i}`,
    campaignId: `c${i % 4}`,
    advertiserId: `a${i % 5}`,
    priority: tierRank(x.tier),
    tier: x.tier,
    targeting: x.targeting,
    ...(x.campaignTargeting ? { campaignTargeting: x.campaignTargeting } : {}),
    pricing: { model: x.model, bidMicros: x.bidMicros },
    creatives: x.creatives.map((c, k) => ({ id: `${c.id}${k}`, format: c.format, width: c.size[0], height: c.size[1], weight: c.weight })),
    frequencyCaps: x.caps,
    budgets: x.budget ? [x.budget] : [],
    pacing: x.pacing,
    flight: { startMs: NOW - 86_400_000, endMs: x.flightEnd },
  })),
);
const request: fc.Arbitrary<DecisionRequest> = fc
  .record({
    slots: fc.uniqueArray(
      fc.record({
        slotId: fc.constantFrom('s0', 's1', 's2'),
        placementId: fc.constantFrom('p0', 'p1', 'p2', 'p9'),
        count: fc.integer({ min: 1, max: 2 }),
      }),
      {
        selector: (s) => s.slotId,
        minLength: 1,
        maxLength: 3,
      },
    ),
    context: fc.record({
      country: fc.constantFrom('US', 'FR'),
      deviceType: fc.constantFrom(...DEVICE_TYPES),
      keywords: some(['k0', 'k1', 'k2']),
    }),
    allowDuplicateAdvertisers: fc.boolean(),
    bids: fc.array(
      fc.record({
        slotId: fc.constantFrom('s0', 's1'),
        priceMicros: fc.integer({ min: 0, max: 4_000_000 }),
        domain: fc.constantFrom('x.example', 'y.example'),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ bids, ...r }) => ({
    ...r,
    nowMs: NOW,
    externalBids: bids.map(
      (b, i): ExternalBid => ({ slotId: b.slotId, bidId: `bid${i}`, seat: 'dsp', priceMicros: b.priceMicros, advertiserDomain: b.domain }),
    ),
  }));
const stateOf = fc
  .record({
    frequency: fc.dictionary(fc.constantFrom('li0', 'li1', 'li2', 'c0', 'c1'), fc.integer({ min: 0, max: 3 })),
    spent: fc.integer({ min: 0, max: 20_000 }),
    allowance: fc.boolean(),
  })
  .map(
    (s): DeliveryState => ({
      frequency: (scopeId) => s.frequency[scopeId] ?? 0,
      spent: (key) => (key.includes('li1') || key.includes('c2') ? BigInt(s.spent) : 0n),
      hasAllowance: (li) => s.allowance || li.id !== 'li3',
    }),
  );
const rankKey = (s: Pick<Selection, 'tier' | 'ecpmMicros'>) => tierRank(s.tier) * 1e12 + s.ecpmMicros;

describe('decide: properties', () => {
  it('serves only what passes every step, explains the rest, ranks by tier then eCPM and separates advertisers', () => {
    fc.assert(
      fc.property(lineItems, request, stateOf, fc.integer(), (items, req, state, seed) => {
        const index = compileIndex(items, { placements: PLACEMENTS });
        const random = () => ((seed >>> 0) % 1000) / 1000;
        const plain = decide(index, req, state, { random });
        const explainLineItemIds = items.map((li) => li.id);
        const explained = decide(index, { ...req, explain: true, explainLineItemIds }, state, { random });
        expect(explained.slots).toEqual(plain.slots);
        const served = Object.values(plain.slots).flat();
        const advertisers = served.map((s) => s.lineItem?.advertiserId ?? s.external?.advertiserDomain);
        const lineItemIds = served.flatMap((s) => (s.lineItem ? [s.lineItem.id] : []));
        expect(new Set(lineItemIds).size).toBe(lineItemIds.length);
        if (!req.allowDuplicateAdvertisers) expect(new Set(advertisers).size).toBe(advertisers.length);
        for (const slot of req.slots) {
          const p = index.placements.get(slot.placementId);
          const selections = plain.slots[slot.slotId] ?? [];
          expect(selections.length).toBeLessThanOrEqual(slot.count ?? 1);
          for (const s of selections) {
            expect(s.priceMicros).toBeGreaterThanOrEqual(p?.floorMicros ?? Number.POSITIVE_INFINITY);
            expect(s.priceMicros).toBeLessThanOrEqual(s.ecpmMicros);
            if (s.lineItem === undefined) continue;
            const li = s.lineItem;
            expect(matchLineItem(li, { ...req.context, placementId: slot.placementId, nowMs: req.nowMs })).toEqual({ ok: true });
            expect(fitsPlacement(s.creative, placementFit(p!))).toBe(true);
            expect(flightAllows(li, req.nowMs) && capsAllow(li, state)).toBe(true);
            for (const b of li.budgets ?? [])
              expect(state.spent(budgetKey(li, b, req.nowMs)) + s.costMicros).toBeLessThanOrEqual(b.limitMicros);
          }
          const entries = explained.explanation?.filter((e) => e.slotId === slot.slotId) ?? [];
          const ctx = { ...req.context, placementId: slot.placementId, nowMs: req.nowMs };
          const rejected = items.filter((li) => !matchLineItem(li, ctx).ok).length;
          const summary = entries.filter((e) => e.lineItemId === undefined && e.bidId === undefined);
          expect(summary).toEqual([expect.objectContaining({ step: 'targeting', count: p ? rejected : items.length })]);
          // Every line item (all are named) has exactly one entry, and a targeting entry exactly when targeting rejects it.
          const listed = entries.filter((e) => e.lineItemId !== undefined);
          if (p) expect(listed.map((e) => e.lineItemId).sort()).toEqual(items.map((li) => li.id).sort());
          for (const e of listed) expect(e.step === 'targeting').toBe(!matchLineItem(items.find((li) => li.id === e.lineItemId)!, ctx).ok);
          const last = selections.at(-1);
          // A slot left short had nothing left to give: no admitted item was merely outranked.
          if (selections.length < (slot.count ?? 1)) expect(entries.filter((e) => e.step === 'rank')).toEqual([]);
          for (const e of entries) {
            if (e.step === 'won')
              expect(selections.some((s) => (s.lineItem?.id ?? s.external?.bidId) === (e.lineItemId ?? e.bidId))).toBe(true);
            if (e.step !== 'rank' || last === undefined || e.lineItemId === undefined) continue;
            // An outranked item never ranks above the slot's last winner: tiers first, then eCPM.
            const li = index.lineItems.find((x) => x.id === e.lineItemId)!;
            const position = index.lineItems.indexOf(li);
            const ecpmMicros = index.ecpmMicros[position] ?? 0;
            if (li.pricing?.model === 'cpm')
              expect(rankKey({ tier: PRICE_TIERS[index.tierRank[position]!]!, ecpmMicros })).toBeLessThanOrEqual(rankKey(last));
            else expect(index.tierRank[position]!).toBeLessThanOrEqual(tierRank(last.tier));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('serves under a slot floor only eCPMs at or above max(placement floor, slot floor), as if the placement floor were raised', () => {
    const slotFloor = fc.option(fc.constantFrom(0, 400_000, 1_000_000, 1_500_000, 2_500_000, 5_000_000), { nil: undefined });
    const floors = fc.record({ p0: slotFloor, p1: slotFloor, p2: slotFloor, p9: slotFloor });
    fc.assert(
      fc.property(lineItems, request, floors, stateOf, fc.integer(), (items, req, byPlacement, state, seed) => {
        const random = () => ((seed >>> 0) % 1000) / 1000;
        const slots = req.slots.map((slot) => ({ ...slot, floorMicros: byPlacement[slot.placementId as keyof typeof byPlacement] }));
        const floored = decide(compileIndex(items, { placements: PLACEMENTS }), { ...req, slots }, state, { random });
        for (const slot of slots) {
          const placementFloor = PLACEMENTS.find((p) => p.id === slot.placementId)?.floorMicros ?? 0;
          for (const s of floored.slots[slot.slotId] ?? []) {
            expect(s.ecpmMicros).toBeGreaterThanOrEqual(Math.max(placementFloor, slot.floorMicros ?? 0));
            expect(s.priceMicros).toBeGreaterThanOrEqual(Math.max(placementFloor, slot.floorMicros ?? 0));
            expect(s.priceMicros).toBeLessThanOrEqual(s.ecpmMicros);
          }
        }
        // Not a filter on the result: the slot is filled by the next eligible candidate, exactly as a
        // placement whose own floor were the higher one would be (same items, same positions, same seed).
        const raised = PLACEMENTS.map((p) => ({ ...p, floorMicros: Math.max(p.floorMicros, byPlacement[p.id as 'p0'] ?? 0) }));
        const reference = decide(compileIndex(items, { placements: raised }), req, state, { random });
        expect(floored.slots).toEqual(reference.slots);
      }),
      { numRuns: 300 },
    );
  });

  it('never exceeds a frequency cap for one user over a sequence of decisions', () => {
    fc.assert(
      fc.property(lineItems, fc.array(fc.integer({ min: 1_000, max: 1_800_000 }), { minLength: 5, maxLength: 40 }), (items, gaps) => {
        const index = compileIndex(items, { placements: PLACEMENTS });
        // Every impression in serving order: `by` served it, counting for both its line item's and its campaign's scope.
        const seen: { scope: string; by: string; atMs: number }[] = [];
        const state: DeliveryState = {
          frequency: (scopeId, windowMs) =>
            seen.filter((s) => s.scope === scopeId && (windowMs === null || s.atMs > nowMs - windowMs)).length,
          spent: () => 0n,
          hasAllowance: () => true,
        };
        let nowMs = NOW - 3_600_000;
        const slots = [
          { slotId: 's', placementId: 'p0', count: 2 },
          { slotId: 't', placementId: 'p2' },
        ];
        for (const gap of gaps) {
          nowMs += gap;
          const context = { country: 'US', deviceType: 'mobile' as const };
          const r = decide(index, { nowMs, slots, context, allowDuplicateAdvertisers: true }, state, { random: () => (gap % 97) / 97 });
          for (const s of [...(r.slots.s ?? []), ...(r.slots.t ?? [])])
            if (s.lineItem)
              seen.push(
                { scope: s.lineItem.id, by: s.lineItem.id, atMs: nowMs },
                { scope: s.lineItem.campaignId, by: s.lineItem.id, atMs: nowMs },
              );
        }
        // When a capped item served, the user had seen fewer than `count` impressions of the scope in the window.
        seen.forEach((impression, at) => {
          const li = items.find((x) => x.id === impression.by)!;
          for (const cap of li.frequencyCaps ?? []) {
            const scope = cap.scope === 'campaign' ? li.campaignId : li.id;
            if (impression.scope !== scope) continue;
            const before = seen
              .slice(0, at)
              .filter((s) => s.scope === scope && (cap.windowMs === null || s.atMs > impression.atMs - cap.windowMs));
            expect(before.length).toBeLessThan(cap.count);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('fills a slot position by position: each ad is what a one-ad request would pick with the earlier picks served and counted against the caps', () => {
    // Caps are checked when a contender enters the slot's pool and again before it wins a later position: a pool
    // contender whose campaign an earlier pick capped is out from that position on, and only from then.
    const frequencies = fc.dictionary(fc.constantFrom('li0', 'li1', 'li2', 'c0', 'c1', 'c2'), fc.integer({ min: 0, max: 2 }));
    // Price-tier items of few campaigns that all fit p0: second-price runner-up searches keep contenders in the pool.
    const pooled: fc.Arbitrary<DeliveryLineItem[]> = fc
      .array(
        fc.record({
          bidMicros: fc.constantFrom(1_000_000, 2_000_000, 3_000_000),
          caps: fc.array(
            fc.record({
              scope: fc.constantFrom('lineItem', 'campaign'),
              count: fc.integer({ min: 1, max: 2 }),
              windowMs: fc.constant(null),
            }),
            { maxLength: 1 },
          ),
        }),
        { minLength: 2, maxLength: 8 },
      )
      .map((xs) =>
        xs.map((x, i) => ({
          ...lineItem(`li${i}`, { campaignId: `c${i % 3}`, advertiserId: `a${i}`, creatives: [banner(`cr${i}`)] }),
          tier: 'price' as const,
          priority: tierRank('price'),
          pricing: { model: 'cpm' as const, bidMicros: x.bidMicros },
          frequencyCaps: x.caps,
        })),
      );
    fc.assert(
      fc.property(
        fc.oneof(lineItems, pooled),
        frequencies,
        fc.integer({ min: 2, max: 3 }),
        fc.integer(),
        (generated, seen, count, seed) => {
          // Every item budgeted, so the state is asked about each one's allowance (a large total: never the limit).
          const budget = { scope: 'lineItem' as const, period: 'total' as const, limitMicros: 10n ** 15n };
          const items = generated.map((li) => (li.budgets?.length ? li : { ...li, budgets: [budget] }));
          const index = compileIndex(items, { placements: PLACEMENTS });
          const random = () => (seed >>> 0) / 4294967296;
          const context = { country: 'US', deviceType: 'mobile' as const };
          const stateWith = (picked: readonly DeliveryLineItem[]): DeliveryState => ({
            frequency: (scopeId) => (seen[scopeId] ?? 0) + picked.filter((li) => li.id === scopeId || li.campaignId === scopeId).length,
            spent: () => 0n,
            // An earlier pick is out of the one-ad request the way a taken item is out of the slot.
            hasAllowance: (li) => !picked.includes(li),
          });
          const request = (n: number): DecisionRequest => ({
            nowMs: NOW,
            slots: [{ slotId: 's', placementId: 'p0', count: n }],
            context,
            allowDuplicateAdvertisers: true,
          });
          const filled = decide(index, request(count), stateWith([]), { random }).slots.s ?? [];
          const picked: DeliveryLineItem[] = [];
          for (const selection of filled) {
            const alone = decide(index, request(1), stateWith(picked), { random }).slots.s ?? [];
            expect(alone.map((s) => [s.lineItem?.id, s.priceMicros])).toEqual([[selection.lineItem?.id, selection.priceMicros]]);
            picked.push(selection.lineItem!);
          }
          // A slot left short of `count`: nothing else could fill the next position.
          if (filled.length < count) expect(decide(index, request(1), stateWith(picked), { random }).slots.s).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps spend within every budget when processes spend from leased allowances', () => {
    fc.assert(
      fc.property(
        lineItems,
        fc.integer({ min: 1, max: 4 }),
        fc.bigInt({ min: 1_000n, max: 5_000n }),
        fc.integer(),
        (items, processes, leaseMicros, seed) => {
          const priced = items.map((li) => ({
            ...li,
            pacing: 'asap' as const,
            frequencyCaps: [],
            budgets: [{ scope: 'campaign' as const, period: 'total' as const, limitMicros: 30_000n }],
          }));
          const index = compileIndex(priced, { placements: PLACEMENTS });
          const limitOf = 30_000n;
          const central = new Map<string, { leased: bigint; spent: bigint }>();
          const locals = Array.from({ length: processes }, () => new Map<string, { left: bigint; spent: bigint }>());
          const ledger = (key: string) => central.get(key) ?? central.set(key, { leased: 0n, spent: 0n }).get(key)!;
          const stateFor = (local: Map<string, { left: bigint; spent: bigint }>, nowMs: number): DeliveryState => ({
            frequency: () => 0,
            spent: (key) => ledger(key).spent, // the snapshot; slightly stale in a real cluster, exact here
            hasAllowance: (li, cost) =>
              (li.budgets ?? []).every((b) => {
                const key = budgetKey(li, b, nowMs);
                const mine = local.get(key) ?? local.set(key, { left: 0n, spent: 0n }).get(key)!;
                if (mine.left >= cost) return true;
                const grant = leaseMicros < limitOf - ledger(key).leased ? leaseMicros : limitOf - ledger(key).leased;
                ledger(key).leased += grant;
                mine.left += grant;
                return mine.left >= cost;
              }),
          });
          let t = NOW;
          let x = seed;
          for (let i = 0; i < 200; i++) {
            const p = i % processes;
            const local = locals[p]!;
            t += 1000;
            x = (Math.imul(x, 1103515245) + 12345) | 0;
            const r = decide(
              index,
              { nowMs: t, slots: [{ slotId: 's', placementId: 'p0' }], context: { country: 'US', deviceType: 'mobile' } },
              stateFor(local, t),
              {
                random: () => (x >>> 0) / 4294967296,
              },
            );
            for (const s of r.slots.s ?? [])
              for (const b of s.lineItem?.budgets ?? []) {
                const key = budgetKey(s.lineItem!, b, t);
                local.get(key)!.left -= s.costMicros;
                ledger(key).spent += s.costMicros;
              }
          }
          for (const { spent, leased } of central.values()) {
            expect(spent).toBeLessThanOrEqual(leased);
            expect(leased).toBeLessThanOrEqual(limitOf);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

const PRICE_TIERS = [...PRIORITY_TIERS].reverse();
