import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeliveryEvent, ReportDimension, ReportQuery } from '@adplatform/ports';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDuckDbAnalytics, type DuckDbAnalytics } from './duckdb-analytics.js';

const ORG_A = 'org-a';
const ORG_B = 'org-b';
const DAY_MS = 86_400_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'] as const;
// Four days around each 2026 offset change of Berlin (03-29, 10-25) and New York (03-08, 11-01); Kolkata has none.
const WINDOWS = [Date.UTC(2026, 2, 6), Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23), Date.UTC(2026, 9, 30)];
const DEVICES = ['desktop', 'mobile'];

type Dim = 'campaign' | 'site';
const field = (dim: Dim) => (dim === 'campaign' ? 'campaignId' : 'siteId');

const query = (organizationId: string, timeZone: string, dim: Dim, extra: Partial<ReportQuery> = {}): ReportQuery => ({
  organizationId,
  dimensions: [dim, 'day'],
  metrics: ['requests', 'impressions', 'clicks', 'spend', 'revenue'],
  from: '2026-03-05',
  to: '2026-11-04',
  timeZone,
  ...extra,
});

/** A campaign × day query that no rollup answers (device type is in none with the campaign): raw events, same rows. */
const rawQuery = (organizationId: string, timeZone: string) =>
  query(organizationId, timeZone, 'campaign', { filters: { deviceType: DEVICES } });

/** The report a direct count gives: valid events of the organization grouped by `dim` and local day, nulls last. */
function modelRows(events: readonly DeliveryEvent[], organizationId: string, timeZone: string, dim: Dim) {
  const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const groups = new Map<string, { key: string | null; day: string; req: number; imp: number; clk: number; cost: bigint; rev: bigint }>();
  for (const e of events) {
    if (e.organizationId !== organizationId || e.invalid) continue;
    const measured = ['request', 'impression', 'viewable', 'click', 'conversion'].includes(e.type);
    if (!measured && e.costMicros === undefined && e.revenueMicros === undefined) continue;
    const [key, day] = [e[field(dim)] ?? null, dayOf.format(e.at)];
    const id = JSON.stringify([key, day]);
    const group = groups.get(id) ?? { key, day, req: 0, imp: 0, clk: 0, cost: 0n, rev: 0n };
    if (e.type === 'request') group.req += 1;
    if (e.type === 'impression') group.imp += 1;
    if (e.type === 'click') group.clk += 1;
    group.cost += BigInt(e.costMicros ?? '0');
    group.rev += BigInt(e.revenueMicros ?? '0');
    groups.set(id, group);
  }
  const order = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  return [...groups.values()]
    .sort((a, b) => order(a.key, b.key) || order(a.day, b.day))
    .map((g) => ({
      [dim]: g.key,
      day: g.day,
      requests: g.req,
      impressions: g.imp,
      clicks: g.clk,
      spend: g.cost.toString(),
      revenue: g.rev.toString(),
    }));
}

const arbEvent = fc.record({
  org: fc.constantFrom(ORG_A, ORG_B),
  type: fc.constantFrom('request', 'impression', 'viewable', 'click', 'conversion', 'video_start' as const),
  atMs: fc.constantFrom(...WINDOWS).chain((start) => fc.integer({ min: start, max: start + 4 * DAY_MS })),
  campaignId: fc.constantFrom('c1', 'c2', undefined),
  siteId: fc.constantFrom('s1', 's2'),
  deviceType: fc.constantFrom(...DEVICES),
  costMicros: fc.option(fc.bigInt({ min: 0n, max: 10_000_000n }).map(String), { nil: undefined }),
  invalid: fc.boolean(),
});

type EventSpec = typeof arbEvent extends fc.Arbitrary<infer T> ? T : never;

function toEvents(specs: readonly EventSpec[]) {
  return specs.map(
    (s, i): DeliveryEvent => ({
      id: `e${i}`,
      type: s.type,
      at: s.atMs,
      organizationId: s.org,
      siteId: s.siteId,
      deviceType: s.deviceType,
      ...(s.campaignId === undefined ? {} : { campaignId: s.campaignId }),
      ...(s.costMicros === undefined ? {} : { costMicros: s.costMicros, revenueMicros: String(BigInt(s.costMicros) / 2n) }),
      ...(s.invalid ? { invalid: { reason: 'test' } } : {}),
    }),
  );
}

async function ingestIn(store: DuckDbAnalytics, events: readonly DeliveryEvent[], batch: number) {
  for (let i = 0; i < events.length; i += batch) await store.ingest(events.slice(i, i + batch));
}

/** Every local-day report of the organization equals the direct count and the raw-event report, and reads its rollup. */
async function expectLocalDaysExact(store: DuckDbAnalytics, events: readonly DeliveryEvent[], org: string, timeZone: string) {
  const campaign = query(org, timeZone, 'campaign');
  expect(await store.sourceOf(campaign)).toBe('rollup_campaign_local_daily');
  const fromRollup = await store.report(campaign);
  expect(fromRollup.rows).toEqual(modelRows(events, org, timeZone, 'campaign'));
  const raw = rawQuery(org, timeZone);
  expect(await store.sourceOf(raw)).toBe('events');
  expect(await store.report(raw)).toEqual(fromRollup);
  const site = query(org, timeZone, 'site');
  expect(await store.sourceOf(site)).toBe('rollup_inventory_local_daily');
  expect((await store.report(site)).rows).toEqual(modelRows(events, org, timeZone, 'site'));
}

describe('duckdb local-day rollups', () => {
  it('equal raw events and a direct count across offset changes in any rollup zone, before and after a zone change', {
    timeout: 600_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbEvent, { maxLength: 50 }),
        fc.nat(),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(...ZONES),
        fc.constantFrom(...ZONES),
        fc.constantFrom(...ZONES),
        async (specs, split, batch, zoneA, zoneB, nextZoneA) => {
          const events = toEvents(specs);
          const cut = specs.length === 0 ? 0 : split % (specs.length + 1);
          const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1, rebuildZonesOnReport: false });
          try {
            // Part of the events before the zones are set (rebuilt from rollups or raw events), part after (ingest).
            await ingestIn(store, events.slice(0, cut), batch);
            await store.useTimeZone(ORG_A, zoneA);
            await store.useTimeZone(ORG_B, zoneB);
            await ingestIn(store, events.slice(cut), batch);
            await expectLocalDaysExact(store, events, ORG_A, zoneA);
            await expectLocalDaysExact(store, events, ORG_B, zoneB);
            const used = await store.useTimeZone(ORG_A, nextZoneA);
            const hourly = nextZoneA !== 'Asia/Kolkata' || (await store.report(query(ORG_A, 'UTC', 'campaign'))).rows.length === 0;
            expect(used.rollup_campaign_local_daily).toBe(hourly ? 'rollup_campaign_hourly' : 'events');
            await expectLocalDaysExact(store, events, ORG_A, nextZoneA);
            await expectLocalDaysExact(store, events, ORG_B, zoneB);
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('answers a report in a new zone from hourly rollups or raw events, then rebuilds the organization in that zone', {
    timeout: 120_000,
  }, async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
    const events = toEvents(fc.sample(arbEvent, { numRuns: 300, seed: 5 }).map((s) => ({ ...s, org: ORG_A, invalid: false })));
    try {
      await ingestIn(store, events.slice(0, 200), 50);
      const berlin = query(ORG_A, 'Europe/Berlin', 'campaign');
      expect(await store.sourceOf(berlin)).toBe('rollup_campaign_hourly');
      const before = await store.report(berlin);
      expect(before.rows).toEqual(modelRows(events.slice(0, 200), ORG_A, 'Europe/Berlin', 'campaign'));
      await store.idle();
      expect(await store.sourceOf(berlin)).toBe('rollup_campaign_local_daily');
      expect(await store.report(berlin)).toEqual(before);
      await ingestIn(store, events.slice(200), 50);
      expect((await store.report(berlin)).rows).toEqual(modelRows(events, ORG_A, 'Europe/Berlin', 'campaign'));

      const kolkata = query(ORG_A, 'Asia/Kolkata', 'campaign');
      expect(await store.sourceOf(kolkata)).toBe('events');
      const fromRaw = await store.report(kolkata);
      expect(fromRaw.rows).toEqual(modelRows(events, ORG_A, 'Asia/Kolkata', 'campaign'));
      await store.idle();
      expect(await store.sourceOf(kolkata)).toBe('rollup_campaign_local_daily');
      expect(await store.report(kolkata)).toEqual(fromRaw);
      // Berlin is no longer the rollup zone: back to the hourly rollup, still exact.
      expect(await store.sourceOf(berlin)).toBe('rollup_campaign_hourly');
    } finally {
      await store.close();
    }
  });

  it('keeps an organization’s rollup zone across a restart, and ingests into its local days', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'adp-zones-'));
    const file = path.join(dir, 'analytics.duckdb');
    const events = toEvents(fc.sample(arbEvent, { numRuns: 120, seed: 9 }).map((s) => ({ ...s, org: ORG_A })));
    try {
      const first = await createDuckDbAnalytics({ path: file, rebuildZonesOnReport: false });
      await first.ingest(events.slice(0, 60));
      await first.useTimeZone(ORG_A, 'America/New_York');
      await first.close();
      const second = await createDuckDbAnalytics({ path: file, rebuildZonesOnReport: false });
      try {
        await second.ingest(events.slice(60));
        await expectLocalDaysExact(second, events, ORG_A, 'America/New_York');
        expect(await second.sourceOf(query(ORG_B, 'UTC', 'campaign'))).toBe('rollup_campaign_local_daily');
        expect(await second.sourceOf(query(ORG_B, 'America/New_York', 'campaign'))).toBe('rollup_campaign_hourly');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never reads a local-day rollup for an hour grouping', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1, rebuildZonesOnReport: false });
    try {
      const hours: ReportDimension[] = ['campaign', 'hour'];
      expect(await store.sourceOf(query(ORG_A, 'UTC', 'campaign', { dimensions: hours }))).toBe('rollup_campaign_hourly');
      expect(await store.sourceOf(query(ORG_A, 'Asia/Kolkata', 'campaign', { dimensions: hours }))).toBe('events');
    } finally {
      await store.close();
    }
  });
});
