import { isAppError } from '@adplatform/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalyticsStore, ReportQuery } from '../analytics.js';
import type { DeliveryEvent } from '../event-log.js';

const ORG_A = '0190f5c2-0000-7000-8000-00000000000a';
const ORG_B = '0190f5c2-0000-7000-8000-00000000000b';
const C1 = 'campaign-1';
const C2 = 'campaign-2';

let serial = 0;
/** An event of organization A on campaign 1 unless overridden; ids unique per call. */
function ev(type: DeliveryEvent['type'], atIso: string, extra: Partial<DeliveryEvent> = {}): DeliveryEvent {
  serial += 1;
  return {
    id: `0190f5c2-${String(serial).padStart(4, '0')}-7000-8000-000000000001`,
    type,
    at: Date.parse(atIso),
    organizationId: ORG_A,
    advertiserId: 'advertiser-1',
    campaignId: C1,
    lineItemId: 'line-item-1',
    creativeId: 'creative-1',
    publisherId: 'publisher-1',
    siteId: 'site-1',
    placementId: 'placement-1',
    country: 'US',
    deviceType: 'desktop',
    os: 'windows',
    browser: 'chrome',
    ...extra,
  };
}

const paid = { costMicros: '2500', revenueMicros: '1750' };

/**
 * A hand-made day in New York (UTC−5 in November): campaign 1 has 4 requests,
 * 3 paid impressions, 2 viewable, 1 click, 1 conversion on 2026-11-10 local,
 * one paid impression at 23:30 local on 11-09 (04:30 UTC on 11-10), and one
 * invalid impression; campaign 2 has 2 requests and nothing else; organization
 * B has an impression on a campaign with campaign 1's id.
 */
function eventSet(): DeliveryEvent[] {
  return [
    ...['05:30', '06:00', '12:00', '23:00'].map((t) => ev('request', `2026-11-10T${t}:00Z`)),
    ...['05:31', '06:01', '12:01'].map((t) => ev('impression', `2026-11-10T${t}:00Z`, paid)),
    ev('viewable', '2026-11-10T05:32:00Z'),
    ev('viewable', '2026-11-10T06:02:00Z'),
    ev('click', '2026-11-10T06:03:00Z'),
    ev('conversion', '2026-11-10T07:00:00Z', { data: { valueMicros: 9_000_000 } }),
    ev('impression', '2026-11-10T04:30:00Z', paid),
    ev('impression', '2026-11-10T13:00:00Z', { ...paid, invalid: { reason: 'datacenter' } }),
    ev('request', '2026-11-10T08:00:00Z', { campaignId: C2, country: 'DE' }),
    ev('request', '2026-11-10T09:00:00Z', { campaignId: C2, country: 'DE' }),
    ev('impression', '2026-11-10T10:00:00Z', { ...paid, organizationId: ORG_B }),
  ];
}

const baseQuery = (extra: Partial<ReportQuery> = {}): ReportQuery => ({
  organizationId: ORG_A,
  dimensions: ['campaign', 'day'],
  metrics: ['impressions'],
  from: '2026-11-09',
  to: '2026-11-10',
  timeZone: 'America/New_York',
  ...extra,
});

export interface OpenedAnalyticsStore {
  store: AnalyticsStore;
  dispose: () => Promise<void>;
}

/** The behaviour every AnalyticsStore adapter must have. `open` returns a fresh, empty store; each test opens its own. */
export function runAnalyticsStoreContract(name: string, open: () => Promise<OpenedAnalyticsStore>): void {
  describe(`AnalyticsStore contract: ${name}`, () => {
    let opened: OpenedAnalyticsStore | undefined;
    const store = () => {
      if (!opened) throw new Error('the store did not open');
      return opened.store;
    };
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await opened?.dispose();
      opened = undefined;
    });

    it('counts a replayed or repeated event once, across calls and within a batch', async () => {
      const events = eventSet();
      expect(await store().ingest(events)).toEqual({ inserted: events.length, duplicates: 0 });
      const before = await store().report(baseQuery({ metrics: ['impressions', 'requests', 'spend'] }));
      expect(await store().ingest(events)).toEqual({ inserted: 0, duplicates: events.length });
      const extra = ev('click', '2026-11-10T06:10:00Z');
      expect(await store().ingest([extra, extra, ...events.slice(0, 3)])).toEqual({ inserted: 1, duplicates: 4 });
      const after = await store().report(baseQuery({ metrics: ['impressions', 'requests', 'spend'] }));
      expect(after).toEqual(before);
      expect(await store().ingest([])).toEqual({ inserted: 0, duplicates: 0 });
    });

    it('computes every metric from the integer sums, with null for a ratio over zero', async () => {
      await store().ingest(eventSet());
      const all = ['requests', 'impressions', 'fillRate', 'viewableImpressions', 'viewableRate', 'clicks', 'ctr'] as const;
      const result = await store().report(
        baseQuery({ metrics: [...all, 'conversions', 'conversionRate', 'spend', 'revenue', 'ecpm', 'ecpc', 'cpa'] }),
      );
      const none = { fillRate: null, viewableRate: null, ctr: null, conversionRate: null, ecpm: null, ecpc: null, cpa: null };
      const zero = { requests: 0, impressions: 0, viewableImpressions: 0, clicks: 0, conversions: 0, spend: '0', revenue: '0' };
      expect(result.rows).toEqual([
        {
          campaign: C1,
          day: '2026-11-09',
          ...zero,
          ...none,
          impressions: 1,
          viewableRate: 0,
          ctr: 0,
          spend: '2500',
          revenue: '1750',
          ecpm: '2500000',
        },
        {
          campaign: C1,
          day: '2026-11-10',
          requests: 4,
          impressions: 3,
          fillRate: 0.75,
          viewableImpressions: 2,
          viewableRate: 2 / 3,
          clicks: 1,
          ctr: 1 / 3,
          conversions: 1,
          conversionRate: 1,
          spend: '7500',
          revenue: '5250',
          ecpm: '2500000',
          ecpc: '7500',
          cpa: '7500',
        },
        { campaign: C2, day: '2026-11-10', ...zero, ...none, requests: 2, fillRate: 0 },
      ]);
      expect(result.totals).toEqual({
        requests: 6,
        impressions: 4,
        fillRate: 4 / 6,
        viewableImpressions: 2,
        viewableRate: 0.5,
        clicks: 1,
        ctr: 0.25,
        conversions: 1,
        conversionRate: 1,
        spend: '10000',
        revenue: '7000',
        ecpm: '2500000',
        ecpc: '10000',
        cpa: '10000',
      });
      expect(result.totalRows).toBe(3);
    });

    it('rounds money ratios down to whole micros', async () => {
      await store().ingest([1, 2, 3].map((n) => ev('impression', `2026-11-10T12:0${n}:00Z`, { costMicros: String(n) })));
      const { totals } = await store().report(baseQuery({ metrics: ['spend', 'ecpm'] }));
      expect(totals).toEqual({ spend: '6', ecpm: '2000' });
      await store().ingest([ev('impression', '2026-11-10T12:05:00Z', { costMicros: '1' })]);
      expect((await store().report(baseQuery({ metrics: ['ecpm'] }))).totals).toEqual({ ecpm: '1750' });
    });

    it("never shows another organization's rows", async () => {
      await store().ingest(eventSet());
      const b = await store().report(baseQuery({ organizationId: ORG_B, filters: { campaignId: [C1] } }));
      expect(b.rows).toEqual([{ campaign: C1, day: '2026-11-10', impressions: 1 }]);
      const nobody = await store().report(baseQuery({ organizationId: '0190f5c2-0000-7000-8000-0000000000ff' }));
      expect(nobody).toEqual({ rows: [], totals: { impressions: 0 }, totalRows: 0 });
    });

    // A row is a group with at least one counted event, whatever the requested metrics (the conversion at 02:00 local makes a row).
    it('buckets days and hours in the query time zone, and keeps the range inclusive in it', async () => {
      await store().ingest(eventSet());
      const utc = await store().report(baseQuery({ timeZone: 'UTC', filters: { campaignId: [C1] } }));
      expect(utc.rows).toEqual([{ campaign: C1, day: '2026-11-10', impressions: 4 }]);
      const oneDay = await store().report(baseQuery({ from: '2026-11-10', dimensions: ['hour'], filters: { campaignId: [C1] } }));
      expect(oneDay.rows).toEqual([
        { hour: '2026-11-10T00:00', impressions: 1 },
        { hour: '2026-11-10T01:00', impressions: 1 },
        { hour: '2026-11-10T02:00', impressions: 0 },
        { hour: '2026-11-10T07:00', impressions: 1 },
        { hour: '2026-11-10T18:00', impressions: 0 },
      ]);
      const before = await store().report(baseQuery({ from: '2026-11-08', to: '2026-11-08' }));
      expect(before.rows).toEqual([]);
    });

    it('splits days at local midnight in a zone with a half-hour offset', async () => {
      // Asia/Kolkata is UTC+05:30: 18:29 UTC is 23:59 local, 18:30 UTC is midnight.
      await store().ingest([
        ev('impression', '2026-11-10T18:29:00Z'),
        ev('impression', '2026-11-10T18:30:00Z'),
        ev('impression', '2026-11-11T18:29:59Z'),
      ]);
      const result = await store().report(
        baseQuery({ dimensions: ['day'], from: '2026-11-10', to: '2026-11-11', timeZone: 'Asia/Kolkata' }),
      );
      expect(result.rows).toEqual([
        { day: '2026-11-10', impressions: 1 },
        { day: '2026-11-11', impressions: 2 },
      ]);
      const hours = await store().report(
        baseQuery({ dimensions: ['hour'], from: '2026-11-11', to: '2026-11-11', timeZone: 'Asia/Kolkata' }),
      );
      expect(hours.rows).toEqual([
        { hour: '2026-11-11T00:00', impressions: 1 },
        { hour: '2026-11-11T23:00', impressions: 1 },
      ]);
    });

    it('filters by every listed value of a field, fields combined with AND; an empty list matches nothing', async () => {
      await store().ingest(eventSet());
      const query = baseQuery({ dimensions: ['campaign', 'country'], metrics: ['requests'] });
      expect((await store().report({ ...query, filters: { campaignId: [C1, C2] } })).rows).toHaveLength(2);
      expect((await store().report({ ...query, filters: { country: ['DE'] } })).rows).toEqual([
        { campaign: C2, country: 'DE', requests: 2 },
      ]);
      expect((await store().report({ ...query, filters: { country: ['DE'], campaignId: [C1] } })).rows).toEqual([]);
      expect((await store().report({ ...query, filters: { campaignId: [] } })).rows).toEqual([]);
      const injected = await store().report({ ...query, filters: { campaignId: ["x' OR '1'='1"] } });
      expect(injected.rows).toEqual([]);
    });

    it('sorts by a metric or dimension, then pages, reporting the row count before the page', async () => {
      await store().ingest(eventSet());
      const query = baseQuery({ metrics: ['requests'], sort: [{ by: 'requests', direction: 'desc' }] });
      const page = await store().report({ ...query, limit: 2 });
      expect(page.rows.map((r) => [r.campaign, r.day, r.requests])).toEqual([
        [C1, '2026-11-10', 4],
        [C2, '2026-11-10', 2],
      ]);
      expect(page.totalRows).toBe(3);
      expect((await store().report({ ...query, limit: 2, offset: 2 })).rows).toEqual([{ campaign: C1, day: '2026-11-09', requests: 0 }]);
      const past = await store().report({ ...query, offset: 10 });
      expect(past).toEqual({ rows: [], totals: { requests: 6 }, totalRows: 3 });
      const byDay = await store().report({ ...query, sort: [{ by: 'day', direction: 'desc' }] });
      expect(byDay.rows.map((r) => r.day)).toEqual(['2026-11-10', '2026-11-10', '2026-11-09']);
      const byCtr = await store().report({ ...query, sort: [{ by: 'ctr', direction: 'desc' }] });
      expect(byCtr.rows.map((r) => [r.campaign, r.day])).toEqual([
        [C1, '2026-11-10'],
        [C1, '2026-11-09'],
        [C2, '2026-11-10'],
      ]);
    });

    it('exports every row as CSV in the report order, with the JSON values (null as an empty field), no paging unless set', async () => {
      await store().ingest(eventSet());
      const query = baseQuery({ metrics: ['requests', 'ctr', 'spend'], sort: [{ by: 'requests', direction: 'desc' }] });
      const read = async (q: ReportQuery) => {
        const pieces: Uint8Array[] = [];
        for await (const piece of await store().exportReport(q, 'csv')) pieces.push(piece);
        return Buffer.concat(pieces).toString('utf8').split('\r\n');
      };
      const json = await store().report(query);
      const asCsv = (v: unknown) => (v === null ? '' : String(v));
      expect(await read(query)).toEqual([
        'campaign,day,requests,ctr,spend',
        ...json.rows.map((r) => [r.campaign, r.day, r.requests, r.ctr, r.spend].map(asCsv).join(',')),
        '',
      ]);
      expect(json.rows).toHaveLength(3);
      expect(await read({ ...query, limit: 1, offset: 1 })).toHaveLength(3);
      await expect(store().exportReport(baseQuery({ metrics: ['reach' as never] }), 'csv')).rejects.toThrow(/unknown metric/);
    });

    it('answers one row for no dimensions, and none when there is no data', async () => {
      expect(await store().report(baseQuery({ dimensions: [] }))).toEqual({ rows: [], totals: { impressions: 0 }, totalRows: 0 });
      await store().ingest(eventSet());
      expect((await store().report(baseQuery({ dimensions: [] }))).rows).toEqual([{ impressions: 4 }]);
    });

    it('refuses an unknown dimension, metric, filter or time zone, naming it', async () => {
      const refusal = async (query: ReportQuery) => {
        try {
          await store().report(query);
        } catch (error) {
          if (isAppError(error) && error.code === 'VALIDATION_FAILED') return error.message;
          throw error;
        }
        throw new Error('accepted');
      };
      expect(await refusal(baseQuery({ dimensions: ['campaign', 'city' as 'day'] }))).toContain('dimensions/1 unknown dimension "city"');
      expect(await refusal(baseQuery({ metrics: ['roas' as 'ctr'] }))).toContain('"roas"');
      expect(await refusal(baseQuery({ filters: { city: ['x'] } as ReportQuery['filters'] }))).toContain('filters/city');
      expect(await refusal(baseQuery({ timeZone: 'Mars/Olympus' }))).toContain('timeZone');
      expect(await refusal(baseQuery({ from: '2026-11-31' }))).toContain('from');
      expect(await refusal(baseQuery({ to: '2026-11-01' }))).toContain('to');
      expect(await refusal(baseQuery({ limit: 0 }))).toContain('limit');
    });

    it('answers ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });
}
