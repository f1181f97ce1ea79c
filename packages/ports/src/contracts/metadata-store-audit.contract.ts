import { newId } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import { createOrganization, idsOf, NOT_A_UUID, newAuditEntry, type StoreAccess, walkPages } from './metadata-store-fixtures.js';

export function describeAuditLog(store: StoreAccess): void {
  describe('audit log', () => {
    it('appends an entry and lists it back with its before and after images', async () => {
      const org = await createOrganization(store());
      const input = newAuditEntry({ before: { role: 'analyst', list: [1, 2] }, after: { role: 'admin', note: null } });
      const expected = { ...input, organizationId: org.id };
      expect(await store().auditLog.append(org.id, input)).toEqual(expected);
      expect(await store().auditLog.list(org.id, {}, { limit: 10 })).toEqual({ items: [expected], nextCursor: null });
    });

    it('keeps entries without actor, resource or images', async () => {
      const org = await createOrganization(store());
      const input = newAuditEntry({ actorKind: 'system', actorId: null, resourceId: null, before: null, after: null, requestId: null });
      expect(await store().auditLog.append(org.id, input)).toEqual({ ...input, organizationId: org.id });
    });

    it('lists entries newest first, each exactly once across pages', async () => {
      const org = await createOrganization(store());
      const ids = [newId(), newId(), newId(), newId(), newId()];
      for (const id of ids) await store().auditLog.append(org.id, newAuditEntry({ id }));
      const pages = await walkPages(2, (page) => store().auditLog.list(org.id, {}, page));
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      expect(idsOf(pages)).toEqual([...ids].reverse());
      expect(pages.at(-1)?.nextCursor).toBeNull();
    });

    it('filters by action, resource type, resource id and actor', async () => {
      const org = await createOrganization(store());
      const [actor, resource] = [newId(), newId()];
      const entries = [
        newAuditEntry({ action: 'user.create', resourceType: 'user', resourceId: resource, actorId: actor }),
        newAuditEntry({ action: 'user.update', resourceType: 'user', resourceId: resource }),
        newAuditEntry({ action: 'api_key.create', resourceType: 'api_key', actorId: actor }),
      ];
      for (const entry of entries) await store().auditLog.append(org.id, entry);
      const listIds = async (filter: Parameters<ReturnType<StoreAccess>['auditLog']['list']>[1]) =>
        (await store().auditLog.list(org.id, filter, { limit: 10 })).items.map((entry) => entry.id);
      const [first, second, third] = entries.map((entry) => entry.id);
      expect(await listIds({ action: 'user.update' })).toEqual([second]);
      expect(await listIds({ resourceType: 'user' })).toEqual([second, first]);
      expect(await listIds({ resourceId: resource })).toEqual([second, first]);
      expect(await listIds({ actorId: actor })).toEqual([third, first]);
      expect(await listIds({ actorId: actor, resourceType: 'user' })).toEqual([first]);
      expect(await listIds({ action: 'nothing.matches' })).toEqual([]);
      expect(await listIds({ actorId: NOT_A_UUID })).toEqual([]);
    });

    it('hides another organization’s entries', async () => {
      const [orgA, orgB] = [await createOrganization(store()), await createOrganization(store())];
      await store().auditLog.append(orgA.id, newAuditEntry());
      expect(await store().auditLog.list(orgB.id, {}, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect(await store().auditLog.list(NOT_A_UUID, {}, { limit: 10 })).toEqual({ items: [], nextCursor: null });
    });
  });
}
