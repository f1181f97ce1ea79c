import { createMemoryChangeBus } from '@adplatform/adapter-memory';
import { createTestPgliteStore } from '@adplatform/adapter-sql/testing';
import { newId, type ResourceKind } from '@adplatform/domain';
import type { MetadataStore } from '@adplatform/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentMembership } from './segment-membership.js';

let store: MetadataStore;
beforeAll(async () => {
  store = await createTestPgliteStore();
});
afterAll(async () => {
  await store.close();
});

const AT = new Date('2026-01-01T00:00:00.000Z');

async function organization(): Promise<string> {
  const id = newId();
  await store.organizations.create({ id, name: `Org ${id}`, timezone: 'UTC', createdAt: AT });
  return id;
}

async function segment(organizationId: string, name: string, status = 'active'): Promise<string> {
  const created = await store.resources.segment.create(organizationId, {
    id: newId(),
    parentId: null,
    scopeId: null,
    name,
    status,
    data: { description: '' },
    createdAt: AT,
  });
  return created.id;
}

const changed = (bus: ReturnType<typeof createMemoryChangeBus>, organizationId: string, id: string, kind: ResourceKind = 'segment') =>
  bus.publish({ kind, id, organizationId, version: 2, op: 'updated', at: AT });

describe('SegmentMembership', () => {
  it('loads every organization’s active segments at start and answers a key’s segments without I/O', async () => {
    const a = await organization();
    const b = await organization();
    const sports = await segment(a, 'Sports');
    const news = await segment(a, 'News');
    const archived = await segment(a, 'Old', 'archived');
    const foreign = await segment(b, 'Foreign');
    await store.segmentMembers.add(a, sports, ['u1', 'u2', 'u3']);
    await store.segmentMembers.add(a, news, ['u2']);
    await store.segmentMembers.add(a, archived, ['u1']);
    await store.segmentMembers.add(b, foreign, ['u2']);
    const membership = new SegmentMembership({ store, bus: createMemoryChangeBus(), pageSize: 2 });
    await membership.start();
    expect(membership.segmentsFor(a, 'u1')).toEqual([sports]);
    expect(membership.segmentsFor(a, 'u2')).toEqual([news, sports].sort());
    expect(membership.segmentsFor(b, 'u2')).toEqual([foreign]);
    expect(membership.segmentsFor(b, 'u1')).toEqual([]);
    expect(membership.segmentsFor(a, 'nobody')).toEqual([]);
    expect(membership.segmentsFor(a, undefined)).toEqual([]);
    expect(membership.segmentsFor(newId(), 'u1')).toEqual([]);
    await membership.close();
  });

  it('reloads a segment after its change event: added keys join, removed keys leave, other segments stay', async () => {
    const org = await organization();
    const sports = await segment(org, 'Sports');
    const news = await segment(org, 'News');
    await store.segmentMembers.add(org, sports, ['u1', 'u2']);
    await store.segmentMembers.add(org, news, ['u1']);
    const bus = createMemoryChangeBus();
    const membership = new SegmentMembership({ store, bus, debounceMs: 1 });
    await membership.start();
    const before = membership.status().memberships;
    await store.segmentMembers.add(org, sports, ['u3']);
    await store.segmentMembers.remove(org, sports, ['u1']);
    expect(membership.segmentsFor(org, 'u3')).toEqual([]); // not until the change event
    changed(bus, org, sports);
    await membership.settle();
    expect(membership.segmentsFor(org, 'u1')).toEqual([news]);
    expect(membership.segmentsFor(org, 'u2')).toEqual([sports]);
    expect(membership.segmentsFor(org, 'u3')).toEqual([sports]);
    expect(membership.status().memberships).toBe(before);
    await membership.close();
  });

  it('drops an archived segment and ignores other kinds of change', async () => {
    const org = await organization();
    const sports = await segment(org, 'Sports');
    await store.segmentMembers.add(org, sports, ['u1']);
    const bus = createMemoryChangeBus();
    const membership = new SegmentMembership({ store, bus, debounceMs: 1 });
    await membership.start();
    await store.resources.segment.update(org, sports, { status: 'archived', updatedAt: AT });
    changed(bus, org, sports, 'campaign');
    await membership.settle();
    expect(membership.segmentsFor(org, 'u1')).toEqual([sports]);
    changed(bus, org, sports);
    await membership.settle();
    expect(membership.segmentsFor(org, 'u1')).toEqual([]);
    await membership.close();
  });

  it('leaves out a segment that would pass the memory bound, whole, and reports it', async () => {
    const org = await organization();
    const small = await segment(org, 'Small');
    const big = await segment(org, 'Big');
    await store.segmentMembers.add(org, small, ['u1', 'u2']);
    await store.segmentMembers.add(org, big, ['u1', 'u2', 'u3', 'u4']);
    const warnings: unknown[] = [];
    const membership = new SegmentMembership({
      store: {
        ...store,
        organizations: { ...store.organizations, list: async () => ({ items: [(await store.organizations.get(org))!], nextCursor: null }) },
      },
      bus: createMemoryChangeBus(),
      maxMemberships: 5,
      log: { error: () => undefined, warn: (obj) => warnings.push(obj) },
    });
    await membership.start();
    const status = membership.status();
    expect(status.memberships).toBeLessThanOrEqual(5);
    expect(status.skipped).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    const skippedId = status.skipped[0]?.segmentId;
    for (const key of ['u1', 'u2', 'u3', 'u4']) expect(membership.segmentsFor(org, key)).not.toContain(skippedId);
    await membership.close();
  });
});
