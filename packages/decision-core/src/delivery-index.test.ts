import type { Targeting } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidates, compileIndex, explain } from './delivery-index.js';
import type { DeliveryLineItem } from './delivery-types.js';
import { context, lineItems } from './index-arbitraries.test-support.js';
import { matchLineItem } from './index-fold.js';
import { matchTargeting } from './match-targeting.js';
import type { RequestContext } from './request-context.js';
import { prepareRequest } from './request-context.js';
import { TargetingScan } from './targeting-scan.js';

const ids = (items: readonly { id: string }[]) => items.map((item) => item.id);
const RUNS = { numRuns: 400 };

describe('delivery index', () => {
  it('candidates() equals the brute-force filter over both targetings (matchTargeting on each side)', () => {
    const both = (li: DeliveryLineItem, ctx: RequestContext) =>
      matchTargeting(li.targeting, ctx, li.timezone).ok &&
      (li.campaignTargeting === undefined || matchTargeting(li.campaignTargeting, ctx, li.timezone).ok);
    fc.assert(
      fc.property(lineItems, fc.array(context, { minLength: 1, maxLength: 5 }), (items, contexts) => {
        const index = compileIndex(items);
        expect([...ids(index.lineItems)].sort()).toEqual(ids(items).sort());
        for (const ctx of contexts) {
          const expected = index.lineItems.filter((li) => both(li, ctx));
          expect(ids(candidates(index, ctx))).toEqual(ids(expected));
        }
      }),
      RUNS,
    );
  });

  it('every candidate satisfies its targeting; every other line item has a failing dimension in explain()', () => {
    fc.assert(
      fc.property(lineItems, context, (items, ctx) => {
        const index = compileIndex(items);
        const chosen = new Set(ids(candidates(index, ctx)));
        for (const li of items.filter((item) => chosen.has(item.id))) expect(matchLineItem(li, ctx)).toEqual({ ok: true });
        for (const entry of explain(index, ctx)) {
          if (chosen.has(entry.lineItemId)) expect(entry.outcome).toBe('won-targeting');
          else expect(entry).toMatchObject({ outcome: 'failed-targeting', dimension: expect.any(String), reason: expect.any(String) });
        }
      }),
      RUNS,
    );
  });

  it('a targeting scan that skips to a position yields exactly the candidates from there on', () => {
    fc.assert(
      fc.property(lineItems, context, fc.nat(), (items, ctx, at) => {
        const index = compileIndex(items);
        const from = items.length === 0 ? 0 : at % (items.length + 1);
        const all = candidates(index, ctx).map((li) => index.lineItems.indexOf(li));
        const scan = new TargetingScan(index, prepareRequest(ctx));
        const firstTaken = scan.peek();
        if (firstTaken >= 0) scan.skip();
        scan.skipTo(from);
        const rest: number[] = [];
        for (let p = scan.peek(); p >= 0; scan.skip(), p = scan.peek()) rest.push(p);
        expect(rest).toEqual(all.filter((p) => p > firstTaken && p >= from));
      }),
      RUNS,
    );
  });

  it('matches often enough for the properties to mean something', () => {
    const sample = fc.sample(fc.tuple(lineItems, context), 300);
    const matched = sample.reduce((n, [items, ctx]) => n + candidates(compileIndex(items), ctx).length, 0);
    const total = sample.reduce((n, [items]) => n + items.length, 0);
    expect(matched / total).toBeGreaterThan(0.05);
  });
});

describe('compileIndex', () => {
  const item = (id: string, t: Targeting, timezone?: string): DeliveryLineItem => ({
    id,
    campaignId: 'c',
    advertiserId: 'a',
    priority: 1,
    targeting: t,
    timezone,
  });

  it('keeps line items without a placement, country or device restriction in every bucket', () => {
    const index = compileIndex([
      item('any', {}),
      item('p1-us', { placements: ['p1'], geo: { countries: ['US'] } }),
      item('tablet', { deviceTypes: ['tablet'] }),
    ]);
    const ctx = { placementId: 'p1', nowMs: 0, country: 'us', deviceType: 'mobile' } as const;
    expect(ids(candidates(index, ctx))).toEqual(['any', 'p1-us']);
    expect(ids(candidates(index, { placementId: 'p9', nowMs: 0 }))).toEqual(['any']);
  });

  it('is frozen and records the build instant it is given', () => {
    const index = compileIndex([item('a', {})], { now: 1234 });
    expect(Object.isFrozen(index) && Object.isFrozen(index.lineItems)).toBe(true);
    expect(index.builtAtMs).toBe(1234);
  });

  it('holds the placements it is given, by id', () => {
    const placement = {
      id: 'p1',
      organizationId: 'o',
      publisherId: 'pub',
      siteId: 's',
      formats: ['image'],
      sizes: [],
      floorMicros: 0,
    } as const;
    expect(compileIndex([item('a', {})], { placements: [placement] }).placements.get('p1')).toBe(placement);
    expect(compileIndex([item('a', {})]).placements.size).toBe(0);
  });

  it('refuses an unknown time zone at build time, not at request time', () => {
    expect(() => compileIndex([item('a', {}, 'Nowhere/Nothing')])).toThrow(RangeError);
  });

  it('names the campaign side of a failure, and folds both sides of one-of lists and exclusions', () => {
    const both = (id: string, campaignTargeting: Targeting, t: Targeting): DeliveryLineItem => ({ ...item(id, t), campaignTargeting });
    const index = compileIndex([
      both('us-only', { geo: { countries: ['US', 'CA'] } }, { geo: { countries: ['US', 'FR'] } }),
      both('ca-blocked', { geo: { countries: ['CA'] } }, {}),
      both('no-ios', { exclude: { os: ['iOS'] } }, { exclude: { os: ['android'] } }),
      both('kw', { keywords: { any: ['a'] } }, { keywords: { any: ['b'] } }),
    ]);
    const ctx = { placementId: 'p', nowMs: 0, country: 'US', os: 'ios', keywords: ['b'] } as const;
    expect(ids(candidates(index, ctx))).toEqual(['us-only']);
    expect(ids(candidates(index, { ...ctx, country: 'CA', os: 'android', keywords: ['a', 'b'] }))).toEqual(['ca-blocked', 'kw']);
    expect(explain(index, ctx)).toEqual([
      { lineItemId: 'us-only', outcome: 'won-targeting' },
      {
        lineItemId: 'ca-blocked',
        outcome: 'failed-targeting',
        dimension: 'campaign.geo.countries',
        reason: 'countries "US": wanted one of [CA]',
      },
      {
        lineItemId: 'no-ios',
        outcome: 'failed-targeting',
        dimension: 'campaign.exclude.os',
        reason: 'os "ios": excluded by os one of [ios]',
      },
      { lineItemId: 'kw', outcome: 'failed-targeting', dimension: 'campaign.keywords.any', reason: 'keywords [b]: wanted any of [a]' },
    ]);
  });

  it("matches nothing when the two sides' day-parts never overlap (the only item, so no other restricts day-parts)", () => {
    const li: DeliveryLineItem = {
      ...item('never', { dayParts: [{ days: ['sun'], startHour: 0, endHour: 1 }] }),
      campaignTargeting: { dayParts: [{ days: ['thu'], startHour: 0, endHour: 1 }] },
    };
    const thursdayMidnight = Date.UTC(2026, 0, 1);
    expect(candidates(compileIndex([li]), { placementId: 'p', nowMs: thursdayMidnight })).toEqual([]);
  });

  it('keeps the line items in rank order: tier, then eCPM, then input order', () => {
    const priced = (id: string, priority: number, bidMicros: number): DeliveryLineItem => ({
      ...item(id, {}),
      priority,
      pricing: { model: 'cpm', bidMicros },
    });
    const index = compileIndex([
      priced('low', 1, 5),
      priced('house', 0, 9),
      priced('high', 1, 7),
      priced('top', 3, 1),
      priced('low2', 1, 5),
    ]);
    expect(ids(index.lineItems)).toEqual(['top', 'high', 'low', 'low2', 'house']);
  });

  it('explains each line item that does not serve', () => {
    const index = compileIndex([item('fr', { geo: { countries: ['FR'] } }), item('ok', {}), item('no-ios', { exclude: { os: ['iOS'] } })]);
    expect(explain(index, { placementId: 'p', nowMs: 0, country: 'US', os: 'ios' })).toEqual([
      { lineItemId: 'fr', outcome: 'failed-targeting', dimension: 'geo.countries', reason: 'countries "US": wanted one of [FR]' },
      { lineItemId: 'ok', outcome: 'won-targeting' },
      { lineItemId: 'no-ios', outcome: 'failed-targeting', dimension: 'exclude.os', reason: 'os "ios": excluded by os one of [ios]' },
    ]);
  });
});
