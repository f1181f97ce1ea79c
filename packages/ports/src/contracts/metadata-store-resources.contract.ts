import { newId, type Page } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import type { NewResource, ResourceListRequest } from '../resource-store.js';
import { CREATED_AT, createOrganization, expectAppError, LATER, NOT_A_UUID, type StoreAccess } from './metadata-store-fixtures.js';

const newResource = <D>(name: string, data: D, overrides: Partial<NewResource<D>> = {}): NewResource<D> => ({
  id: newId(),
  parentId: null,
  scopeId: null,
  name,
  status: 'active',
  data,
  createdAt: CREATED_AT,
  ...overrides,
});

async function walk<T extends { id: string }>(
  fetch: (page: ResourceListRequest) => Promise<Page<T>>,
  page: Omit<ResourceListRequest, 'cursor'>,
): Promise<T[]> {
  const seen: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const result = await fetch({ ...page, cursor });
    seen.push(...result.items);
    if (!result.nextCursor) return seen;
    cursor = result.nextCursor;
  }
  throw new Error('pagination did not end');
}

export function describeResources(store: StoreAccess): void {
  describe('resources', () => {
    it('round-trips a resource with its JSON body and starts at version 1', async () => {
      const org = await createOrganization(store());
      const advertisers = store().resources.advertiser;
      const created = await advertisers.create(org.id, newResource('Acme', { currency: 'EUR', contact: { email: 'a@acme.example' } }));
      expect(created).toMatchObject({
        organizationId: org.id,
        name: 'Acme',
        status: 'active',
        version: 1,
        data: { currency: 'EUR', contact: { email: 'a@acme.example' } },
      });
      expect(await advertisers.get(org.id, created.id)).toEqual(created);
      expect(await advertisers.get(org.id, NOT_A_UUID)).toBeUndefined();
    });

    it('hides another organization’s resources from get, getMany, list and update', async () => {
      const a = await createOrganization(store());
      const b = await createOrganization(store());
      const publishers = store().resources.publisher;
      const mine = await publishers.create(a.id, newResource('News Corp', {}));
      expect(await publishers.get(b.id, mine.id)).toBeUndefined();
      expect(await publishers.getMany(b.id, [mine.id])).toEqual([]);
      expect((await publishers.list(b.id, {}, { limit: 10 })).items).toEqual([]);
      expect(await publishers.update(b.id, mine.id, { name: 'Stolen', updatedAt: LATER })).toBeUndefined();
      expect((await publishers.get(a.id, mine.id))?.name).toBe('News Corp');
    });

    it('refuses a child whose parent does not exist', async () => {
      const org = await createOrganization(store());
      await expect(
        store().resources.campaign.create(org.id, newResource('Orphan', {}, { parentId: newId(), scopeId: newId() })),
      ).rejects.toThrow();
    });

    it('filters by status, parent, scope, name and body content', async () => {
      const org = await createOrganization(store());
      const { advertiser, campaign } = store().resources;
      const acme = await advertiser.create(org.id, newResource('Acme', {}));
      const other = await advertiser.create(org.id, newResource('Other', {}));
      const child = (name: string, parent: string, status: string, data: unknown) =>
        campaign.create(org.id, newResource(name, data, { parentId: parent, scopeId: parent, status }));
      const spring = await child('Spring 100% sale', acme.id, 'active', { tags: ['x'], pacing: 'even' });
      await child('Summer', acme.id, 'draft', { pacing: 'asap' });
      const winter = await child('Winter_sale', other.id, 'active', { pacing: 'even' });
      const names = async (filter: Parameters<typeof campaign.list>[1]) =>
        (await campaign.list(org.id, filter, { limit: 50 })).items.map((c) => c.name).sort();
      expect(await names({ status: ['active'] })).toEqual(['Spring 100% sale', 'Winter_sale']);
      expect(await names({ parentId: acme.id })).toEqual(['Spring 100% sale', 'Summer']);
      expect(await names({ scopeId: other.id })).toEqual(['Winter_sale']);
      expect(await names({ search: 'SALE' })).toEqual(['Spring 100% sale', 'Winter_sale']);
      expect(await names({ search: '100%' })).toEqual(['Spring 100% sale']);
      expect(await names({ search: '_' })).toEqual(['Winter_sale']);
      expect(await names({ dataContains: { pacing: 'even' } })).toEqual(['Spring 100% sale', 'Winter_sale']);
      expect(await names({ parentId: NOT_A_UUID })).toEqual([]);
      expect(await names({ scopeIds: [other.id, NOT_A_UUID] })).toEqual(['Winter_sale']);
      expect(await names({ scopeIds: [] })).toEqual([]);
      expect(await names({ ids: [spring.id, winter.id], status: ['active'] })).toEqual(['Spring 100% sale', 'Winter_sale']);
      expect(await names({ ids: [] })).toEqual([]);
      expect((await advertiser.list(org.id, { ids: [acme.id] }, { limit: 50 })).items.map((a) => a.name)).toEqual(['Acme']);
      expect(spring.scopeId).toBe(acme.id);
      expect(winter.parentId).toBe(other.id);
    });

    it('pages through every sort in both directions, each item exactly once and in order', async () => {
      const org = await createOrganization(store());
      const segments = store().resources.segment;
      const names = ['delta', 'alpha', 'echo', 'bravo', 'charlie', 'alpha'];
      for (const [i, name] of names.entries()) {
        await segments.create(org.id, newResource(name, {}, { createdAt: new Date(CREATED_AT.getTime() + (i % 3) * 1000) }));
      }
      for (const sort of ['id', 'name', 'createdAt', 'updatedAt'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const seen = await walk((page) => segments.list(org.id, {}, page), { limit: 2, sort, order });
          expect(seen).toHaveLength(names.length);
          expect(new Set(seen.map((s) => s.id)).size).toBe(names.length);
          const keys = seen.map((s) => (sort === 'name' ? s.name : sort === 'id' ? s.id : s[sort].getTime()));
          const sorted = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
          expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
        }
      }
    });

    it('rejects a cursor that is not one of its own', async () => {
      const org = await createOrganization(store());
      await expectAppError(store().resources.site.list(org.id, {}, { limit: 5, cursor: 'garbage' }), 'VALIDATION_FAILED');
    });

    it('updates fields, bumps the version, and refuses a stale expected version', async () => {
      const org = await createOrganization(store());
      const partners = store().resources.demand_partner;
      const created = await partners.create(org.id, newResource('DSP', { timeoutMs: 100 }));
      const updated = await partners.update(org.id, created.id, {
        status: 'paused',
        data: { timeoutMs: 200 },
        updatedAt: LATER,
        expectedVersion: 1,
      });
      expect(updated).toMatchObject({
        status: 'paused',
        version: 2,
        data: { timeoutMs: 200 },
        name: 'DSP',
        updatedAt: LATER,
        createdAt: CREATED_AT,
      });
      await expectAppError(partners.update(org.id, created.id, { name: 'late', updatedAt: LATER, expectedVersion: 1 }), 'CONFLICT');
      expect(await partners.update(org.id, newId(), { name: 'x', updatedAt: LATER, expectedVersion: 1 })).toBeUndefined();
    });
  });

  describe('segment members', () => {
    it('adds keys once, counts, finds the segments of a key, and removes', async () => {
      const org = await createOrganization(store());
      const other = await createOrganization(store());
      const { segment } = store().resources;
      const sports = await segment.create(org.id, newResource('Sports', {}));
      const news = await segment.create(org.id, newResource('News', {}));
      const foreign = await segment.create(other.id, newResource('Foreign', {}));
      const members = store().segmentMembers;
      expect(await members.add(org.id, sports.id, ['u1', 'u2', 'u3'])).toBe(3);
      expect(await members.add(org.id, sports.id, ['u2', 'u4'])).toBe(1);
      await members.add(org.id, news.id, ['u2']);
      await members.add(other.id, foreign.id, ['u2']);
      expect(await members.count(org.id, sports.id)).toBe(4);
      expect(await members.segmentsOf(org.id, 'u2')).toEqual([news.id, sports.id].sort());
      expect(await members.segmentsOf(other.id, 'u2')).toEqual([foreign.id]);
      expect(await members.remove(org.id, sports.id, ['u1', 'nobody'])).toBe(1);
      expect(await members.count(org.id, sports.id)).toBe(3);
      expect(await members.count(other.id, sports.id)).toBe(0);
    });

    it('adds more keys than one batch holds', async () => {
      const org = await createOrganization(store());
      const big = await store().resources.segment.create(org.id, newResource('Big', {}));
      const keys = Array.from({ length: 12_345 }, (_, i) => `user-${i}`);
      expect(await store().segmentMembers.add(org.id, big.id, keys)).toBe(keys.length);
      expect(await store().segmentMembers.count(org.id, big.id)).toBe(keys.length);
    });

    it('lists a segment’s members page by page after a key, each once, and none of another segment or tenant', async () => {
      const org = await createOrganization(store());
      const other = await createOrganization(store());
      const { segment } = store().resources;
      const members = store().segmentMembers;
      const sports = await segment.create(org.id, newResource('Sports', {}));
      const news = await segment.create(org.id, newResource('News', {}));
      // Zero-padded ASCII sorts the same under every collation; the odd keys below only have to come back.
      const plain = Array.from({ length: 23 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
      const odd = ['say "hi"', 'ü-ñ-🙂', 'UPPER', ' lead'];
      await members.add(org.id, sports.id, [...plain].reverse());
      await members.add(org.id, news.id, ['user-news']);
      const walked: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await members.listMembers(org.id, sports.id, { after, limit: 5 });
        walked.push(...page);
        if (page.length < 5) break;
        after = page.at(-1);
      }
      expect(walked).toEqual(plain);
      expect(await members.listMembers(org.id, sports.id, { after: 'user-020', limit: 100 })).toEqual(['user-021', 'user-022']);
      expect(await members.listMembers(org.id, sports.id, { after: 'user-022', limit: 100 })).toEqual([]);
      await members.add(org.id, sports.id, odd);
      expect((await members.listMembers(org.id, sports.id, { limit: 1_000 })).sort()).toEqual([...plain, ...odd].sort());
      expect(await members.listMembers(other.id, sports.id, { limit: 100 })).toEqual([]);
      expect(await members.listMembers(org.id, NOT_A_UUID, { limit: 100 })).toEqual([]);
      expect(await members.listMembers(org.id, newId(), { limit: 100 })).toEqual([]);
    });
  });
}
