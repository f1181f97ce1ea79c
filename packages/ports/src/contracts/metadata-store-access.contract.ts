import { newId } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import {
  CREATED_AT,
  createOrganization,
  idsOf,
  LATER,
  NOT_A_UUID,
  newApiKey,
  newSession,
  newUser,
  type StoreAccess,
  walkPages,
} from './metadata-store-fixtures.js';

export function describeApiKeys(store: StoreAccess): void {
  describe('api keys', () => {
    it('creates a key and gets it back without its secret hash', async () => {
      const org = await createOrganization(store());
      const creator = await store().users.create(org.id, newUser());
      const input = newApiKey({ createdBy: creator.id });
      const expected = {
        id: input.id,
        organizationId: org.id,
        name: input.name,
        role: input.role,
        prefix: input.prefix,
        advertiserIds: [],
        publisherIds: [],
        createdBy: creator.id,
        createdAt: CREATED_AT,
        lastUsedAt: null,
        revokedAt: null,
      };
      expect(await store().apiKeys.create(org.id, input)).toEqual(expected);
      expect(await store().apiKeys.get(org.id, input.id)).toEqual(expected);
      expect((await store().apiKeys.list(org.id, { limit: 10 })).items).toEqual([expected]);
    });

    it('keeps a key’s advertiser or publisher limit, and refuses a limit its role cannot carry', async () => {
      const org = await createOrganization(store());
      const [a, b] = [newId(), newId()];
      const limited = await store().apiKeys.create(org.id, newApiKey({ role: 'advertiser', advertiserIds: [a, b] }));
      expect(limited.advertiserIds.sort()).toEqual([a, b].sort());
      expect((await store().apiKeys.findByPrefix(limited.prefix))?.apiKey).toEqual(limited);
      const publisher = await store().apiKeys.create(org.id, newApiKey({ role: 'analyst', publisherIds: [a] }));
      expect(publisher).toMatchObject({ advertiserIds: [], publisherIds: [a] });
      for (const bad of [
        newApiKey({ role: 'admin', advertiserIds: [a] }),
        newApiKey({ role: 'publisher', advertiserIds: [a] }),
        newApiKey({ role: 'analyst', advertiserIds: [a], publisherIds: [b] }),
      ]) {
        await expect(store().apiKeys.create(org.id, bad)).rejects.toThrow();
      }
    });

    it('finds a key by prefix together with its secret hash', async () => {
      const org = await createOrganization(store());
      const input = newApiKey();
      const apiKey = await store().apiKeys.create(org.id, input);
      expect(await store().apiKeys.findByPrefix(input.prefix)).toEqual({ apiKey, secretHash: input.secretHash });
      expect(await store().apiKeys.findByPrefix(`ak_unknown_${newId()}`)).toBeUndefined();
    });

    it('revokes a key and keeps the first revocation time when revoked again', async () => {
      const org = await createOrganization(store());
      const key = await store().apiKeys.create(org.id, newApiKey());
      expect(await store().apiKeys.revoke(org.id, key.id, CREATED_AT)).toEqual({ ...key, revokedAt: CREATED_AT });
      expect(await store().apiKeys.revoke(org.id, key.id, LATER)).toEqual({ ...key, revokedAt: CREATED_AT });
      expect((await store().apiKeys.findByPrefix(key.prefix))?.apiKey.revokedAt).toEqual(CREATED_AT);
    });

    it('records when a key was last used', async () => {
      const org = await createOrganization(store());
      const key = await store().apiKeys.create(org.id, newApiKey());
      await store().apiKeys.touch(key.id, LATER);
      expect(await store().apiKeys.get(org.id, key.id)).toEqual({ ...key, lastUsedAt: LATER });
      await expect(store().apiKeys.touch(NOT_A_UUID, LATER)).resolves.toBeUndefined();
    });

    it('hides another organization’s keys', async () => {
      const [orgA, orgB] = [await createOrganization(store()), await createOrganization(store())];
      const key = await store().apiKeys.create(orgA.id, newApiKey());
      expect(await store().apiKeys.get(orgB.id, key.id)).toBeUndefined();
      expect(await store().apiKeys.list(orgB.id, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect(await store().apiKeys.revoke(orgB.id, key.id, LATER)).toBeUndefined();
      expect(await store().apiKeys.get(orgA.id, key.id)).toEqual(key);
    });

    it('pages through keys in id order, each exactly once', async () => {
      const org = await createOrganization(store());
      const ids = [newId(), newId(), newId()];
      for (const id of [...ids].reverse()) await store().apiKeys.create(org.id, newApiKey({ id }));
      const pages = await walkPages(1, (page) => store().apiKeys.list(org.id, page));
      expect(idsOf(pages)).toEqual(ids);
      expect(pages.at(-1)?.nextCursor).toBeNull();
    });

    it('treats malformed ids as unknown instead of failing', async () => {
      const org = await createOrganization(store());
      expect(await store().apiKeys.get(org.id, NOT_A_UUID)).toBeUndefined();
      expect(await store().apiKeys.revoke(org.id, NOT_A_UUID, LATER)).toBeUndefined();
      expect(await store().apiKeys.list(NOT_A_UUID, { limit: 5 })).toEqual({ items: [], nextCursor: null });
    });
  });
}

export function describeSessions(store: StoreAccess): void {
  describe('sessions', () => {
    const createUser = async () => {
      const org = await createOrganization(store());
      return store().users.create(org.id, newUser());
    };

    it('creates a session and finds it by token hash, expired or not', async () => {
      const user = await createUser();
      // In the past, yet later than the times the expiry test uses.
      const input = newSession(user, { expiresAt: new Date('2020-01-01T00:00:00.000Z') });
      const { tokenHash, ...expected } = input;
      expect(await store().sessions.create(input)).toEqual(expected);
      expect(await store().sessions.findByTokenHash(tokenHash)).toEqual(expected);
      expect(await store().sessions.findByTokenHash(`token-unknown-${newId()}`)).toBeUndefined();
    });

    it('deletes one session by id and ignores unknown or malformed ids', async () => {
      const user = await createUser();
      const [kept, deleted] = [newSession(user), newSession(user)];
      await store().sessions.create(kept);
      await store().sessions.create(deleted);
      await store().sessions.delete(deleted.id);
      await store().sessions.delete(newId());
      await store().sessions.delete(NOT_A_UUID);
      expect(await store().sessions.findByTokenHash(deleted.tokenHash)).toBeUndefined();
      expect(await store().sessions.findByTokenHash(kept.tokenHash)).toBeDefined();
    });

    it('deletes all of a user’s sessions and no one else’s', async () => {
      const [user, other] = [await createUser(), await createUser()];
      const sessions = [newSession(user), newSession(user), newSession(other)];
      for (const session of sessions) await store().sessions.create(session);
      expect(await store().sessions.deleteForUser(other.organizationId, user.id)).toBe(0);
      expect(await store().sessions.deleteForUser(user.organizationId, user.id)).toBe(2);
      expect(await store().sessions.deleteForUser(user.organizationId, NOT_A_UUID)).toBe(0);
      expect(await store().sessions.findByTokenHash(sessions[0]!.tokenHash)).toBeUndefined();
      expect(await store().sessions.findByTokenHash(sessions[2]!.tokenHash)).toBeDefined();
    });

    // Other tests' sessions expire in 2020 or later, so only these three are in range.
    it('deletes the sessions that expired by a given time', async () => {
      const user = await createUser();
      const at = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
      const expired = [newSession(user, { expiresAt: at('2001-01-01') }), newSession(user, { expiresAt: at('2001-01-02') })];
      const live = newSession(user, { expiresAt: at('2001-01-05') });
      for (const session of [...expired, live]) await store().sessions.create(session);
      expect(await store().sessions.deleteExpired(at('2001-01-03'))).toBe(2);
      expect(await store().sessions.findByTokenHash(expired[0]!.tokenHash)).toBeUndefined();
      expect(await store().sessions.findByTokenHash(live.tokenHash)).toBeDefined();
    });
  });
}
