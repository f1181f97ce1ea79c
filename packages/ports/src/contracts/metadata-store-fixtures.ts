import { randomBytes } from 'node:crypto';
import { type ErrorCode, isAppError, newId, type Organization, type Page, type PageRequest } from '@adplatform/domain';
import { expect } from 'vitest';
import type { MetadataStore, NewApiKey, NewAuditEntry, NewOrganization, NewSession, NewUser } from '../metadata-store.js';

/**
 * Builders for the metadata contract. Every test works in organizations it
 * creates, with unique e-mails, prefixes and token hashes, so tests can share
 * one store without seeing each other.
 */

/** The store under test, opened once per suite. */
export type StoreAccess = () => MetadataStore;

/** Timestamps with milliseconds, the precision every engine keeps. */
export const CREATED_AT = new Date('2026-03-01T10:00:00.123Z');
export const LATER = new Date('2026-03-02T11:30:00.456Z');
/** Far enough ahead that the expiry test never removes other tests' sessions. */
export const FAR_FUTURE = new Date('2099-01-01T00:00:00.000Z');

const unique = (): string => randomBytes(6).toString('hex');

export const newOrganization = (overrides: Partial<NewOrganization> = {}): NewOrganization => ({
  id: newId(),
  name: `Org ${unique()}`,
  timezone: 'Europe/Paris',
  createdAt: CREATED_AT,
  ...overrides,
});

export const createOrganization = (store: MetadataStore): Promise<Organization> => store.organizations.create(newOrganization());

export const newUser = (overrides: Partial<NewUser> = {}): NewUser => ({
  id: newId(),
  email: `user-${unique()}@example.com`,
  name: 'Ada Lovelace',
  role: 'admin',
  status: 'active',
  isPlatformAdmin: false,
  passwordHash: `hash-${unique()}`,
  createdAt: CREATED_AT,
  ...overrides,
});

export const newApiKey = (overrides: Partial<NewApiKey> = {}): NewApiKey => ({
  id: newId(),
  name: 'reporting',
  role: 'analyst',
  prefix: `ak_${unique()}`,
  secretHash: `secret-${unique()}`,
  createdBy: null,
  createdAt: CREATED_AT,
  ...overrides,
});

export const newSession = (owner: { id: string; organizationId: string }, overrides: Partial<NewSession> = {}): NewSession => ({
  id: newId(),
  userId: owner.id,
  organizationId: owner.organizationId,
  tokenHash: `token-${unique()}`,
  createdAt: CREATED_AT,
  expiresAt: FAR_FUTURE,
  ...overrides,
});

export const newAuditEntry = (overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  id: newId(),
  actorKind: 'user',
  actorId: newId(),
  action: 'user.create',
  resourceType: 'user',
  resourceId: newId(),
  before: null,
  after: { role: 'admin', tags: ['a', 'b'], nested: { ok: true } },
  requestId: `req-${unique()}`,
  at: CREATED_AT,
  ...overrides,
});

/** Follows cursors from the first page to the last, returning every page. */
export async function walkPages<T>(limit: number, fetchPage: (page: PageRequest) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage({ limit, cursor });
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 1000) throw new Error('pagination does not end');
  } while (cursor !== undefined);
  return pages;
}

export const idsOf = (pages: Page<{ id: string }>[]): string[] => pages.flatMap((page) => page.items.map((item) => item.id));

/** Asserts that `work` rejects with an AppError of `code`, and returns it for further checks. */
export async function expectAppError(work: Promise<unknown>, code: ErrorCode) {
  const error: unknown = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isAppError(error), `expected an AppError ${code}, got ${String(error)}`).toBe(true);
  if (!isAppError(error)) throw new Error('unreachable');
  expect(error.code).toBe(code);
  return error;
}

export const NOT_A_UUID = 'not-a-uuid';
