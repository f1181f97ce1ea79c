import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryCatalog } from '../src/delivery/catalog/delivery-catalog.js';
import { createAdvertiser, insertPlacement, organizationOf, patch, post } from './campaigns.helpers.js';
import { activeLineItem, approvedCreative } from './delivery.helpers.js';
import { createHarness, type Harness, login, OPERATOR, type Session } from './harness.js';

describe('delivery catalog', () => {
  let h: Harness;
  let owner: Session;
  let org: string;
  let catalog: DeliveryCatalog;

  beforeEach(async () => {
    h = await createHarness();
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    org = await organizationOf(h, owner);
    catalog = new DeliveryCatalog({ store: h.store, bus: h.deps.bus, clock: h.clock, debounceMs: 5 });
    await catalog.start();
  });
  afterEach(async () => {
    await catalog.close();
    await h.close();
  });

  it('compiles an active line item with both targetings, its caps, budgets, flight and approved creatives', async () => {
    const ids = await activeLineItem(h, owner);
    await catalog.settle();
    const snapshot = catalog.forPlacement(ids.placementId);
    expect(snapshot?.organizationId).toBe(org);
    const [item] = snapshot?.index.lineItems ?? [];
    expect(item).toMatchObject({
      id: ids.lineItemId,
      campaignId: ids.campaignId,
      advertiserId: ids.advertiserId,
      tier: 'standard',
      targeting: { deviceTypes: ['mobile'], placements: [ids.placementId] },
      campaignTargeting: { geo: { countries: ['US'] } },
      creatives: [{ id: ids.creativeId, format: 'html', width: 300, height: 250, weight: 70 }],
      frequencyCaps: [{ scope: 'campaign', count: 3, windowMs: 2 * 3_600_000 }],
      budgets: [
        { scope: 'lineItem', period: 'daily', limitMicros: 1_000_000n },
        { scope: 'campaign', period: 'total', limitMicros: 10_000_000n },
      ],
      flight: { startMs: Date.parse('2026-12-01T00:00:00Z'), endMs: Date.parse('2027-01-01T00:00:00Z') },
    });
    expect(snapshot?.placements.get(ids.placementId)).toMatchObject({
      organizationId: org,
      domain: 'news.example',
      sizes: [{ width: 300, height: 250 }],
    });
    expect(snapshot?.creatives.get(ids.creativeId)?.data.clickUrl).toBe('https://acme.example/shoes');
  });

  it('drops a paused line item and a paused placement after their change events, swapping whole snapshots', async () => {
    const ids = await activeLineItem(h, owner);
    await catalog.settle();
    const before = catalog.forPlacement(ids.placementId);
    expect(before?.index.lineItems).toHaveLength(1);
    expect((await patch(h, owner, `/api/v1/line-items/${ids.lineItemId}`, { status: 'paused' })).statusCode).toBe(200);
    await catalog.settle();
    const after = catalog.forPlacement(ids.placementId);
    expect(after?.index.lineItems).toHaveLength(0);
    // The old snapshot a request may still hold is untouched.
    expect(before?.index.lineItems).toHaveLength(1);
    const paused = await patch(h, owner, `/api/v1/placements/${ids.placementId}`, { status: 'paused' });
    expect(paused.statusCode, paused.body).toBe(200);
    await catalog.settle();
    expect(catalog.forPlacement(ids.placementId)).toBeUndefined();
  });

  it('never delivers one organization’s line items on another’s placements', async () => {
    const ids = await activeLineItem(h, owner);
    const response = await post(h, owner, '/api/v1/organizations', {
      name: 'Other',
      owner: { email: 'other@example.com', password: 'other-password-1' },
    });
    const other = response.json().organization as { id: string };
    const foreignPlacement = await insertPlacement(h, other.id, { formats: ['image'], sizes: [{ width: 300, height: 250 }] });
    // Inserted straight into the store: no change event, so reload it as a restart would.
    const fresh = new DeliveryCatalog({ store: h.store, bus: h.deps.bus, clock: h.clock });
    await fresh.start();
    expect(fresh.forPlacement(foreignPlacement)?.organizationId).toBe(other.id);
    expect(fresh.forPlacement(foreignPlacement)?.index.lineItems).toHaveLength(0);
    expect(fresh.forPlacement(ids.placementId)?.index.lineItems.map((li) => li.id)).toEqual([ids.lineItemId]);
    await fresh.close();
  });

  const itemIn = (placementId: string, lineItemId: string) =>
    catalog.forPlacement(placementId)?.index.lineItems.find((li) => li.id === lineItemId);

  it('shows a line item edit after its change event, recompiling that item only', async () => {
    const ids = await activeLineItem(h, owner);
    const other = await activeLineItem(h, owner, { placementId: ids.placementId, advertiserId: ids.advertiserId });
    await catalog.settle();
    const before = catalog.forPlacement(ids.placementId)!;
    const untouched = itemIn(ids.placementId, other.lineItemId);
    const edited = await patch(h, owner, `/api/v1/line-items/${ids.lineItemId}`, {
      targeting: { deviceTypes: ['desktop'], placements: [ids.placementId] },
      pricing: { model: 'cpm', bidMicros: 4_000_000 },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    await catalog.settle();
    const after = catalog.forPlacement(ids.placementId)!;
    expect(after).not.toBe(before);
    expect(itemIn(ids.placementId, ids.lineItemId)).toMatchObject({
      targeting: { deviceTypes: ['desktop'] },
      pricing: { bidMicros: 4_000_000 },
    });
    // The other line item is the same object, taken over compiled from the previous index.
    expect(itemIn(ids.placementId, other.lineItemId)).toBe(untouched);
    expect(after.index.reusedLineItems).toBe(1);
    expect(before.index.lineItems.find((li) => li.id === ids.lineItemId)?.targeting.deviceTypes).toEqual(['mobile']);
  });

  it('shows a campaign edit on its line items, and drops them when the campaign or its advertiser is paused', async () => {
    const ids = await activeLineItem(h, owner);
    await catalog.settle();
    const edited = await patch(h, owner, `/api/v1/campaigns/${ids.campaignId}`, { targeting: { geo: { countries: ['FR'] } } });
    expect(edited.statusCode, edited.body).toBe(200);
    await catalog.settle();
    expect(itemIn(ids.placementId, ids.lineItemId)?.campaignTargeting).toEqual({ geo: { countries: ['FR'] } });
    expect((await patch(h, owner, `/api/v1/campaigns/${ids.campaignId}`, { status: 'paused' })).statusCode).toBe(200);
    await catalog.settle();
    expect(catalog.forPlacement(ids.placementId)?.index.lineItems).toEqual([]);
    expect((await patch(h, owner, `/api/v1/campaigns/${ids.campaignId}`, { status: 'active' })).statusCode).toBe(200);
    await catalog.settle();
    expect(itemIn(ids.placementId, ids.lineItemId)).toBeDefined();
    const paused = await patch(h, owner, `/api/v1/advertisers/${ids.advertiserId}`, { status: 'paused' });
    expect(paused.statusCode, paused.body).toBe(200);
    await catalog.settle();
    expect(catalog.forPlacement(ids.placementId)?.index.lineItems).toEqual([]);
  });

  it('takes an archived creative out of rotation, and a line item with no approved creative left out of the index', async () => {
    const ids = await activeLineItem(h, owner);
    const second = await approvedCreative(h, owner, ids.advertiserId);
    expect((await post(h, owner, `/api/v1/line-items/${ids.lineItemId}/creatives`, { creativeId: second, weight: 30 })).statusCode).toBe(
      200,
    );
    await catalog.settle();
    expect(itemIn(ids.placementId, ids.lineItemId)?.creatives?.map((c) => c.id)).toEqual([ids.creativeId, second]);
    const archived = await h.app.inject({ method: 'DELETE', url: `/api/v1/creatives/${ids.creativeId}`, headers: owner.headers });
    expect(archived.statusCode, archived.body).toBe(200);
    await catalog.settle();
    expect(itemIn(ids.placementId, ids.lineItemId)?.creatives?.map((c) => c.id)).toEqual([second]);
    expect(catalog.forPlacement(ids.placementId)?.creatives.has(ids.creativeId)).toBe(false);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/creatives/${second}`, headers: owner.headers })).statusCode).toBe(200);
    await catalog.settle();
    expect(catalog.forPlacement(ids.placementId)?.index.lineItems).toEqual([]);
  });

  it('shows a placement edit, and a new placement of a new site', async () => {
    const ids = await activeLineItem(h, owner);
    await catalog.settle();
    const edited = await patch(h, owner, `/api/v1/placements/${ids.placementId}`, { floorMicros: 2_000_000 });
    expect(edited.statusCode, edited.body).toBe(200);
    await catalog.settle();
    expect(catalog.forPlacement(ids.placementId)?.placements.get(ids.placementId)?.floorMicros).toBe(2_000_000);
    const advertiserId = await createAdvertiser(h, owner, 'Beta');
    const other = await activeLineItem(h, owner, { advertiserId });
    await catalog.settle();
    expect(
      catalog
        .forPlacement(other.placementId)
        ?.index.lineItems.map((li) => li.id)
        .sort(),
    ).toEqual([ids.lineItemId, other.lineItemId].sort());
  });

  it('leaves another organization’s snapshot untouched by a change', async () => {
    const response = await post(h, owner, '/api/v1/organizations', {
      name: 'Other',
      owner: { email: 'other@example.com', password: 'other-password-1' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const otherOwner = await login(h.app, 'other@example.com', 'other-password-1');
    const theirs = await activeLineItem(h, otherOwner);
    const ours = await activeLineItem(h, owner);
    await catalog.settle();
    const theirSnapshot = catalog.forPlacement(theirs.placementId);
    expect(theirSnapshot?.index.lineItems.map((li) => li.id)).toEqual([theirs.lineItemId]);
    expect((await patch(h, owner, `/api/v1/line-items/${ours.lineItemId}`, { status: 'paused' })).statusCode).toBe(200);
    await catalog.settle();
    expect(catalog.forPlacement(ours.placementId)?.index.lineItems).toEqual([]);
    expect(catalog.forPlacement(theirs.placementId)).toBe(theirSnapshot);
  });

  it('picks up a change that published no event at the periodic full reload, taking unchanged line items over compiled', async () => {
    const ids = await activeLineItem(h, owner);
    const other = await activeLineItem(h, owner, { placementId: ids.placementId, advertiserId: ids.advertiserId });
    const reloading = new DeliveryCatalog({ store: h.store, bus: h.deps.bus, clock: h.clock, fullReloadMs: 30 });
    await reloading.start();
    const unchanged = reloading.forPlacement(ids.placementId)?.index.lineItems.find((li) => li.id === other.lineItemId);
    expect(unchanged).toBeDefined();
    // Straight through the store: no change event.
    await h.store.resources.line_item.update(org, ids.lineItemId, { status: 'paused', updatedAt: new Date() });
    await vi.waitFor(
      async () => {
        await reloading.settle();
        expect(reloading.forPlacement(ids.placementId)?.index.lineItems.map((li) => li.id)).toEqual([other.lineItemId]);
      },
      { timeout: 5_000, interval: 50 },
    );
    const reloaded = reloading.forPlacement(ids.placementId)!;
    expect(reloaded.index.lineItems[0]).toBe(unchanged);
    expect(reloaded.index.reusedLineItems).toBe(1);
    await reloading.close();
  });

  it('tells onSwap which line items are new in the snapshot: all at a full build, the edited one after an edit', async () => {
    const ids = await activeLineItem(h, owner);
    const other = await activeLineItem(h, owner, { placementId: ids.placementId, advertiserId: ids.advertiserId });
    const swaps: string[][] = [];
    const watching = new DeliveryCatalog({
      store: h.store,
      bus: h.deps.bus,
      clock: h.clock,
      debounceMs: 5,
      onSwap: (_, changed) => swaps.push(changed.map((li) => li.id).sort()),
    });
    await watching.start();
    expect(swaps).toEqual([[ids.lineItemId, other.lineItemId].sort()]);
    expect(
      (await patch(h, owner, `/api/v1/line-items/${other.lineItemId}`, { pricing: { model: 'cpm', bidMicros: 9_000_000 } })).statusCode,
    ).toBe(200);
    await watching.settle();
    expect(swaps.at(-1)).toEqual([other.lineItemId]);
    expect(watching.lineItem(other.lineItemId)?.pricing?.bidMicros).toBe(9_000_000);
    await watching.close();
  });
});
