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

describe.each(STORE_KINDS)('publishers, sites and placements on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  let other: Session;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    other = (await createOrganization(h.app, owner, 'Other Press')).owner;
  });
  afterAll(() => h.close());

  const post = (url: string, payload: object, headers = owner.headers) => h.app.inject({ method: 'POST', url, headers, payload });
  const patch = (url: string, payload: object, headers = owner.headers) => h.app.inject({ method: 'PATCH', url, headers, payload });
  const get = (url: string, headers = owner.headers) => h.app.inject({ method: 'GET', url, headers });
  const fieldError = async (response: Awaited<ReturnType<typeof post>>) =>
    expectProblem(response, 400, 'VALIDATION_FAILED').errors as FieldIssue[];
  const names = (page: { items: { name: string }[] }) => page.items.map((i) => i.name).sort();

  async function publisher(name = 'Daily Planet') {
    return (await post('/api/v1/publishers', { name })).json().id as string;
  }
  async function site(publisherId: string, extra: object = {}) {
    return (await post('/api/v1/sites', { publisherId, name: 'Planet web', type: 'site', domain: 'planet.example', ...extra })).json()
      .id as string;
  }
  const banner = (siteId: string, extra: object = {}, headers = owner.headers) =>
    post(
      '/api/v1/placements',
      { siteId, name: 'Top banner', formats: ['image', 'html'], sizes: [{ width: 300, height: 250 }], ...extra },
      headers,
    );

  it('creates a publisher with seller type and a lower-cased domain, audits it and publishes a change event', async () => {
    const response = await post('/api/v1/publishers', {
      name: 'Daily Planet',
      contact: { email: 'ads@planet.example' },
      sellerType: 'PUBLISHER',
      domain: 'Planet.Example',
    });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      name: 'Daily Planet',
      status: 'active',
      version: 1,
      sellerType: 'PUBLISHER',
      domain: 'planet.example',
    });
    expect(h.events.at(-1)).toMatchObject({ kind: 'publisher', id: created.id, version: 1, op: 'created' });
    const audit = (await get(`/api/v1/audit-log?resourceId=${created.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'publisher.create', after: { domain: 'planet.example' } });
    const updated = (await patch(`/api/v1/publishers/${created.id}`, { sellerType: null, status: 'paused' })).json();
    expect(updated).toMatchObject({ status: 'paused', version: 2, domain: 'planet.example' });
    expect(updated.sellerType).toBeUndefined();
    expect(await fieldError(await post('/api/v1/publishers', { name: 'X', sellerType: 'RESELLER' }))).toEqual([
      { path: 'body.sellerType', message: 'must be one of PUBLISHER, INTERMEDIARY, BOTH' },
    ]);
    expect((await fieldError(await post('/api/v1/publishers', { name: 'X', domain: 'https://x.example/' })))?.[0]?.path).toBe(
      'body.domain',
    );
  });

  it('creates sites (domain) and apps (bundle id, store URL) with IAB categories', async () => {
    const publisherId = await publisher();
    const web = await post('/api/v1/sites', {
      publisherId,
      name: 'Web',
      type: 'site',
      domain: 'News.Planet.Example',
      categories: ['IAB12', 'IAB12-2'],
    });
    expect(web.statusCode).toBe(201);
    expect(web.json()).toMatchObject({
      publisherId,
      type: 'site',
      domain: 'news.planet.example',
      categories: ['IAB12', 'IAB12-2'],
      status: 'active',
    });
    const app = await post('/api/v1/sites', {
      publisherId,
      name: 'Planet iOS',
      type: 'app',
      bundleId: '389801252',
      storeUrl: 'https://apps.apple.com/app/id389801252',
    });
    expect(app.json()).toMatchObject({
      type: 'app',
      bundleId: '389801252',
      storeUrl: 'https://apps.apple.com/app/id389801252',
      categories: [],
    });
    const android = await post('/api/v1/sites', { publisherId, name: 'Planet Android', type: 'app', bundleId: 'com.planet.news' });
    expect(android.statusCode).toBe(201);
    expect(h.events.at(-1)).toMatchObject({ kind: 'site', id: android.json().id, op: 'created' });
  });

  it('refuses wrong identities, categories and parents, naming the field', async () => {
    const publisherId = await publisher();
    const site = (body: object) => post('/api/v1/sites', { publisherId, name: 'S', ...body });
    expect(await fieldError(await site({ type: 'app', bundleId: 'not a bundle' }))).toEqual([
      { path: 'body.bundleId', message: 'must be a reverse-DNS bundle id (com.example.news) or an App Store numeric id (389801252)' },
    ]);
    expect((await fieldError(await site({ type: 'app', bundleId: 'news' })))?.[0]?.path).toBe('body.bundleId');
    expect((await fieldError(await site({ type: 'app' })))?.[0]).toEqual({ path: 'body.bundleId', message: 'is required for an app' });
    expect((await fieldError(await site({ type: 'site' })))?.[0]).toEqual({ path: 'body.domain', message: 'is required for a site' });
    expect((await fieldError(await site({ type: 'site', domain: 'a.example', bundleId: 'com.a.b' })))?.[0]?.path).toBe('body.bundleId');
    for (const domain of ['localhost', '10.0.0.1', 'a..example', '-a.example', 'a.example/path', 'a.example:8080']) {
      expect((await fieldError(await site({ type: 'site', domain })))?.[0]?.path, domain).toBe('body.domain');
    }
    expect((await fieldError(await site({ type: 'site', domain: 'a.example', categories: ['IAB1', 'Sports'] })))?.[0]?.path).toBe(
      'body.categories[1]',
    );
    const unknown = await post('/api/v1/sites', { publisherId: newId(), name: 'S', type: 'site', domain: 'a.example' });
    expect(await fieldError(unknown)).toEqual([{ path: 'body.publisherId', message: 'is not a publisher of this organization' }]);
    const foreign = await post('/api/v1/sites', { publisherId, name: 'S', type: 'site', domain: 'a.example' }, other.headers);
    expect(await fieldError(foreign)).toEqual([{ path: 'body.publisherId', message: 'is not a publisher of this organization' }]);
  });

  it('updates a site within its type, archives it, and filters by publisher, type, status and name', async () => {
    const [p1, p2] = [await publisher('Filter One'), await publisher('Filter Two')];
    const s1 = await site(p1, { name: 'Alpha web' });
    await post('/api/v1/sites', { publisherId: p1, name: 'Alpha app', type: 'app', bundleId: 'com.alpha.app' });
    await site(p2, { name: 'Beta web' });
    expect(names((await get(`/api/v1/sites?publisherId=${p1}`)).json())).toEqual(['Alpha app', 'Alpha web']);
    expect(names((await get(`/api/v1/sites?publisherId=${p1}&type=app`)).json())).toEqual(['Alpha app']);
    expect(names((await get(`/api/v1/sites?search=beta&publisherId=${p2}`)).json())).toEqual(['Beta web']);
    expect((await fieldError(await patch(`/api/v1/sites/${s1}`, { bundleId: 'com.alpha.web' })))?.[0]?.path).toBe('body.bundleId');
    expect((await patch(`/api/v1/sites/${s1}`, { domain: 'WWW.Alpha.example' })).json()).toMatchObject({
      domain: 'www.alpha.example',
      version: 2,
    });
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/sites/${s1}`, headers: owner.headers })).json().status).toBe('archived');
    expect(names((await get(`/api/v1/sites?publisherId=${p1}&status=archived`)).json())).toEqual(['Alpha web']);
    const audit = (await get(`/api/v1/audit-log?resourceId=${s1}`)).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(['site.archive', 'site.update', 'site.create']);
    expect((await fieldError(await banner(s1)))?.[0]).toEqual({ path: 'body.siteId', message: 'is an archived site' });
  });

  it('creates placements with formats, sizes, floor and fallbacks; the data keeps the shape line items rely on', async () => {
    const publisherId = await publisher();
    const siteId = await site(publisherId);
    const response = await banner(siteId, { floorMicros: 1_250_000, fallback: { type: 'passback', html: '<div>passback</div>' } });
    expect(response.statusCode).toBe(201);
    const placement = response.json();
    expect(placement).toMatchObject({
      siteId,
      publisherId,
      formats: ['image', 'html'],
      sizes: [{ width: 300, height: 250 }],
      floorMicros: 1_250_000,
      fallback: { type: 'passback', html: '<div>passback</div>' },
      status: 'active',
    });
    const stored = await h.store.resources.placement.get((await get('/api/v1/me')).json().organization.id, placement.id);
    expect(stored?.data).toMatchObject({ sizes: [{ width: 300, height: 250 }], formats: ['image', 'html'] });
    const video = await post('/api/v1/placements', { siteId, name: 'Preroll', formats: ['video'] });
    expect(video.json()).toMatchObject({ sizes: [], floorMicros: 0, fallback: { type: 'none' } });
    expect(h.events.at(-1)).toMatchObject({ kind: 'placement', id: video.json().id, op: 'created' });
  });

  it('refuses float and string floors, missing sizes, bad fallbacks and unknown sites, naming the field', async () => {
    const siteId = await site(await publisher());
    expect(await fieldError(await banner(siteId, { floorMicros: 1.5 }))).toEqual([
      { path: 'body.floorMicros', message: 'must be integer' },
    ]);
    expect(await fieldError(await banner(siteId, { floorMicros: '1000' }))).toEqual([
      { path: 'body.floorMicros', message: 'must be integer' },
    ]);
    expect((await fieldError(await banner(siteId, { floorMicros: -1 })))?.[0]?.path).toBe('body.floorMicros');
    expect(await fieldError(await banner(siteId, { sizes: [] }))).toEqual([
      { path: 'body.sizes', message: 'needs at least one size when image or html is accepted' },
    ]);
    expect((await fieldError(await banner(siteId, { formats: ['image', 'audio'] })))?.[0]?.path).toBe('body.formats[1]');
    expect((await fieldError(await banner(siteId, { formats: [] })))?.[0]?.path).toBe('body.formats');
    expect((await fieldError(await banner(siteId, { sizes: [{ width: 300.5, height: 250 }] })))?.[0]?.path).toBe('body.sizes[0].width');
    expect((await fieldError(await banner(siteId, { fallback: { type: 'passback' } })))?.[0]?.path).toBe('body.fallback.html');
    const huge = { type: 'passback', html: 'x'.repeat(65_537) };
    expect((await fieldError(await banner(siteId, { fallback: huge })))?.[0]?.path).toBe('body.fallback.html');
    expect((await fieldError(await banner(siteId, { fallback: { type: 'house' } })))?.[0]?.path).toBe('body.fallback.creativeId');
    expect((await fieldError(await banner(siteId, { fallback: { type: 'none', html: 'x' } })))?.[0]?.path).toBe('body.fallback.html');
    expect(await fieldError(await banner(newId()))).toEqual([{ path: 'body.siteId', message: 'is not a site of this organization' }]);
    expect((await fieldError(await banner(siteId, {}, other.headers)))?.[0]?.path).toBe('body.siteId');
  });

  it('accepts an approved house creative that fits, refuses others and re-checks it when sizes change', async () => {
    const organizationId = (await get('/api/v1/me')).json().organization.id as string;
    const advertiserId = (await post('/api/v1/advertisers', { name: 'House', currency: 'USD' })).json().id as string;
    const creative = async (status: string, width: number, height: number) =>
      (
        await h.store.resources.creative.create(organizationId, {
          id: newId(),
          parentId: advertiserId,
          scopeId: advertiserId,
          name: `${status} ${width}x${height}`,
          status,
          data: { format: 'image', width, height },
          createdAt: new Date(),
        })
      ).id;
    const siteId = await site(await publisher());
    const fits = await creative('approved', 300, 250);
    const house = (creativeId: string) => banner(siteId, { fallback: { type: 'house', creativeId } });
    const created = await house(fits);
    expect(created.statusCode).toBe(201);
    expect(created.json().fallback).toEqual({ type: 'house', creativeId: fits });
    expect(await fieldError(await house(await creative('pending', 300, 250)))).toEqual([
      { path: 'body.fallback.creativeId', message: 'must be an approved creative (it is pending)' },
    ]);
    expect((await fieldError(await house(await creative('approved', 728, 90))))?.[0]?.message).toMatch(/728x90/);
    expect((await fieldError(await house(newId())))?.[0]?.message).toBe('is not a creative of this organization');
    expect((await fieldError(await banner(siteId, { fallback: { type: 'house', creativeId: fits } }, other.headers)))?.[0]?.path).toBe(
      'body.siteId',
    );
    const resized = await patch(`/api/v1/placements/${created.json().id}`, { sizes: [{ width: 728, height: 90 }] });
    expect((await fieldError(resized))?.[0]?.path).toBe('body.fallback.creativeId');
    const updated = await patch(`/api/v1/placements/${created.json().id}`, { floorMicros: 2_000_000, fallback: { type: 'none' } });
    expect(updated.json()).toMatchObject({ floorMicros: 2_000_000, fallback: { type: 'none' }, version: 2 });
  });

  it('filters placements by site, publisher, status and name; archives; keeps other tenants out', async () => {
    const [p1, p2] = [await publisher('P one'), await publisher('P two')];
    const [s1, s2] = [await site(p1), await site(p2)];
    const first = (await banner(s1, { name: 'Leaderboard one' })).json().id;
    await banner(s1, { name: 'Sidebar one' });
    await banner(s2, { name: 'Leaderboard two' });
    expect(names((await get(`/api/v1/placements?siteId=${s1}`)).json())).toEqual(['Leaderboard one', 'Sidebar one']);
    expect(names((await get(`/api/v1/placements?publisherId=${p2}`)).json())).toEqual(['Leaderboard two']);
    expect(names((await get(`/api/v1/placements?publisherId=${p1}&search=leader`)).json())).toEqual(['Leaderboard one']);
    await h.app.inject({ method: 'DELETE', url: `/api/v1/placements/${first}`, headers: owner.headers });
    expect(names((await get(`/api/v1/placements?siteId=${s1}&status=active`)).json())).toEqual(['Sidebar one']);
    expectProblem(await get(`/api/v1/placements/${first}`, other.headers), 404, 'NOT_FOUND');
    expectProblem(await patch(`/api/v1/sites/${s1}`, { name: 'mine' }, other.headers), 404, 'NOT_FOUND');
    expect((await get(`/api/v1/placements?siteId=${s1}`, other.headers)).json().items).toEqual([]);
  });

  it('lets publishers and analysts read, publishers write, and keeps advertisers out', async () => {
    const analyst = bearer((await createKey(h.app, owner.headers, 'analyst')).key);
    const publisherRole = bearer((await createKey(h.app, owner.headers, 'publisher')).key);
    const advertiser = bearer((await createKey(h.app, owner.headers, 'advertiser')).key);
    expect((await post('/api/v1/publishers', { name: 'By key' }, publisherRole)).statusCode).toBe(201);
    expect((await get('/api/v1/placements', analyst)).statusCode).toBe(200);
    expectProblem(await post('/api/v1/publishers', { name: 'No' }, analyst), 403, 'FORBIDDEN');
    expectProblem(await get('/api/v1/sites', advertiser), 403, 'FORBIDDEN');
  });
});
