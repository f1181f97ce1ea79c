import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryCatalog } from '../src/delivery/catalog/delivery-catalog.js';
import { insertPlacement, organizationOf, patch, post } from './campaigns.helpers.js';
import { activeLineItem } from './delivery.helpers.js';
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
});
