import { createMemoryChangeBus } from '@adplatform/adapter-memory';
import type { ChangeEvent } from '@adplatform/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignsService } from '../src/modules/campaigns/campaigns.service.js';
import {
  createAdvertiser,
  FLIGHT,
  get,
  insertPlacement,
  insertSegment,
  organizationOf,
  patch,
  post,
  problemErrors,
} from './campaigns.helpers.js';
import { createHarness, type Harness, login, OPERATOR, type Session, STORE_KINDS } from './harness.js';

describe.each(STORE_KINDS)('campaigns on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  let organizationId: string;
  let advertiserId: string;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    organizationId = await organizationOf(h, owner);
    advertiserId = await createAdvertiser(h, owner);
  });
  afterAll(() => h.close());

  const url = (id: string) => `/api/v1/campaigns/${id}`;
  const create = (payload: object) => post(h, owner, '/api/v1/campaigns', { advertiserId, name: 'C', ...FLIGHT, ...payload });

  it('creates a draft campaign with defaults, audits it and publishes a change event', async () => {
    const response = await create({ name: 'Winter sale', totalBudgetMicros: 5_000_000_000, dailyBudgetMicros: 200_000_000 });
    expect(response.statusCode, response.body).toBe(201);
    const campaign = response.json();
    expect(campaign).toMatchObject({
      advertiserId,
      name: 'Winter sale',
      status: 'draft',
      version: 1,
      startsAt: '2026-12-01T00:00:00.000Z',
      endsAt: '2027-01-01T00:00:00.000Z',
      totalBudgetMicros: 5_000_000_000,
      dailyBudgetMicros: 200_000_000,
      pacing: 'even',
      frequencyCaps: [],
      targeting: {},
    });
    expect(campaign.timezone).toBe((await h.store.organizations.get(organizationId))?.timezone);
    expect(h.events.at(-1)).toMatchObject({ kind: 'campaign', id: campaign.id, version: 1, op: 'created' });
    const audit = (await get(h, owner, `/api/v1/audit-log?resourceId=${campaign.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'campaign.create', after: { name: 'Winter sale', status: 'draft' } });
  });

  it('refuses float and string budgets, unordered dates and a daily budget above the total, naming the field', async () => {
    expect(problemErrors(await create({ totalBudgetMicros: 10.5 }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.totalBudgetMicros', message: 'must be integer' },
    ]);
    expect(problemErrors(await create({ dailyBudgetMicros: '1000' }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.dailyBudgetMicros', message: 'must be integer' },
    ]);
    expect(problemErrors(await create({ totalBudgetMicros: 0 }), 400, 'VALIDATION_FAILED')[0]?.path).toBe('body.totalBudgetMicros');
    expect(problemErrors(await create({ endsAt: '2026-11-30T00:00:00Z' }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.endsAt', message: 'must be after startsAt' },
    ]);
    expect(problemErrors(await create({ totalBudgetMicros: 100, dailyBudgetMicros: 101 }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.dailyBudgetMicros', message: 'cannot exceed totalBudgetMicros' },
    ]);
  });

  it('refuses unknown advertisers, time zones, caps and targeting keys, naming them', async () => {
    const errorsOf = async (payload: object) => problemErrors(await create(payload), 400, 'VALIDATION_FAILED');
    expect(await errorsOf({ advertiserId: '00000000-0000-7000-8000-000000000000' })).toEqual([
      { path: 'body.advertiserId', message: 'is not an advertiser of this organization' },
    ]);
    expect((await errorsOf({ timezone: 'Mars/Olympus' }))[0]?.path).toBe('body.timezone');
    expect((await errorsOf({ timezone: 'utc' }))[0]?.path).toBe('body.timezone');
    expect(await errorsOf({ frequencyCaps: [{ count: 3, window: { unit: 'lifetime', size: 2 } }] })).toEqual([
      { path: 'body.frequencyCaps[0].window.size', message: 'is not allowed with a lifetime window' },
    ]);
    expect(await errorsOf({ targeting: { geo: { planet: 'Mars' } } })).toEqual([
      { path: 'body.targeting.geo.planet', message: 'is not a known field' },
    ]);
    expect(await errorsOf({ pacing: 'slow' })).toEqual([{ path: 'body.pacing', message: 'must be one of even, asap' }]);
  });

  it('checks that targeted segments and placements exist in the tenant', async () => {
    const segment = await insertSegment(h, organizationId);
    const placement = await insertPlacement(h, organizationId, { sizes: [{ width: 300, height: 250 }], formats: ['image'] });
    const ghost = '00000000-0000-7000-8000-000000000001';
    const ok = await create({ timezone: 'America/New_York', targeting: { segments: { any: [segment] }, placements: [placement] } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ timezone: 'America/New_York', targeting: { segments: { any: [segment] }, placements: [placement] } });
    const bad = await create({ targeting: { segments: { any: [segment], none: [ghost] }, exclude: { placements: [placement, ghost] } } });
    expect(problemErrors(bad, 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.targeting.segments.none[0]', message: 'is not a segment of this organization' },
      { path: 'body.targeting.exclude.placements[1]', message: 'is not a placement of this organization' },
    ]);
  });

  it('walks the status transitions, refuses the others, and archives on DELETE (terminal)', async () => {
    const { id } = (await create({})).json();
    expect(problemErrors(await patch(h, owner, url(id), { status: 'paused' }), 409, 'CONFLICT')).toEqual([
      { path: 'body.status', message: 'cannot change from draft to paused (allowed: active, archived)' },
    ]);
    for (const status of ['active', 'paused', 'active', 'completed']) {
      const response = await patch(h, owner, url(id), { status });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().status).toBe(status);
    }
    const archived = await h.app.inject({ method: 'DELETE', url: url(id), headers: owner.headers });
    expect(archived.json()).toMatchObject({ status: 'archived', version: 6 });
    const again = await h.app.inject({ method: 'DELETE', url: url(id), headers: owner.headers });
    expect(again.json()).toMatchObject({ status: 'archived', version: 6 });
    expect(problemErrors(await patch(h, owner, url(id), { name: 'back' }), 409, 'CONFLICT')[0]?.path).toBe('body');
    expect(h.events.filter((e) => e.id === id).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const audit = (await get(h, owner, `/api/v1/audit-log?resourceId=${id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'campaign.archive', before: { status: 'completed' }, after: { status: 'archived' } });
  });

  it('updates fields, clears a budget with null and re-checks ordering against the stored values', async () => {
    const { id } = (await create({ totalBudgetMicros: 1_000_000, dailyBudgetMicros: 500_000 })).json();
    expect(problemErrors(await patch(h, owner, url(id), { startsAt: '2027-02-01T00:00:00Z' }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.startsAt', message: 'must be before endsAt' },
    ]);
    expect(problemErrors(await patch(h, owner, url(id), { totalBudgetMicros: 100 }), 400, 'VALIDATION_FAILED')).toEqual([
      { path: 'body.totalBudgetMicros', message: 'cannot be less than dailyBudgetMicros' },
    ]);
    const updated = await patch(h, owner, url(id), { totalBudgetMicros: null, endsAt: null, pacing: 'asap', targeting: { os: ['iOS'] } });
    expect(updated.json()).toMatchObject({ totalBudgetMicros: null, endsAt: null, pacing: 'asap', dailyBudgetMicros: 500_000, version: 2 });
    expect(updated.json().targeting).toEqual({ os: ['iOS'] });
  });

  it('will not reopen an ended flight, and completeEnded completes live campaigns past their end', async () => {
    const ended = (await create({ startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-11-20T00:00:00Z' })).json();
    expect(problemErrors(await patch(h, owner, url(ended.id), { status: 'active' }), 409, 'CONFLICT')[0]?.path).toBe('body.status');
    const live = (await create({ startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-11-28T00:00:00Z' })).json();
    const running = (await create({ startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-28T00:00:00Z' })).json();
    for (const id of [live.id, running.id]) await patch(h, owner, url(id), { status: 'active' });
    const bus = createMemoryChangeBus();
    const events: ChangeEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const service = new CampaignsService({ store: h.store, bus, clock: h.clock });
    expect(await service.completeEnded(new Date('2026-11-28T00:00:00Z'))).toBe(1);
    expect(await service.completeEnded(new Date('2026-11-28T00:00:00Z'))).toBe(0);
    expect(events).toEqual([expect.objectContaining({ kind: 'campaign', id: live.id, version: 3, op: 'updated' })]);
    expect((await get(h, owner, url(live.id))).json().status).toBe('completed');
    expect((await get(h, owner, url(running.id))).json().status).toBe('active');
    const audit = (await get(h, owner, `/api/v1/audit-log?resourceId=${live.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'campaign.status', actorKind: 'system', after: { status: 'completed' } });
  });

  it('lists with advertiser and status filters, name search and sorting', async () => {
    const other = await createAdvertiser(h, owner, 'Other brand');
    for (const name of ['zulu promo', 'Alpha Launch']) await post(h, owner, '/api/v1/campaigns', { advertiserId: other, name, ...FLIGHT });
    const list = async (query: string) =>
      (await get(h, owner, `/api/v1/campaigns?${query}`)).json().items as { name: string; status: string }[];
    expect((await list(`advertiserId=${other}&sort=name`)).map((c) => c.name)).toEqual(['Alpha Launch', 'zulu promo']);
    expect((await list(`advertiserId=${other}&sort=name&order=desc`)).map((c) => c.name)).toEqual(['zulu promo', 'Alpha Launch']);
    expect((await list('search=LAUNCH')).map((c) => c.name)).toEqual(['Alpha Launch']);
    const archived = await list('status=archived&limit=200');
    expect(archived.length).toBeGreaterThan(0);
    expect(archived.every((c) => c.status === 'archived')).toBe(true);
    expect(problemErrors(await get(h, owner, '/api/v1/campaigns?advertiserId=nope'), 400, 'VALIDATION_FAILED')[0]?.path).toBe(
      'querystring.advertiserId',
    );
  });
});
