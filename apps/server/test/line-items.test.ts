import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAdvertiser,
  createCampaign,
  created,
  get,
  insertCreative,
  insertPlacement,
  organizationOf,
  patch,
  post,
  problemErrors,
} from './campaigns.helpers.js';
import { bearer, createHarness, createKey, type Harness, login, OPERATOR, type Session, STORE_KINDS } from './harness.js';

describe.each(STORE_KINDS)('line items on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  let org: string;
  let advertiserId: string;
  let campaignId: string;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    org = await organizationOf(h, owner);
    advertiserId = await createAdvertiser(h, owner);
    campaignId = (await createCampaign(h, owner, advertiserId, { totalBudgetMicros: 10_000_000, dailyBudgetMicros: 1_000_000 })).id;
  });
  afterAll(() => h.close());

  const url = (id: string, rest = '') => `/api/v1/line-items/${id}${rest}`;
  const pricing = { model: 'cpm', bidMicros: 2_500_000 };
  const create = (payload: object = {}) => post(h, owner, '/api/v1/line-items', { campaignId, name: 'Banner', pricing, ...payload });
  const newLineItem = async (payload: object = {}) => {
    const response = await create(payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string };
  };
  const attach = (id: string, payload: object) => post(h, owner, url(id, '/creatives'), payload);

  it('creates a draft line item under its campaign and advertiser, with defaults, event and audit', async () => {
    const item = await newLineItem({ targeting: { deviceTypes: ['mobile'] } });
    expect(item).toMatchObject({
      campaignId,
      advertiserId,
      status: 'draft',
      priority: 'standard',
      pricing,
      startsAt: null,
      endsAt: null,
      totalBudgetMicros: null,
      pacing: 'even',
      frequencyCaps: [],
      targeting: { deviceTypes: ['mobile'] },
      creatives: [],
      version: 1,
    });
    expect(h.events.at(-1)).toMatchObject({ kind: 'line_item', id: item.id, version: 1, op: 'created' });
    const audit = (await get(h, owner, `/api/v1/audit-log?resourceId=${item.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'line_item.create', after: { campaignId } });
  });

  it('refuses bad money, schedules outside the flight and budgets above the campaign’s, naming the field', async () => {
    const errorsOf = async (payload: object) => problemErrors(await create(payload), 400, 'VALIDATION_FAILED');
    expect(await errorsOf({ pricing: { model: 'cpm', bidMicros: 1.5 } })).toEqual([
      { path: 'body.pricing.bidMicros', message: 'must be integer' },
    ]);
    expect(await errorsOf({ totalBudgetMicros: '5' })).toEqual([{ path: 'body.totalBudgetMicros', message: 'must be integer' }]);
    expect((await errorsOf({ pricing: { model: 'cpx', bidMicros: 1 } }))[0]?.path).toBe('body.pricing.model');
    expect((await errorsOf({ priority: 'urgent' }))[0]?.path).toBe('body.priority');
    expect((await errorsOf({ startsAt: '2026-11-01T00:00:00Z' }))[0]?.path).toBe('body.startsAt');
    expect((await errorsOf({ endsAt: '2027-02-01T00:00:00Z' }))[0]?.path).toBe('body.endsAt');
    expect(await errorsOf({ startsAt: '2026-12-10T00:00:00Z', endsAt: '2026-12-05T00:00:00Z' })).toEqual([
      { path: 'body.endsAt', message: 'must be after startsAt' },
    ]);
    expect(await errorsOf({ totalBudgetMicros: 100, dailyBudgetMicros: 200 })).toEqual([
      { path: 'body.dailyBudgetMicros', message: 'cannot exceed totalBudgetMicros' },
    ]);
    expect((await errorsOf({ totalBudgetMicros: 20_000_000 }))[0]?.path).toBe('body.totalBudgetMicros');
    expect(await errorsOf({ campaignId: '00000000-0000-7000-8000-000000000000' })).toEqual([
      { path: 'body.campaignId', message: 'is not a campaign of this organization' },
    ]);
    expect(
      await errorsOf({ targeting: { dayParts: [{ days: ['mon'], startHour: 18, endHour: 8 }], exclude: { colour: ['red'] } } }),
    ).toEqual([{ path: 'body.targeting.exclude.colour', message: 'is not a known field' }]);
    expect(await errorsOf({ targeting: { dayParts: [{ days: ['mon'], startHour: 18, endHour: 8 }] } })).toEqual([
      { path: 'body.targeting.dayParts[0].endHour', message: 'must be greater than startHour' },
    ]);
  });

  it('attaches creatives of the same advertiser, updates the weight on a second attach, and detaches', async () => {
    const item = await newLineItem();
    const creative = await insertCreative(h, org, advertiserId);
    const first = await attach(item.id, { creativeId: creative });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().creatives).toEqual([{ creativeId: creative, weight: 100 }]);
    const second = await attach(item.id, { creativeId: creative, weight: 300, experimentId: 'exp-a' });
    expect(second.json()).toMatchObject({ version: 3, creatives: [{ creativeId: creative, weight: 300, experimentId: 'exp-a' }] });
    const using = (await get(h, owner, `/api/v1/line-items?creativeId=${creative}`)).json();
    expect(using.items.map((i: { id: string }) => i.id)).toEqual([item.id]);
    const detached = await h.app.inject({ method: 'DELETE', url: url(item.id, `/creatives/${creative}`), headers: owner.headers });
    expect(detached.json()).toMatchObject({ version: 4, creatives: [] });
    const again = await h.app.inject({ method: 'DELETE', url: url(item.id, `/creatives/${creative}`), headers: owner.headers });
    expect(again.statusCode).toBe(404);
    expect(h.events.filter((e) => e.id === item.id).map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('refuses to attach missing, foreign-advertiser, archived creatives or bad weights, naming the field', async () => {
    const item = await newLineItem();
    const otherAdvertiser = await createAdvertiser(h, owner, 'Someone else');
    const foreign = await insertCreative(h, org, otherAdvertiser);
    const archived = await insertCreative(h, org, advertiserId, { status: 'archived' });
    const errorsOf = async (payload: object) => problemErrors(await attach(item.id, payload), 400, 'VALIDATION_FAILED');
    expect(await errorsOf({ creativeId: '00000000-0000-7000-8000-000000000000' })).toEqual([
      { path: 'body.creativeId', message: 'is not a creative of this organization' },
    ]);
    expect(await errorsOf({ creativeId: foreign })).toEqual([{ path: 'body.creativeId', message: 'belongs to another advertiser' }]);
    expect(await errorsOf({ creativeId: archived })).toEqual([{ path: 'body.creativeId', message: 'is archived' }]);
    expect((await errorsOf({ creativeId: foreign, weight: 0 }))[0]?.path).toBe('body.weight');
    expect((await errorsOf({ creativeId: foreign, weight: 1001 }))[0]?.path).toBe('body.weight');
  });

  it('goes active only with an approved creative that fits one of its placements', async () => {
    const placement = await insertPlacement(h, org, { sizes: [{ width: 300, height: 250 }], formats: ['image', 'html'] });
    const item = await newLineItem({ targeting: { placements: [placement] } });
    const activate = () => patch(h, owner, url(item.id), { status: 'active' });
    expect(problemErrors(await activate(), 409, 'CONFLICT')).toEqual([
      { path: 'body.status', message: 'cannot be active: attach an approved creative first' },
    ]);
    await attach(item.id, { creativeId: await insertCreative(h, org, advertiserId, { status: 'pending', width: 300, height: 250 }) });
    expect(problemErrors(await activate(), 409, 'CONFLICT')).toEqual([
      { path: 'body.status', message: 'cannot be active: none of its creatives is approved' },
    ]);
    await attach(item.id, { creativeId: await insertCreative(h, org, advertiserId, { width: 728, height: 90 }) });
    await attach(item.id, { creativeId: await insertCreative(h, org, advertiserId, { format: 'video' }) });
    expect(problemErrors(await activate(), 409, 'CONFLICT')).toEqual([
      { path: 'body.status', message: 'cannot be active: no approved creative fits its placements (sizes 300x250)' },
    ]);
    await attach(item.id, { creativeId: await insertCreative(h, org, advertiserId, { width: 300, height: 250 }) });
    const active = await activate();
    expect(active.statusCode, active.body).toBe(200);
    expect(active.json()).toMatchObject({ status: 'active' });
    const audit = (await get(h, owner, `/api/v1/audit-log?resourceId=${item.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'line_item.status', before: { status: 'draft' }, after: { status: 'active' } });
  });

  it('lets any approved creative activate a line item without placements, unless its campaign is archived', async () => {
    const campaign = (await createCampaign(h, owner, advertiserId)).id;
    const item = await newLineItem({ campaignId: campaign });
    await attach(item.id, { creativeId: await insertCreative(h, org, advertiserId, { format: 'native' }) });
    await h.app.inject({ method: 'DELETE', url: `/api/v1/campaigns/${campaign}`, headers: owner.headers });
    expect(problemErrors(await patch(h, owner, url(item.id), { status: 'active' }), 409, 'CONFLICT')).toEqual([
      { path: 'body.status', message: 'cannot be active: its campaign is archived' },
    ]);
    expect(problemErrors(await create({ campaignId: campaign }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.campaignId', message: 'is archived' },
    ]);
    const open = await newLineItem();
    await attach(open.id, { creativeId: await insertCreative(h, org, advertiserId, { format: 'native' }) });
    expect((await patch(h, owner, url(open.id), { status: 'active' })).json().status).toBe('active');
  });

  it('validates transitions, archives on DELETE and freezes archived line items', async () => {
    const item = await newLineItem();
    expect(problemErrors(await patch(h, owner, url(item.id), { status: 'completed' }), 409, 'CONFLICT')[0]).toEqual({
      path: 'body.status',
      message: 'cannot change from draft to completed (allowed: active, archived)',
    });
    const updated = await patch(h, owner, url(item.id), {
      priority: 'sponsorship',
      dailyBudgetMicros: 500_000,
      startsAt: '2026-12-02T00:00:00Z',
    });
    expect(updated.json()).toMatchObject({ priority: 'sponsorship', dailyBudgetMicros: 500_000, startsAt: '2026-12-02T00:00:00.000Z' });
    expect((await h.app.inject({ method: 'DELETE', url: url(item.id), headers: owner.headers })).json().status).toBe('archived');
    expect(problemErrors(await patch(h, owner, url(item.id), { status: 'draft' }), 409, 'CONFLICT')[0]?.path).toBe('body');
    expect(problemErrors(await attach(item.id, { creativeId: await insertCreative(h, org, advertiserId) }), 409, 'CONFLICT')[0]?.path).toBe(
      'body',
    );
  });

  it('lists by campaign, advertiser, status and name, sorted', async () => {
    const campaign = (await createCampaign(h, owner, advertiserId)).id;
    for (const name of ['b side', 'A side', 'c side'])
      await created(h, owner, '/api/v1/line-items', { campaignId: campaign, name, pricing });
    const names = async (query: string) =>
      ((await get(h, owner, `/api/v1/line-items?${query}`)).json().items as { name: string }[]).map((i) => i.name);
    expect(await names(`campaignId=${campaign}&sort=name`)).toEqual(['A side', 'b side', 'c side']);
    expect(await names(`campaignId=${campaign}&sort=createdAt&order=desc`)).toEqual(['c side', 'A side', 'b side']);
    expect(await names(`campaignId=${campaign}&search=B%20SI`)).toEqual(['b side']);
    expect((await names(`advertiserId=${advertiserId}&limit=200`)).length).toBeGreaterThan(3);
    expect(await names(`campaignId=${campaign}&status=active`)).toEqual([]);
  });

  it('lets analysts read and keeps publishers out', async () => {
    const analyst = bearer((await createKey(h.app, owner.headers, 'analyst')).key);
    const publisher = bearer((await createKey(h.app, owner.headers, 'publisher')).key);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/line-items', headers: analyst })).statusCode).toBe(200);
    const write = await h.app.inject({
      method: 'POST',
      url: '/api/v1/line-items',
      headers: analyst,
      payload: { campaignId, name: 'x', pricing },
    });
    expect(write.statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/line-items', headers: publisher })).statusCode).toBe(403);
  });
});
