import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { banner, lineItem, openState, placement, seeded } from './decide-fixtures.test-support.js';
import type { DecisionRequest, DeliveryState, ExternalBid } from './decide-types.js';
import { compileIndex } from './delivery-index.js';
import type { DeliveryLineItem, DeliveryPlacement } from './delivery-types.js';

const P1 = placement('p1');
const request = (over: Partial<DecisionRequest> = {}): DecisionRequest => ({
  nowMs: Date.UTC(2026, 10, 28, 12),
  slots: [{ slotId: 'top', placementId: 'p1' }],
  context: { country: 'US' },
  ...over,
});
const run = (
  items: DeliveryLineItem[],
  over: Partial<DecisionRequest> = {},
  state = openState(),
  extra = {},
  placements: DeliveryPlacement[] = [P1],
) => decide(compileIndex(items, { placements }), request(over), state, { random: seeded(1), ...extra });
const winners = (result: ReturnType<typeof decide>, slotId = 'top') =>
  (result.slots[slotId] ?? []).map((s) => s.lineItem?.id ?? s.external?.bidId);
const stepOf = (result: ReturnType<typeof decide>, id: string, slotId = 'top') =>
  result.explanation?.find((e) => e.slotId === slotId && (e.lineItemId === id || e.bidId === id));

describe('decide: ranking', () => {
  it('serves a higher tier whatever the price, then the highest eCPM', () => {
    const items = [
      lineItem('rich-price', { tier: 'price', pricing: { model: 'cpm', bidMicros: 90_000_000 } }),
      lineItem('sponsor', { tier: 'sponsorship', pricing: { model: 'cpm', bidMicros: 1 } }),
      lineItem('standard', { tier: 'standard', pricing: { model: 'cpm', bidMicros: 5_000_000 } }),
    ];
    expect(winners(run(items))).toEqual(['sponsor']);
    expect(winners(run(items, { slots: [{ slotId: 'top', placementId: 'p1', count: 3 }] }))).toEqual(['sponsor', 'standard', 'rich-price']);
  });

  it('ranks CPC by bid × the default 0.1% CTR and CPA by bid × 0.01%, in integer micros', () => {
    const items = [
      lineItem('cpm', { pricing: { model: 'cpm', bidMicros: 1_999_999 } }),
      lineItem('cpc', { pricing: { model: 'cpc', bidMicros: 2_000_000 } }), // eCPM 2,000,000
      lineItem('cpa', { pricing: { model: 'cpa', bidMicros: 10_000_000 } }), // eCPM 1,000,000
    ];
    const result = run(items, { slots: [{ slotId: 'top', placementId: 'p1', count: 3 }] }, openState(), { auction: 'first' });
    expect(result.slots.top?.map((s) => [s.lineItem?.id, s.ecpmMicros, s.costMicros])).toEqual([
      ['cpc', 2_000_000, 0n],
      ['cpm', 1_999_999, 1_999n],
      ['cpa', 1_000_000, 0n],
    ]);
  });

  it('uses a rate predictor when given one', () => {
    const items = [
      lineItem('cpm', { pricing: { model: 'cpm', bidMicros: 3_000_000 } }),
      lineItem('cpc', { pricing: { model: 'cpc', bidMicros: 1_000_000 } }),
    ];
    const predictor = { ctrPpm: () => 5_000, cvrPpm: () => 0 }; // 0.5% CTR: CPC eCPM 5,000,000
    expect(winners(run(items, {}, openState(), { predictor }))).toEqual(['cpc']);
  });

  it('breaks eCPM ties uniformly at random, deterministically per random source', () => {
    const items = ['a', 'b', 'c', 'd'].map((id) => lineItem(id));
    const index = compileIndex(items, { placements: [P1] });
    const counts = new Map<string, number>();
    const random = seeded(9);
    for (let i = 0; i < 4000; i++) {
      const id = decide(index, request(), openState(), { random }).slots.top?.[0]?.lineItem?.id ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of ['a', 'b', 'c', 'd']) expect(counts.get(id)).toBeGreaterThan(850);
    const once = (seed: number) => winners(decide(index, request(), openState(), { random: seeded(seed) }));
    expect(once(5)).toEqual(once(5));
  });
});

describe('decide: eligibility steps', () => {
  it('drops each line item at its step and explains it', () => {
    const nowMs = request().nowMs;
    const items = [
      lineItem('wrong-size', { creatives: [banner('big', { width: 728, height: 90 })] }),
      lineItem('ended', { flight: { startMs: 0, endMs: nowMs } }),
      lineItem('capped', { frequencyCaps: [{ scope: 'campaign', count: 2, windowMs: 3_600_000 }] }),
      lineItem('broke', { budgets: [{ scope: 'lineItem', period: 'total', limitMicros: 1_000_000n }] }),
      lineItem('cheap', { pricing: { model: 'cpm', bidMicros: 100 } }),
      lineItem('fr', { targeting: { geo: { countries: ['FR'] } } }),
      lineItem('camp-fr', { campaignTargeting: { geo: { countries: ['FR'] } } }),
      lineItem('ok', { pricing: { model: 'cpm', bidMicros: 500_000 } }),
    ];
    const state: DeliveryState = openState({
      frequency: (scopeId) => (scopeId === 'c-capped' ? 2 : 0),
      spent: (key) => (key === 'li:broke:total' ? 1_000_000n : 0n),
    });
    const explainLineItemIds = ['fr', 'camp-fr'];
    const result = run(items, { explain: true, explainLineItemIds }, state, {}, [placement('p1', { floorMicros: 200_000 })]);
    expect(winners(result)).toEqual(['ok']);
    const steps = Object.fromEntries(items.map((li) => [li.id, stepOf(result, li.id)?.step]));
    expect(steps).toEqual({
      'wrong-size': 'creative',
      ended: 'flight',
      capped: 'frequency-cap',
      broke: 'budget',
      cheap: 'floor',
      fr: 'targeting',
      'camp-fr': 'targeting',
      ok: 'won',
    });
    expect(stepOf(result, 'camp-fr')?.dimension).toBe('campaign.geo.countries');
    expect(result.explanation).toContainEqual({
      slotId: 'top',
      step: 'targeting',
      count: 2,
      reason: '2 line items do not target this request',
    });
    // Without naming them, targeting failures are only counted.
    expect(stepOf(run(items, { explain: true }, state), 'fr')).toBeUndefined();
  });

  it('fits video and native by format, image and HTML by format and size', () => {
    const video = lineItem('video', { creatives: [banner('v', { format: 'video', width: undefined, height: undefined })] });
    const html = lineItem('html', { creatives: [banner('h', { format: 'html', width: 300, height: 250 })] });
    expect(winners(run([video], {}, openState(), {}, [placement('p1', { formats: ['video'], sizes: [] })]))).toEqual(['video']);
    expect(winners(run([html], {}, openState(), {}, [placement('p1', { formats: ['image'] })]))).toEqual([]);
    expect(
      winners(run([html], {}, openState(), {}, [placement('p1', { formats: ['html'], sizes: [{ width: 320, height: 50 }] })])),
    ).toEqual([]);
  });

  it('asks the allowance for the impression cost and refuses without it', () => {
    const seen: bigint[] = [];
    const item = lineItem('x', {
      pricing: { model: 'cpm', bidMicros: 2_500_999 },
      budgets: [{ scope: 'campaign', period: 'daily', limitMicros: 10n ** 9n }],
    });
    const result = run(
      [item],
      {},
      openState({
        hasAllowance: (_li, cost) => {
          seen.push(cost);
          return false;
        },
      }),
    );
    expect(seen).toEqual([2_500n]);
    expect(winners(result)).toEqual([]);
  });

  it('answers an unknown placement with no fill, explained', () => {
    const result = run([lineItem('a')], { slots: [{ slotId: 'x', placementId: 'nope' }], explain: true });
    expect(result.slots).toEqual({ x: [] });
    expect(result.explanation).toEqual([
      { slotId: 'x', step: 'targeting', dimension: 'placement', reason: 'unknown placement "nope"', count: 1 },
    ]);
  });
});

describe('decide: auction', () => {
  const priced = (id: string, bidMicros: number) => lineItem(id, { pricing: { model: 'cpm', bidMicros } });
  const bid = (bidId: string, priceMicros: number, over: Partial<ExternalBid> = {}): ExternalBid => ({
    slotId: 'top',
    bidId,
    seat: 'dsp',
    priceMicros,
    ...over,
  });

  it('second price: the runner-up (or the floor) plus one cent CPM, never above the own bid', () => {
    const floored = [placement('p1', { floorMicros: 1_000_000 })];
    const a = run([priced('a', 5_000_000), priced('b', 3_000_000)], {}, openState(), {}, floored).slots.top?.[0];
    expect([a?.lineItem?.id, a?.priceMicros, a?.costMicros]).toEqual(['a', 3_010_000, 3_010n]);
    expect(run([priced('a', 5_000_000)], {}, openState(), {}, floored).slots.top?.[0]?.priceMicros).toBe(1_010_000);
    expect(run([priced('a', 5_000_000), priced('b', 5_000_000)], {}, openState(), {}, floored).slots.top?.[0]?.priceMicros).toBe(5_000_000);
  });

  it('first price: the own bid', () => {
    expect(run([priced('a', 5_000_000), priced('b', 3_000_000)], {}, openState(), { auction: 'first' }).slots.top?.[0]?.priceMicros).toBe(
      5_000_000,
    );
  });

  it('outside bids compete in the price tier; sponsorship and standard still beat them', () => {
    const items = [priced('direct', 2_000_000)];
    const outside = run(items, { externalBids: [bid('ext', 4_000_000)] });
    expect(winners(outside)).toEqual(['ext']);
    expect(outside.slots.top?.[0]).toMatchObject({ tier: 'price', priceMicros: 2_010_000, costMicros: 2_010n });
    expect(winners(run(items, { externalBids: [bid('ext', 1_000_000)] }))).toEqual(['direct']);
    const standard = lineItem('std', { tier: 'standard', pricing: { model: 'cpm', bidMicros: 10 } });
    expect(winners(run([standard], { externalBids: [bid('ext', 99_000_000)] }))).toEqual(['std']);
  });

  it('drops outside bids under the floor, and explains them', () => {
    const result = run([], { explain: true, externalBids: [bid('low', 10)] }, openState(), {}, [placement('p1', { floorMicros: 100 })]);
    expect(winners(result)).toEqual([]);
    expect(stepOf(result, 'low')?.step).toBe('floor');
  });
});

describe('decide: several slots', () => {
  const two = [
    { slotId: 'top', placementId: 'p1' },
    { slotId: 'side', placementId: 'p1' },
  ];

  it('fills slots in request order, one ad per line item, one per advertiser', () => {
    const items = [
      lineItem('a1', { advertiserId: 'A', pricing: { model: 'cpm', bidMicros: 9_000_000 } }),
      lineItem('a2', { advertiserId: 'A', pricing: { model: 'cpm', bidMicros: 8_000_000 } }),
      lineItem('b1', { advertiserId: 'B', pricing: { model: 'cpm', bidMicros: 1_000_000 } }),
    ];
    const result = run(items, { slots: two, explain: true });
    expect([winners(result, 'top'), winners(result, 'side')]).toEqual([['a1'], ['b1']]);
    expect(stepOf(result, 'a2', 'side')?.step).toBe('separation');
    expect(stepOf(result, 'a1', 'side')?.step).toBe('separation');
    expect(stepOf(result, 'b1', 'top')).toMatchObject({ step: 'rank', outrankedBy: ['a1'] });
    const allowed = run(items, { slots: two, allowDuplicateAdvertisers: true });
    expect([winners(allowed, 'top'), winners(allowed, 'side')]).toEqual([['a1'], ['a2']]);
  });

  it('separates outside bids by advertiser domain', () => {
    const bids: ExternalBid[] = [
      { slotId: 'top', bidId: 'x1', seat: 's', priceMicros: 5_000_000, advertiserDomain: 'brand.example' },
      { slotId: 'side', bidId: 'x2', seat: 's', priceMicros: 5_000_000, advertiserDomain: 'BRAND.example' },
    ];
    const result = run([lineItem('d', { pricing: { model: 'cpm', bidMicros: 1_000 } })], { slots: two, externalBids: bids });
    expect([winners(result, 'top'), winners(result, 'side')]).toEqual([['x1'], ['d']]);
  });
});

describe('decide: creatives', () => {
  it('rotates creatives by weight', () => {
    const item = lineItem('r', { creatives: [banner('heavy', { weight: 3 }), banner('light', { weight: 1 })] });
    const index = compileIndex([item], { placements: [P1] });
    const random = seeded(3);
    let heavy = 0;
    for (let i = 0; i < 4000; i++) if (decide(index, request(), openState(), { random }).slots.top?.[0]?.creative?.id === 'heavy') heavy++;
    expect(heavy / 4000).toBeGreaterThan(0.7);
    expect(heavy / 4000).toBeLessThan(0.8);
  });

  it('keeps a user in one arm of an A/B test, arms split by weight across users', () => {
    const item = lineItem('ab', {
      creatives: [banner('arm-a', { experimentId: 'e1', weight: 1 }), banner('arm-b', { experimentId: 'e1', weight: 1 })],
    });
    const index = compileIndex([item], { placements: [P1] });
    const armOf = (userKey: string, seed: number) =>
      decide(index, request({ userKey }), openState(), { random: seeded(seed) }).slots.top?.[0]?.creative?.id;
    let a = 0;
    for (let u = 0; u < 1000; u++) {
      const first = armOf(`user-${u}`, u);
      for (let s = 1; s < 4; s++) expect(armOf(`user-${u}`, u * 7 + s)).toBe(first);
      if (first === 'arm-a') a++;
    }
    expect(a).toBeGreaterThan(420);
    expect(a).toBeLessThan(580);
  });
});
