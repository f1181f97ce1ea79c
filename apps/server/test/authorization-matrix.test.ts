import { ROLES, type Role } from '@adplatform/domain';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../src/http/access.js';
import { bearer, createHarness, createKey, createOrganization, type Harness, login, OPERATOR } from './harness.js';

/**
 * Walks every registered route and checks the three refusals: no credentials
 * → 401, a role outside the policy → 403, another tenant's resource → 404.
 * A new route with an `:id` (or any other parameter) must be added to
 * `crossTenant`, or this suite fails.
 */
interface Fixtures {
  orgA: string;
  userA: string;
  keyA: string;
}

const crossTenant: Record<string, { params: (fx: Fixtures) => Record<string, string>; body?: unknown }> = {
  'GET /api/v1/users/:id': { params: (fx) => ({ id: fx.userA }) },
  'HEAD /api/v1/users/:id': { params: (fx) => ({ id: fx.userA }) },
  'PATCH /api/v1/users/:id': { params: (fx) => ({ id: fx.userA }), body: { name: 'taken over' } },
  'GET /api/v1/api-keys/:id': { params: (fx) => ({ id: fx.keyA }) },
  'HEAD /api/v1/api-keys/:id': { params: (fx) => ({ id: fx.keyA }) },
  'DELETE /api/v1/api-keys/:id': { params: (fx) => ({ id: fx.keyA }) },
  'GET /api/v1/organizations/:id': { params: (fx) => ({ id: fx.orgA }) },
  'HEAD /api/v1/organizations/:id': { params: (fx) => ({ id: fx.orgA }) },
};

const fill = (url: string, params: Record<string, string>) =>
  url.replaceAll(/:(\w+)/g, (_m, name: string) => params[name] ?? '00000000-0000-7000-8000-000000000000');

let h: Harness;
let routes: RouteEntry[];
let fixtures: Fixtures;
const keysA = new Map<Role, string>();
const keysB = new Map<Role, string>();

beforeAll(async () => {
  h = await createHarness();
  routes = h.app.routeCatalog.filter((r) => !('public' in r.access));
  const operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  const orgB = await createOrganization(h.app, operator, 'Tenant B');
  for (const role of ROLES) {
    keysA.set(role, (await createKey(h.app, operator.headers, role)).key);
    keysB.set(role, (await createKey(h.app, orgB.owner.headers, role)).key);
  }
  const me = (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: operator.headers })).json();
  const userA = await h.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: operator.headers,
    payload: { email: 'someone@tenant-a.example', role: 'analyst' },
  });
  const keyA = await createKey(h.app, operator.headers, 'analyst', 'target key');
  fixtures = { orgA: me.organization.id, userA: userA.json().user.id, keyA: keyA.id };
});

afterAll(() => h.close());

const request = (route: RouteEntry, headers: Record<string, string>, extra: Partial<InjectOptions> = {}) =>
  h.app.inject({
    method: route.method as InjectOptions['method'],
    url: fill(route.url, crossTenant[`${route.method} ${route.url}`]?.params(fixtures) ?? {}),
    headers,
    ...extra,
  });

describe('authorization matrix over every registered route', () => {
  it('has protected routes to check', () => {
    expect(routes.length).toBeGreaterThanOrEqual(12);
  });

  it('answers 401 problem+json without credentials, and with a bogus key', async () => {
    for (const route of routes) {
      for (const headers of [{}, bearer('adp_000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')]) {
        const response = await request(route, headers);
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        if (route.method !== 'HEAD') expect(response.json().code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('answers 403 to every role outside the route policy', async () => {
    let checked = 0;
    for (const route of routes) {
      const policy = route.access as Exclude<RouteEntry['access'], { public: true }>;
      for (const role of ROLES) {
        const allowed = !policy.platformAdmin && (policy.roles === 'any' || policy.roles.includes(role));
        if (allowed) continue;
        const response = await request(route, bearer(keysB.get(role)!));
        expect(response.statusCode, `${role} on ${route.method} ${route.url}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('answers 404 when another tenant reaches for this tenant’s resources', async () => {
    const parameterized = routes.filter((r) => r.url.includes(':'));
    for (const route of parameterized) {
      const key = `${route.method} ${route.url}`;
      expect(crossTenant[key], `add a cross-tenant fixture for ${key}`).toBeDefined();
      const policy = route.access as Exclude<RouteEntry['access'], { public: true }>;
      if (policy.platformAdmin) continue; // only the operator passes; covered by the 403 check
      const role = policy.roles === 'any' ? 'owner' : policy.roles[0]!;
      const response = await request(
        route,
        bearer(keysB.get(role)!),
        crossTenant[key]?.body ? { payload: crossTenant[key].body as object } : {},
      );
      expect(response.statusCode, key).toBe(404);
    }
    // The target resources are untouched and still reachable by their own tenant.
    const own = await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${fixtures.keyA}`, headers: bearer(keysA.get('owner')!) });
    expect(own.json().revokedAt).toBeNull();
    const user = await h.app.inject({ method: 'GET', url: `/api/v1/users/${fixtures.userA}`, headers: bearer(keysA.get('admin')!) });
    expect(user.json().name).toBeNull();
  });

  it('keeps lists and the audit log inside the caller’s tenant', async () => {
    const ownerB = bearer(keysB.get('owner')!);
    const users = (await h.app.inject({ method: 'GET', url: '/api/v1/users', headers: ownerB })).json();
    expect(users.items.map((u: { email: string }) => u.email)).toEqual(['owner@tenantb.example']);
    const keys = (await h.app.inject({ method: 'GET', url: '/api/v1/api-keys?limit=200', headers: ownerB })).json();
    expect(keys.items).toHaveLength(ROLES.length);
    const audit = (await h.app.inject({ method: 'GET', url: '/api/v1/audit-log?limit=200', headers: ownerB })).json();
    expect(audit.items.length).toBeGreaterThan(0);
    expect(audit.items.every((e: { resourceId: string | null }) => e.resourceId !== fixtures.userA && e.resourceId !== fixtures.keyA)).toBe(
      true,
    );
  });
});
