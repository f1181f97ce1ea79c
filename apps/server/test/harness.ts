import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFsBlobStore } from '@adplatform/adapter-blobs-fs';
import { createDuckDbAnalytics } from '@adplatform/adapter-duckdb';
import { createMemoryChangeBus, createMemoryCounterStore, createMemoryEventLog, createMemoryRateLimiter } from '@adplatform/adapter-memory';
import { createTestPgliteStore, createTestPostgresStore } from '@adplatform/adapter-sql/testing';
import { type ChangeEvent, createManualClock, type Role } from '@adplatform/domain';
import type { MetadataStore, TokenBucketOptions } from '@adplatform/ports';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type AppDeps, buildApp, type TrackingOptions } from '../src/app.js';
import { ensureOperator } from '../src/bootstrap.js';
import type { OpenRtbOptions } from '../src/openrtb/openrtb.js';

export const OPERATOR = { email: 'operator@example.com', password: 'operator-password-1' };
/** The harness's tracking key, so tests can sign URLs the app accepts. */
export const TEST_TRACKING_SECRET = 'harness-tracking-secret-0123456789abcdef';

export interface Harness {
  app: FastifyInstance;
  /** What the app was built with (its store, bus, clock…), for code under test outside HTTP. */
  deps: AppDeps;
  store: MetadataStore;
  clock: ReturnType<typeof createManualClock>;
  /** Every change event published, in order. */
  events: ChangeEvent[];
  close(): Promise<void>;
}

/** A real app on a real (embedded PGlite) store, with the operator created, driven through inject(). */
export type TestStoreKind = 'pglite' | 'postgres';
/** Resource tests run against both engines: `describe.each(STORE_KINDS)(…)`. */
export const STORE_KINDS: TestStoreKind[] = ['pglite', 'postgres'];

export async function createHarness(
  options: {
    rateLimit?: TokenBucketOptions;
    bodyLimitBytes?: number;
    /** An in-memory DuckDB analytics store (reports); none by default. */
    analytics?: boolean;
    store?: TestStoreKind;
    allowPrivateOutbound?: boolean;
    metricsToken?: string;
    tracking?: TrackingOptions;
    /** The exchange's test options (its demand, partners, random source). */
    openrtb?: OpenRtbOptions;
  } = {},
): Promise<Harness> {
  const store = options.store === 'postgres' ? await createTestPostgresStore() : await createTestPgliteStore();
  const clock = createManualClock(new Date('2026-11-27T12:00:00Z'));
  const bus = createMemoryChangeBus();
  const blobsDir = await mkdtemp(path.join(tmpdir(), 'adp-test-blobs-'));
  const events: ChangeEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const deps: AppDeps = {
    store,
    blobs: createFsBlobStore({ dir: blobsDir }),
    bus,
    clock,
    rateLimiter: createMemoryRateLimiter({ ...(options.rateLimit ?? { perSecond: 10_000, burst: 10_000 }), clock }),
    loginThrottle: createMemoryRateLimiter({ perSecond: 1 / 60, burst: 5, clock }),
    eventLog: createMemoryEventLog(),
    counters: createMemoryCounterStore(),
    ...(options.analytics ? { analytics: await createDuckDbAnalytics({ path: ':memory:' }) } : {}),
  };
  const app = await buildApp(deps, {
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(options.allowPrivateOutbound ? { allowPrivateOutbound: true } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    tracking: { secret: TEST_TRACKING_SECRET, ...options.tracking },
    ...(options.openrtb ? { openrtb: options.openrtb } : {}),
  });
  await ensureOperator({ store, clock, dataDir: '/nonexistent', admin: OPERATOR, log: { info: () => undefined } });
  return {
    app,
    deps,
    store,
    clock,
    events,
    close: async () => {
      await app.close();
      await deps.analytics?.close();
      await store.close();
      await rm(blobsDir, { recursive: true, force: true });
    },
  };
}

export interface Session {
  cookie: string;
  csrfToken: string;
  headers: Record<string, string>;
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const setCookie = [response.headers['set-cookie']].flat()[0] ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const csrfToken = response.json().csrfToken as string;
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export async function createKey(
  app: FastifyInstance,
  headers: Record<string, string>,
  role: Role,
  name = `${role} key`,
): Promise<{ id: string; key: string }> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload: { name, role } });
  if (response.statusCode !== 201) throw new Error(`key creation failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Creates an organization through the operator and returns its owner's session. */
export async function createOrganization(
  app: FastifyInstance,
  operator: Session,
  name: string,
): Promise<{ id: string; owner: Session; ownerId: string }> {
  const email = `owner@${name.toLowerCase().replaceAll(/[^a-z0-9]/g, '')}.example`;
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/organizations',
    headers: operator.headers,
    payload: { name, owner: { email, password: 'owner-password-123' } },
  });
  if (response.statusCode !== 201) throw new Error(`organization creation failed: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return { id: body.organization.id, ownerId: body.owner.id, owner: await login(app, email, 'owner-password-123') };
}

export function expectProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  const body = response.json();
  if (
    response.statusCode !== status ||
    body.code !== code ||
    !String(response.headers['content-type']).startsWith('application/problem+json')
  ) {
    throw new Error(
      `expected ${status} ${code} problem+json, got ${response.statusCode} ${response.headers['content-type']} ${response.body}`,
    );
  }
  return body;
}
