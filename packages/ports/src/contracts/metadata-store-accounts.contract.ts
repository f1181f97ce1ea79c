import { newId } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import {
  CREATED_AT,
  createOrganization,
  expectAppError,
  idsOf,
  LATER,
  NOT_A_UUID,
  newOrganization,
  newUser,
  type StoreAccess,
  walkPages,
} from './metadata-store-fixtures.js';

export function describeOrganizations(store: StoreAccess): void {
  describe('organizations', () => {
    it('creates an organization and gets it back unchanged', async () => {
      const org = newOrganization();
      expect(await store().organizations.create(org)).toEqual(org);
      expect(await store().organizations.get(org.id)).toEqual(org);
    });

    it('returns undefined for an unknown or malformed organization id', async () => {
      expect(await store().organizations.get(newId())).toBeUndefined();
      expect(await store().organizations.get(NOT_A_UUID)).toBeUndefined();
    });

    it('lists every organization exactly once, in id order, and counts them', async () => {
      const created = await Promise.all([1, 2, 3, 4, 5].map(() => createOrganization(store())));
      const pages = await walkPages(2, (page) => store().organizations.list(page));
      const ids = idsOf(pages);
      expect(ids).toEqual([...ids].sort());
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(created.map((org) => org.id)));
      expect(await store().organizations.count()).toBe(ids.length);
      expect(pages.at(-1)?.nextCursor).toBeNull();
    });
  });
}

export function describeUsers(store: StoreAccess): void {
  describe('users', () => {
    it('creates a user and gets it back without its secrets', async () => {
      const org = await createOrganization(store());
      const input = newUser({ role: 'owner', isPlatformAdmin: true });
      const expected = {
        id: input.id,
        organizationId: org.id,
        email: input.email,
        name: input.name,
        role: 'owner',
        status: 'active',
        isPlatformAdmin: true,
        advertiserIds: [],
        publisherIds: [],
        createdAt: CREATED_AT,
        updatedAt: CREATED_AT,
        lastLoginAt: null,
      };
      expect(await store().users.create(org.id, input)).toEqual(expected);
      expect(await store().users.get(org.id, input.id)).toEqual(expected);
      expect((await store().users.list(org.id, { limit: 10 })).items).toEqual([expected]);
    });

    it('hides another organization’s users', async () => {
      const [orgA, orgB] = [await createOrganization(store()), await createOrganization(store())];
      const user = await store().users.create(orgA.id, newUser());
      expect(await store().users.get(orgB.id, user.id)).toBeUndefined();
      expect(await store().users.list(orgB.id, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect(await store().users.update(orgB.id, user.id, { role: 'analyst', updatedAt: LATER })).toBeUndefined();
      expect(await store().users.get(orgA.id, user.id)).toEqual(user);
    });

    it('rejects an e-mail already in use in any letter case, in any organization, with CONFLICT', async () => {
      const [orgA, orgB] = [await createOrganization(store()), await createOrganization(store())];
      const email = `Grace.${newId()}@Example.com`;
      await store().users.create(orgA.id, newUser({ email }));
      const error = await expectAppError(store().users.create(orgB.id, newUser({ email: email.toUpperCase() })), 'CONFLICT');
      expect(error.details?.issues).toEqual([{ path: 'body.email', message: 'is already in use' }]);
      expect((await store().users.list(orgB.id, { limit: 10 })).items).toEqual([]);
    });

    it('finds credentials by e-mail regardless of letter case', async () => {
      const org = await createOrganization(store());
      const input = newUser({ email: `Mixed.${newId()}@Example.com` });
      const user = await store().users.create(org.id, input);
      expect(await store().users.findCredentialsByEmail(input.email.toLowerCase())).toEqual({ user, passwordHash: input.passwordHash });
      expect(await store().users.findCredentialsByEmail(`nobody-${newId()}@example.com`)).toBeUndefined();
    });

    it('updates only the fields present in the patch', async () => {
      const org = await createOrganization(store());
      const user = await store().users.create(org.id, newUser({ name: 'Before' }));
      const updated = await store().users.update(org.id, user.id, {
        role: 'analyst',
        lastLoginAt: LATER,
        passwordHash: 'new',
        updatedAt: LATER,
      });
      expect(updated).toEqual({ ...user, role: 'analyst', lastLoginAt: LATER, updatedAt: LATER });
      expect(await store().users.get(org.id, user.id)).toEqual(updated);
      expect((await store().users.findCredentialsByEmail(user.email))?.passwordHash).toBe('new');
      const renamed = await store().users.update(org.id, user.id, { name: null, status: 'deactivated', updatedAt: LATER });
      expect(renamed).toEqual({ ...updated, name: null, status: 'deactivated' });
    });

    it('keeps a user’s advertiser or publisher limit, replaces it by patch, and refuses one its role cannot carry', async () => {
      const org = await createOrganization(store());
      const [a, b] = [newId(), newId()];
      const user = await store().users.create(org.id, newUser({ role: 'advertiser', advertiserIds: [a] }));
      expect(user).toMatchObject({ advertiserIds: [a], publisherIds: [] });
      const widened = await store().users.update(org.id, user.id, { advertiserIds: [a, b], updatedAt: LATER });
      expect(widened?.advertiserIds.sort()).toEqual([a, b].sort());
      const renamed = await store().users.update(org.id, user.id, { name: 'Kept', updatedAt: LATER });
      expect(renamed?.advertiserIds.sort()).toEqual([a, b].sort());
      const lifted = await store().users.update(org.id, user.id, { role: 'admin', advertiserIds: [], updatedAt: LATER });
      expect(lifted).toMatchObject({ role: 'admin', advertiserIds: [], publisherIds: [] });
      await expect(store().users.update(org.id, user.id, { advertiserIds: [a], updatedAt: LATER })).rejects.toThrow();
      await expect(store().users.create(org.id, newUser({ role: 'advertiser', publisherIds: [a] }))).rejects.toThrow();
      expect((await store().users.get(org.id, user.id))?.role).toBe('admin');
    });

    it('finds an invited user by invitation token hash until the invitation is cleared', async () => {
      const org = await createOrganization(store());
      const inviteTokenHash = `invite-${newId()}`;
      const input = newUser({ status: 'invited', passwordHash: null, inviteTokenHash, inviteExpiresAt: LATER });
      const user = await store().users.create(org.id, input);
      expect(await store().users.findByInviteTokenHash(inviteTokenHash)).toEqual({ ...user, inviteExpiresAt: LATER });
      await store().users.update(org.id, user.id, { status: 'active', inviteTokenHash: null, inviteExpiresAt: null, updatedAt: LATER });
      expect(await store().users.findByInviteTokenHash(inviteTokenHash)).toBeUndefined();
    });

    it('pages through users in id order, each exactly once, ending with a null cursor', async () => {
      const org = await createOrganization(store());
      const ids = [newId(), newId(), newId(), newId(), newId()];
      // Created out of order: the listing follows ids, not insertion.
      for (const id of [...ids].reverse()) await store().users.create(org.id, newUser({ id }));
      const pages = await walkPages(2, (page) => store().users.list(org.id, page));
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      expect(idsOf(pages)).toEqual(ids);
      expect(pages.at(-1)?.nextCursor).toBeNull();
    });

    it('ends with a null cursor when the last page is exactly full', async () => {
      const org = await createOrganization(store());
      for (let i = 0; i < 4; i++) await store().users.create(org.id, newUser());
      const pages = await walkPages(2, (page) => store().users.list(org.id, page));
      expect(pages.map((page) => page.items.length)).toEqual([2, 2]);
      expect(pages.map((page) => page.nextCursor === null)).toEqual([false, true]);
    });

    it('counts only the organization’s active owners', async () => {
      const [org, other] = [await createOrganization(store()), await createOrganization(store())];
      await store().users.create(org.id, newUser({ role: 'owner' }));
      await store().users.create(org.id, newUser({ role: 'owner' }));
      await store().users.create(org.id, newUser({ role: 'owner', status: 'deactivated' }));
      await store().users.create(org.id, newUser({ role: 'admin' }));
      await store().users.create(other.id, newUser({ role: 'owner' }));
      expect(await store().users.countActiveOwners(org.id)).toBe(2);
    });

    it('treats malformed ids as unknown instead of failing', async () => {
      const org = await createOrganization(store());
      expect(await store().users.get(org.id, NOT_A_UUID)).toBeUndefined();
      expect(await store().users.get(NOT_A_UUID, newId())).toBeUndefined();
      expect(await store().users.update(org.id, NOT_A_UUID, { role: 'owner', updatedAt: LATER })).toBeUndefined();
      expect(await store().users.list(NOT_A_UUID, { limit: 5 })).toEqual({ items: [], nextCursor: null });
      expect(await store().users.countActiveOwners(NOT_A_UUID)).toBe(0);
    });

    it('rejects a malformed page cursor with VALIDATION_FAILED', async () => {
      const org = await createOrganization(store());
      await expectAppError(store().users.list(org.id, { limit: 5, cursor: NOT_A_UUID }), 'VALIDATION_FAILED');
    });
  });
}
