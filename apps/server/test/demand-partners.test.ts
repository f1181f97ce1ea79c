import { type FieldIssue, newId } from '@adplatform/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createHarness,
  createKey,
  createOrganization,
  expectProblem,
  type Harness,
  login,
  OPERATOR,
  type Session,
  STORE_KINDS,
} from './harness.js';

describe.each(STORE_KINDS)('demand partners on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  let other: Session;
  let placementId: string;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    other = (await createOrganization(h.app, owner, 'Other Exchange')).owner;
    const publisherId = (await create('/api/v1/publishers', { name: 'Pub' })).json().id;
    const siteId = (await create('/api/v1/sites', { publisherId, name: 'Site', type: 'site', domain: 'pub.example' })).json().id;
    placementId = (await create('/api/v1/placements', { siteId, name: 'Slot', formats: ['native'] })).json().id;
  });
  afterAll(() => h.close());

  function create(url: string, payload: object, headers?: Record<string, string>) {
    return h.app.inject({ method: 'POST', url, headers: headers ?? owner.headers, payload });
  }
  const partner = (extra: object = {}, headers?: Record<string, string>) =>
    create('/api/v1/demand-partners', { name: 'Bidder', endpointUrl: 'https://1.1.1.1/openrtb2', ...extra }, headers);
  const errors = (response: Awaited<ReturnType<typeof partner>>) =>
    expectProblem(response, 400, 'VALIDATION_FAILED').errors as FieldIssue[];

  it('adds a partner with defaults, audits it and publishes a change event', async () => {
    const response = await partner({ placementIds: [placementId], bidAdjustment: 0.85, qpsLimit: 50, timeoutMs: 120 });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      name: 'Bidder',
      endpointUrl: 'https://1.1.1.1/openrtb2',
      timeoutMs: 120,
      bidAdjustment: 0.85,
      placementIds: [placementId],
      qpsLimit: 50,
      enabled: true,
      status: 'active',
    });
    expect((await partner({ name: 'Defaults' })).json()).toMatchObject({
      timeoutMs: 300,
      bidAdjustment: 1,
      placementIds: [],
      qpsLimit: 1000,
    });
    expect(h.events.at(-2)).toMatchObject({ kind: 'demand_partner', id: created.id, op: 'created', version: 1 });
    const audit = (await h.app.inject({ method: 'GET', url: `/api/v1/audit-log?resourceId=${created.id}`, headers: owner.headers })).json();
    expect(audit.items[0]).toMatchObject({ action: 'demand_partner.create', after: { endpointUrl: 'https://1.1.1.1/openrtb2' } });
  });

  it.each([
    'http://127.0.0.1:8080/bid',
    'http://localhost/bid',
    'http://[::1]/bid',
    'http://169.254.169.254/latest/meta-data/',
    'https://10.0.0.5/bid',
    'https://192.168.1.1/bid',
    'http://[::ffff:10.0.0.1]/',
    'http://0x7f000001/',
  ])('refuses the private endpoint %s with a 400 naming body.endpointUrl', async (endpointUrl) => {
    const [issue] = (await errors(await partner({ endpointUrl }))) as { path: string; message: string }[];
    expect(issue?.path).toBe('body.endpointUrl');
    expect(issue?.message).toMatch(/must point to a public address/);
  });

  it('refuses non-http URLs, out-of-range numbers and unknown placements, naming each field', async () => {
    expect((await errors(await partner({ endpointUrl: 'ftp://1.1.1.1/' })))?.[0]).toEqual({
      path: 'body.endpointUrl',
      message: 'must be an http or https URL',
    });
    expect((await errors(await partner({ timeoutMs: 5001 })))?.[0]?.path).toBe('body.timeoutMs');
    expect((await errors(await partner({ timeoutMs: 9 })))?.[0]?.path).toBe('body.timeoutMs');
    expect((await errors(await partner({ bidAdjustment: 0 })))?.[0]?.path).toBe('body.bidAdjustment');
    expect((await errors(await partner({ bidAdjustment: 10.5 })))?.[0]?.path).toBe('body.bidAdjustment');
    expect((await errors(await partner({ qpsLimit: 0 })))?.[0]?.path).toBe('body.qpsLimit');
    expect((await errors(await partner({ qpsLimit: 2.5 })))?.[0]?.path).toBe('body.qpsLimit');
    expect((await errors(await partner({ enabled: 'yes' })))?.[0]?.path).toBe('body.enabled');
    expect(await errors(await partner({ placementIds: [placementId, newId()] }))).toEqual([
      { path: 'body.placementIds[1]', message: 'is not a placement of this organization' },
    ]);
    // Another tenant cannot point its partner at this tenant's placement.
    expect((await errors(await partner({ placementIds: [placementId] }, other.headers)))?.[0]?.path).toBe('body.placementIds[0]');
  });

  it('updates, re-checks a changed URL, disables, archives, and filters', async () => {
    const { id } = (await partner({ name: 'Updatable' })).json();
    const patch = (payload: object, headers = owner.headers) =>
      h.app.inject({ method: 'PATCH', url: `/api/v1/demand-partners/${id}`, headers, payload });
    expect((await errors(await patch({ endpointUrl: 'http://10.1.1.1/' })))?.[0]?.path).toBe('body.endpointUrl');
    const updated = await patch({ endpointUrl: 'https://[2606:4700:4700::1111]/bid', enabled: false, bidAdjustment: 1.2 });
    expect(updated.json()).toMatchObject({
      enabled: false,
      bidAdjustment: 1.2,
      version: 2,
      endpointUrl: 'https://[2606:4700:4700::1111]/bid',
    });
    const list = (query: string) => h.app.inject({ method: 'GET', url: `/api/v1/demand-partners?${query}`, headers: owner.headers });
    expect((await list('enabled=false')).json().items.map((p: { id: string }) => p.id)).toEqual([id]);
    expect((await list('search=updat')).json().items.map((p: { id: string }) => p.id)).toEqual([id]);
    const archived = await h.app.inject({ method: 'DELETE', url: `/api/v1/demand-partners/${id}`, headers: owner.headers });
    expect(archived.json()).toMatchObject({ status: 'archived', enabled: false, version: 3 });
    expect(h.events.filter((e) => e.id === id).map((e) => `${e.op}@${e.version}`)).toEqual(['created@1', 'updated@2', 'updated@3']);
    expectProblem(await patch({ enabled: true }, other.headers), 404, 'NOT_FOUND');
  });

  it('is for owners and admins to change and analysts to read', async () => {
    const analyst = bearer((await createKey(h.app, owner.headers, 'analyst')).key);
    const publisher = bearer((await createKey(h.app, owner.headers, 'publisher')).key);
    const admin = bearer((await createKey(h.app, owner.headers, 'admin')).key);
    expect((await partner({ name: 'By admin' }, admin)).statusCode).toBe(201);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/demand-partners', headers: analyst })).statusCode).toBe(200);
    expectProblem(await partner({}, analyst), 403, 'FORBIDDEN');
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/v1/demand-partners', headers: publisher }), 403, 'FORBIDDEN');
  });
});

describe('demand partners when the operator allows private outbound targets', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ allowPrivateOutbound: true });
  });
  afterAll(() => h.close());

  it('accepts loopback and private endpoints, but still only http(s)', async () => {
    const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    const add = (endpointUrl: string) =>
      h.app.inject({ method: 'POST', url: '/api/v1/demand-partners', headers: owner.headers, payload: { name: 'Local', endpointUrl } });
    expect((await add('http://127.0.0.1:9000/bid')).statusCode).toBe(201);
    expect((await add('http://10.0.0.5/bid')).statusCode).toBe(201);
    expectProblem(await add('file:///etc/passwd'), 400, 'VALIDATION_FAILED');
  });
});
