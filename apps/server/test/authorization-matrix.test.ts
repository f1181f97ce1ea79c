import { readdirSync } from 'node:fs';
import { ROLES, type Role } from '@adplatform/domain';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../src/http/access.js';
import { isOpenToLimitedCallers } from '../src/http/scoped-access.js';
import { htmlCreative } from './fixtures/creatives.fixture.js';
import { createVia, type TenantFixture } from './fixtures/tenant-fixture.js';
import { bearer, createHarness, createKey, createOrganization, type Harness, login, OPERATOR } from './harness.js';

/**
 * Walks every registered route and checks the three refusals: no credentials
 * → 401, a role outside the policy → 403, another tenant's resource → 404.
 * A route with a parameter needs an entry in a `fixtures/*.fixture.ts` file,
 * or this suite fails.
 */
type Policy = Exclude<RouteEntry['access'], { public: true }>;

const ZERO_ID = '00000000-0000-7000-8000-000000000000';
/** Not loopback: /metrics lets a caller on this machine in without credentials (ADR 0020). */
const REMOTE = '203.0.113.7';
const fill = (url: string, params: Record<string, string>) => url.replaceAll(/:(\w+)/g, (_m, name: string) => params[name] ?? ZERO_ID);

/**
 * Valid bodies for the create routes open to limited keys, naming tenant A's
 * fixtures as parents: all lie outside every limited key's limit, so each is
 * refused (403) — and a new create route fails this suite until it is listed.
 */
const CREATE_BODIES: Record<string, (ids: Record<string, string>) => object> = {
  '/api/v1/advertisers': () => ({ name: 'Mine', currency: 'USD' }),
  '/api/v1/publishers': () => ({ name: 'Mine' }),
  '/api/v1/campaigns': (ids) => ({ advertiserId: ids.advertiser, name: 'Mine', startsAt: '2026-12-01T00:00:00Z' }),
  '/api/v1/line-items': (ids) => ({ campaignId: ids.campaign, name: 'Mine', pricing: { model: 'cpm', bidMicros: 1_000_000 } }),
  '/api/v1/creatives': (ids) => htmlCreative(ids.advertiser!),
  '/api/v1/sites': (ids) => ({ publisherId: ids.publisher, type: 'site', name: 'Mine', domain: 'mine.example' }),
  '/api/v1/placements': (ids) => ({ siteId: ids.site, name: 'Mine', formats: ['video'] }),
};
/** POST routes open to limited keys that create nothing of a side: their own tests cover them (reports-scoping.test.ts). */
const NOT_CREATES = new Set(['/api/v1/reports', '/api/v1/auth/logout', '/api/v1/me/password']);

let h: Harness;
let routes: RouteEntry[];
let ids: Record<string, string> = {};
const crossTenant: TenantFixture['routes'] = {};
const keysA = new Map<Role, string>();
const keysB = new Map<Role, string>();
/** Keys of tenant A limited to one advertiser or publisher of their own (ADR 0017), with the ids they may see. */
const limitedKeys: { name: string; role: Role; id: string; key: string; own: string }[] = [];

beforeAll(async () => {
  h = await createHarness();
  routes = h.app.routeCatalog.filter((r) => !('public' in r.access));
  const operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  const orgB = await createOrganization(h.app, operator, 'Tenant B');
  for (const role of ROLES) {
    keysA.set(role, (await createKey(h.app, operator.headers, role)).key);
    keysB.set(role, (await createKey(h.app, orgB.owner.headers, role)).key);
  }
  const files = readdirSync(new URL('./fixtures/', import.meta.url)).filter((file) => file.endsWith('.fixture.ts'));
  for (const file of files.sort()) {
    const { fixture } = (await import(`./fixtures/${file}`)) as { fixture: TenantFixture };
    Object.assign(crossTenant, fixture.routes);
    ids = { ...ids, ...(await fixture.setup(h.app, operator.headers)) };
  }
  const limited = async (name: string, role: Role, list: 'advertiserIds' | 'publisherIds', id: string) => {
    const payload = { name, role, [list]: [id] };
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: operator.headers, payload });
    expect(response.statusCode, response.body).toBe(201);
    limitedKeys.push({ name, role, id: response.json().id, key: response.json().key, own: id });
  };
  const advertiser = await createVia(h.app, operator.headers, '/api/v1/advertisers', { name: 'Limited Co', currency: 'USD' });
  const publisher = await createVia(h.app, operator.headers, '/api/v1/publishers', { name: 'Limited Press' });
  await limited('analyst limited to an advertiser', 'analyst', 'advertiserIds', advertiser);
  await limited('advertiser limited to an advertiser', 'advertiser', 'advertiserIds', advertiser);
  await limited('analyst limited to a publisher', 'analyst', 'publisherIds', publisher);
  await limited('publisher limited to a publisher', 'publisher', 'publisherIds', publisher);
});

afterAll(() => h.close());

function request(route: RouteEntry, headers: Record<string, string>, withBody = false) {
  const fx = crossTenant[`${route.method} ${route.url}`];
  const options: InjectOptions = {
    method: route.method as InjectOptions['method'],
    url: fill(route.url, fx?.params(ids) ?? {}),
    headers: { ...headers },
    remoteAddress: REMOTE,
  };
  if (withBody && fx?.body !== undefined) {
    options.payload = fx.body as InjectOptions['payload'];
    if (fx.contentType) options.headers = { ...options.headers, 'content-type': fx.contentType };
  }
  return h.app.inject(options);
}

describe('authorization matrix over every registered route', () => {
  it('has protected routes to check', () => {
    expect(routes.length).toBeGreaterThanOrEqual(12);
    // Platform-wide counters are not public (ADR 0020); metrics-access.test.ts covers who gets in.
    expect(routes.map((r) => `${r.method} ${r.url}`)).toContain('GET /metrics');
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
      const policy = route.access as Policy;
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

  it('answers 404 when another tenant reaches for this tenant’s resources, and changes nothing', async () => {
    for (const route of routes.filter((r) => r.url.includes(':'))) {
      const key = `${route.method} ${route.url}`;
      expect(crossTenant[key], `add a cross-tenant fixture for ${key} in test/fixtures/`).toBeDefined();
      const policy = route.access as Policy;
      if (policy.platformAdmin) continue; // only the operator passes; covered by the 403 check
      const role = policy.roles === 'any' ? 'owner' : policy.roles[0]!;
      const response = await request(route, bearer(keysB.get(role)!), true);
      expect(response.statusCode, `${key}: ${response.body}`).toBe(404);
    }
    const audit = (await h.app.inject({ method: 'GET', url: '/api/v1/audit-log?limit=200', headers: bearer(keysA.get('owner')!) })).json();
    const touched = audit.items.filter(
      (e: { action: string; resourceId: string }) => !e.action.endsWith('.create') && Object.values(ids).includes(e.resourceId),
    );
    expect(touched).toEqual([]);
    const user = await h.app.inject({ method: 'GET', url: `/api/v1/users/${ids.user}`, headers: bearer(keysA.get('admin')!) });
    expect(user.json().name).toBeNull();
  });

  it('keeps lists and the audit log inside the caller’s tenant', async () => {
    const ownerB = bearer(keysB.get('owner')!);
    const users = (await h.app.inject({ method: 'GET', url: '/api/v1/users', headers: ownerB })).json();
    expect(users.items.map((u: { email: string }) => u.email)).toEqual(['owner@tenantb.example']);
    const keys = (await h.app.inject({ method: 'GET', url: '/api/v1/api-keys?limit=200', headers: ownerB })).json();
    expect(keys.items).toHaveLength(ROLES.length);
    for (const list of routes.filter(
      // The live stats stream never ends (Server-Sent Events); its tenancy is tested in live-stats.test.ts.
      (r) =>
        r.method === 'GET' &&
        r.url.startsWith('/api/v1/') &&
        !r.url.includes(':') &&
        r.url !== '/api/v1/me' &&
        r.url !== '/api/v1/stats/live',
    )) {
      const policy = list.access as Policy;
      if (policy.platformAdmin) continue;
      const page = await h.app.inject({ method: 'GET', url: `${list.url}?limit=200`, headers: ownerB });
      expect(page.statusCode, list.url).toBe(200);
      const leaked = (page.json().items as { id?: string; resourceId?: string }[]).filter((item) =>
        Object.values(ids).includes(item.id ?? item.resourceId ?? ''),
      );
      expect(leaked, list.url).toEqual([]);
    }
  });

  it('closes organization-wide routes to limited keys, and scoped routes show them nothing outside their limit', async () => {
    let checked = 0;
    for (const limited of limitedKeys) {
      const headers = bearer(limited.key);
      for (const route of routes) {
        const policy = route.access as Policy;
        if (policy.platformAdmin || (policy.roles !== 'any' && !policy.roles.includes(limited.role))) continue;
        const label = `${limited.name} on ${route.method} ${route.url}`;
        if (!isOpenToLimitedCallers(route.url)) {
          expect((await request(route, headers, true)).statusCode, label).toBe(403);
          checked++;
          continue;
        }
        // Tenant A's fixtures all lie outside the key's limit: they read as missing, and stay unchanged.
        if (route.url.includes(':') && !route.url.startsWith('/api/v1/organizations/')) {
          const response = await request(route, headers, true);
          expect(response.statusCode, `${label}: ${response.body}`).toBe(404);
          checked++;
        } else if (route.method === 'POST' && !NOT_CREATES.has(route.url)) {
          const body = CREATE_BODIES[route.url];
          expect(body, `add a body for ${route.url} to CREATE_BODIES`).toBeDefined();
          const response = await h.app.inject({ method: 'POST', url: route.url, headers, payload: body!(ids) });
          expect(response.statusCode, `${label}: ${response.body}`).toBe(403);
          checked++;
        } else if (route.method === 'GET' && !route.url.includes(':') && route.url !== '/api/v1/me') {
          const page = await h.app.inject({ method: 'GET', url: `${route.url}?limit=200`, headers });
          expect(page.statusCode, label).toBe(200);
          const seen = (page.json().items as { id: string }[]).map((item) => item.id);
          expect(
            seen.filter((id) => id !== limited.own),
            label,
          ).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(limitedKeys.length * 10);
    const audit = (await h.app.inject({ method: 'GET', url: '/api/v1/audit-log?limit=200', headers: bearer(keysA.get('owner')!) })).json();
    const changedByLimited = audit.items.filter((e: { actorId: string | null }) => limitedKeys.some((k) => k.id === e.actorId));
    expect(changedByLimited).toEqual([]);
  });
});
