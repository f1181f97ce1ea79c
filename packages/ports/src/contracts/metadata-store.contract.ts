import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataStore } from '../metadata-store.js';
import { describeApiKeys, describeSessions } from './metadata-store-access.contract.js';
import { describeOrganizations, describeUsers } from './metadata-store-accounts.contract.js';
import { describeAuditLog } from './metadata-store-audit.contract.js';
import { newOrganization, newUser, type StoreAccess } from './metadata-store-fixtures.js';
import { describeResources } from './metadata-store-resources.contract.js';

/**
 * The behaviour every MetadataStore adapter must have. An adapter's test file
 * calls this with a function that opens a fresh, empty, migrated store; the
 * suite opens one for all its tests (each works in organizations of its own)
 * and one more to test closing.
 */
export function runMetadataStoreContract(name: string, open: () => Promise<MetadataStore>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let opened: MetadataStore | undefined;
    const store: StoreAccess = () => {
      if (!opened) throw new Error('the store did not open');
      return opened;
    };
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      await opened?.close();
    });

    describeOrganizations(store);
    describeUsers(store);
    describeApiKeys(store);
    describeSessions(store);
    describeAuditLog(store);
    describeResources(store);
    describeTransactions(store);
    describeLifecycle(store, open);
  });
}

function describeTransactions(store: StoreAccess): void {
  describe('transactions', () => {
    it('commits the writes of a transaction that resolves, and returns its result', async () => {
      const org = newOrganization();
      const user = newUser();
      const result = await store().transaction(async (tx) => {
        await tx.organizations.create(org);
        await tx.users.create(org.id, user);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await store().users.get(org.id, user.id)).toMatchObject({ id: user.id, organizationId: org.id });
    });

    it('sees its own writes before it commits', async () => {
      const org = newOrganization();
      const seen = await store().transaction(async (tx) => {
        await tx.organizations.create(org);
        return tx.organizations.get(org.id);
      });
      expect(seen).toEqual(org);
    });

    it('rolls back every write of a transaction that rejects, and rejects with its error', async () => {
      const org = newOrganization();
      const user = newUser();
      const failure = new Error('changed my mind');
      const work = store().transaction(async (tx) => {
        await tx.organizations.create(org);
        await tx.users.create(org.id, user);
        throw failure;
      });
      await expect(work).rejects.toBe(failure);
      expect(await store().organizations.get(org.id)).toBeUndefined();
      expect(await store().users.get(org.id, user.id)).toBeUndefined();
      expect(await store().users.findCredentialsByEmail(user.email)).toBeUndefined();
    });

    it('rolls back a transaction that fails on an e-mail conflict', async () => {
      const org = newOrganization();
      const taken = newUser();
      await store().transaction(async (tx) => {
        await tx.organizations.create(org);
        await tx.users.create(org.id, taken);
      });
      const second = newUser();
      const work = store().transaction(async (tx) => {
        await tx.users.create(org.id, second);
        await tx.users.create(org.id, newUser({ email: taken.email }));
      });
      await expect(work).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store().users.get(org.id, second.id)).toBeUndefined();
    });
  });
}

function describeLifecycle(store: StoreAccess, open: () => Promise<MetadataStore>): void {
  describe('lifecycle', () => {
    it('answers a ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });

    it('names its engine', () => {
      expect(['pglite', 'postgres']).toContain(store().kind);
    });

    it('closes once however often close is called, then refuses queries', async () => {
      const another = await open();
      await another.organizations.create(newOrganization());
      await expect(Promise.all([another.close(), another.close()])).resolves.toEqual([undefined, undefined]);
      await expect(another.close()).resolves.toBeUndefined();
      await expect(another.ping()).rejects.toThrow();
    });
  });
}
