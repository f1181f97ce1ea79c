import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createHarness, createKey, expectProblem, type Harness, login, OPERATOR, type Session, STORE_KINDS } from './harness.js';

describe.each(STORE_KINDS)('advertisers on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
  });
  afterAll(() => h.close());

  const create = (payload: object, headers = owner.headers) =>
    h.app.inject({ method: 'POST', url: '/api/v1/advertisers', headers, payload });

  it('creates an advertiser (201 with the whole resource), audits it and publishes a change event', async () => {
    const response = await create({ name: 'Acme Shoes', currency: 'EUR', contact: { name: 'Ann', email: 'ann@acme.example' } });
    expect(response.statusCode).toBe(201);
    const advertiser = response.json();
    expect(advertiser).toMatchObject({
      name: 'Acme Shoes',
      currency: 'EUR',
      status: 'active',
      version: 1,
      contact: { email: 'ann@acme.example' },
    });
    expect(h.events.at(-1)).toMatchObject({ kind: 'advertiser', id: advertiser.id, version: 1, op: 'created' });
    const audit = (
      await h.app.inject({ method: 'GET', url: `/api/v1/audit-log?resourceId=${advertiser.id}`, headers: owner.headers })
    ).json();
    expect(audit.items[0]).toMatchObject({ action: 'advertiser.create', after: { name: 'Acme Shoes' } });
  });

  it('refuses an unknown currency and unknown fields, naming them', async () => {
    expect(expectProblem(await create({ name: 'X', currency: 'XYZ' }), 400, 'VALIDATION_FAILED').errors).toEqual([
      { path: 'body.currency', message: 'is not an ISO 4217 currency code' },
    ]);
    expect(expectProblem(await create({ name: 'X', currency: 'usd' }), 400, 'VALIDATION_FAILED').errors).toEqual([
      { path: 'body.currency', message: 'must match pattern "^[A-Z]{3}$"' },
    ]);
    expect(expectProblem(await create({ name: 'X', currency: 'USD', budget: 1 }), 400, 'VALIDATION_FAILED').errors).toEqual([
      { path: 'body.budget', message: 'is not a known field' },
    ]);
  });

  it('updates, versions, archives, and the change events follow', async () => {
    const { id } = (await create({ name: 'Versioned', currency: 'USD' })).json();
    const renamed = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/advertisers/${id}`,
      headers: owner.headers,
      payload: { name: 'Renamed', status: 'paused' },
    });
    expect(renamed.json()).toMatchObject({ name: 'Renamed', status: 'paused', version: 2, currency: 'USD' });
    const archived = await h.app.inject({ method: 'DELETE', url: `/api/v1/advertisers/${id}`, headers: owner.headers });
    expect(archived.json()).toMatchObject({ status: 'archived', version: 3 });
    expect(h.events.filter((e) => e.id === id).map((e) => `${e.op}@${e.version}`)).toEqual(['created@1', 'updated@2', 'updated@3']);
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/advertisers/${id}`, headers: owner.headers })).json().status).toBe(
      'archived',
    );
    const audit = (await h.app.inject({ method: 'GET', url: `/api/v1/audit-log?resourceId=${id}`, headers: owner.headers })).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(['advertiser.archive', 'advertiser.status', 'advertiser.create']);
    expect(audit.items[1]).toMatchObject({ before: { name: 'Versioned', status: 'active' }, after: { name: 'Renamed', status: 'paused' } });
  });

  it('lists with status filter, name search, sorting and cursor pages', async () => {
    for (const name of ['Zeta Cars', 'alpha foods', 'Mid Media']) await create({ name, currency: 'USD' });
    const get = async (query: string) =>
      (await h.app.inject({ method: 'GET', url: `/api/v1/advertisers?${query}`, headers: owner.headers })).json();
    expect((await get('search=FOODS')).items.map((a: { name: string }) => a.name)).toEqual(['alpha foods']);
    expect((await get('status=archived')).items.every((a: { status: string }) => a.status === 'archived')).toBe(true);
    const sorted = await get('sort=name&order=desc&limit=200');
    const names = sorted.items.map((a: { name: string }) => a.name);
    expect(names).toEqual([...names].sort().reverse());
    const first = await get('sort=name&limit=2');
    const second = await get(`sort=name&limit=2&cursor=${first.nextCursor}`);
    expect(second.items[0].name >= first.items[1].name).toBe(true);
    expectProblem(
      await h.app.inject({ method: 'GET', url: '/api/v1/advertisers?cursor=nonsense', headers: owner.headers }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await h.app.inject({ method: 'GET', url: '/api/v1/advertisers?status=gone', headers: owner.headers }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('lets analysts read but not write, and keeps publishers out', async () => {
    const analyst = bearer((await createKey(h.app, owner.headers, 'analyst')).key);
    const publisher = bearer((await createKey(h.app, owner.headers, 'publisher')).key);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/advertisers', headers: analyst })).statusCode).toBe(200);
    expectProblem(await create({ name: 'No', currency: 'USD' }, analyst), 403, 'FORBIDDEN');
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/v1/advertisers', headers: publisher }), 403, 'FORBIDDEN');
  });
});
