import { randomUUID } from 'node:crypto';
import type { DeliveryEvent } from '@adplatform/ports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAnalyticsConsumer } from '../src/pipeline/analytics-consumer.js';
import { organizationOf, post } from './campaigns.helpers.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, type Harness, login, OPERATOR, type Session } from './harness.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DAY = '2026-11-27';

describe('POST /api/v1/reports', () => {
  let h: Harness;
  let owner: Session;
  let org: string;

  beforeEach(async () => {
    h = await createHarness({ analytics: true });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    org = await organizationOf(h, owner);
  });
  afterEach(async () => h.close());

  const report = (payload: object, session = owner) => post(h, session, '/api/v1/reports', payload);
  const impression = (organizationId: string, campaignId: string, costMicros: string): DeliveryEvent => ({
    id: randomUUID(),
    type: 'impression',
    at: Date.parse(`${DAY}T12:00:00Z`),
    organizationId,
    campaignId,
    costMicros,
  });

  it('reports the served ad’s impression and click, counted from the event log through the consumer', async () => {
    const ids = await activeLineItem(h, owner, { campaign: { startsAt: '2026-11-01T00:00:00Z' } });
    await h.app.delivery.catalog.settle();
    await h.app.delivery.allowances.settle();
    const decided = await h.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: { 'user-agent': IPHONE },
      payload: { placements: [{ divName: 'top', placementId: ids.placementId }], ip: '8.8.8.8' },
    });
    const [ad] = decided.json().decisions.top;
    for (const url of [ad.impressionUrl, ad.clickUrl, ad.impressionUrl]) {
      const u = new URL(url);
      await h.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    }
    const consumer = createAnalyticsConsumer({ eventLog: h.deps.eventLog, store: h.deps.analytics! });
    await consumer.drain();
    await consumer.drain(); // a second pass reads nothing new and counts nothing twice
    const response = await report({
      dimensions: ['campaign', 'day'],
      metrics: ['impressions', 'clicks', 'ctr', 'spend', 'ecpm'],
      from: DAY,
      to: DAY,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      rows: [{ campaign: ids.campaignId, day: DAY, impressions: 1, clicks: 1, ctr: 1, spend: '2500', ecpm: '2500000' }],
      totals: { impressions: 1, clicks: 1, ctr: 1, spend: '2500', ecpm: '2500000' },
      totalRows: 1,
      timeZone: 'UTC',
    });
  });

  it('shows an organization only its own rows', async () => {
    const mine = randomUUID();
    await h.deps.analytics!.ingest([impression(org, mine, '1000'), impression(randomUUID(), randomUUID(), '9000')]);
    const response = await report({ dimensions: ['campaign'], metrics: ['impressions', 'spend'], from: DAY, to: DAY });
    expect(response.json().rows).toEqual([{ campaign: mine, impressions: 1, spend: '1000' }]);
  });

  it('exports the report as a CSV download with the JSON answer values, every row in the report order', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await h.deps.analytics!.ingest([impression(org, a, '1000'), impression(org, b, '3000'), impression(org, b, '3000')]);
    const body = {
      dimensions: ['campaign'],
      metrics: ['impressions', 'spend'],
      from: DAY,
      to: DAY,
      sort: [{ by: 'spend', direction: 'desc' }],
    };
    const response = await report({ ...body, format: 'csv' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="report-${DAY}-${DAY}.csv"`);
    expect(response.body).toBe(`campaign,impressions,spend\r\n${b},2,6000\r\n${a},1,1000\r\n`);
    const json = (await report(body)).json();
    expect(json.rows).toEqual([
      { campaign: b, impressions: 2, spend: '6000' },
      { campaign: a, impressions: 1, spend: '1000' },
    ]);
  });

  it('exports the report as Parquet (a file starting and ending with the PAR1 magic)', async () => {
    await h.deps.analytics!.ingest([impression(org, randomUUID(), '1000')]);
    const response = await report({
      dimensions: ['campaign', 'day'],
      metrics: ['impressions', 'spend'],
      from: DAY,
      to: DAY,
      format: 'parquet',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.apache.parquet');
    const bytes = response.rawPayload;
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
  });

  it('refuses a bad export with a problem+json 400 naming the field, not a broken file', async () => {
    const response = await report({ dimensions: ['city'], metrics: ['impressions'], from: DAY, to: DAY, format: 'csv' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.json().errors)).toContain('body.dimensions[0]');
    const format = await report({ dimensions: [], metrics: ['impressions'], from: DAY, to: DAY, format: 'xlsx' });
    expect(format.statusCode).toBe(400);
    expect(JSON.stringify(format.json().errors)).toContain('format');
  });

  it('pages JSON rows by limit and offset (default 1,000 rows), with the row count before the page', async () => {
    const campaigns = Array.from({ length: 5 }, () => randomUUID()).sort();
    await h.deps.analytics!.ingest(campaigns.map((c) => impression(org, c, '1000')));
    const page = await report({ dimensions: ['campaign'], metrics: ['impressions'], from: DAY, to: DAY, limit: 2, offset: 2 });
    expect(page.json()).toMatchObject({
      rows: [{ campaign: campaigns[2] }, { campaign: campaigns[3] }],
      totalRows: 5,
      totals: { impressions: 5 },
    });
  });

  it.each([
    [{ dimensions: ['city'], metrics: ['impressions'], from: DAY, to: DAY }, 'body.dimensions[0]'],
    [{ dimensions: [], metrics: ['revenue', 'reach'], from: DAY, to: DAY }, 'body.metrics[1]'],
    [{ dimensions: [], metrics: [], from: DAY, to: DAY }, 'body.metrics'],
    [{ dimensions: [], metrics: ['clicks'], from: '27/11/2026', to: DAY }, 'body.from'],
    [{ dimensions: [], metrics: ['clicks'], from: DAY, to: '2026-11-01' }, 'body.to'],
    [{ dimensions: ['day'], metrics: ['clicks'], from: DAY, to: DAY, sort: [{ by: 'campaign', direction: 'asc' }] }, 'body.sort[0].by'],
    [{ dimensions: [], metrics: ['clicks'], from: DAY, to: DAY, filters: { city: ['Paris'] } }, 'body.filters'],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const response = await report(body);
    expect(response.statusCode, response.body).toBe(400);
    expect(JSON.stringify(response.json().errors)).toContain(path);
  });
});

describe('POST /api/v1/reports without analytics', () => {
  it('answers 503 when the server has no analytics store', async () => {
    const h = await createHarness();
    try {
      const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
      const response = await post(h, owner, '/api/v1/reports', { dimensions: [], metrics: ['clicks'], from: DAY, to: DAY });
      expect(response.statusCode).toBe(503);
    } finally {
      await h.close();
    }
  });
});
