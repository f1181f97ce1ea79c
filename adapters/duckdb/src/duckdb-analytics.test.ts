import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeliveryEvent, ReportQuery } from '@adplatform/ports';
import { runAnalyticsStoreContract } from '@adplatform/ports/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDuckDbAnalytics } from './duckdb-analytics.js';
import { event, ORG, T0 } from './test-events.js';

runAnalyticsStoreContract('duckdb', async () => {
  const store = await createDuckDbAnalytics({ path: ':memory:', threads: 2 });
  return { store, dispose: () => store.close() };
});

const query = (extra: Partial<ReportQuery> = {}): ReportQuery => ({
  organizationId: ORG,
  dimensions: ['campaign', 'day'],
  metrics: ['impressions', 'clicks', 'spend'],
  from: '2026-11-01',
  to: '2026-11-30',
  timeZone: 'Europe/Berlin',
  ...extra,
});

describe('duckdb analytics store', () => {
  it('keeps events and their dedupe across a restart of a database file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'adp-duckdb-'));
    const file = path.join(dir, 'nested', 'analytics.duckdb');
    try {
      const first = await createDuckDbAnalytics({ path: file });
      await first.ingest([event('a', T0), event('b', T0 + 1)]);
      await first.close();
      const second = await createDuckDbAnalytics({ path: file });
      expect(await second.ingest([event('a', T0), event('c', T0 + 2)])).toEqual({ inserted: 1, duplicates: 1 });
      expect((await second.report(query())).totals).toEqual({ impressions: 3, clicks: 0, spend: '3000' });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an event whose money is not integer micros, storing nothing of its batch', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:' });
    try {
      await expect(store.ingest([event('ok', T0), event('bad', T0, { costMicros: '1.5' })])).rejects.toThrow(/bad: costMicros/);
      expect((await store.tableSizes()).events).toBe(0);
      expect(await store.ingest([event('ok', T0)])).toEqual({ inserted: 1, duplicates: 0 });
    } finally {
      await store.close();
    }
  });

  it('stages a batch slice by slice across data chunks: any slicing stores what the whole batch stores, once per id', {
    timeout: 120_000,
  }, async () => {
    // Ids from a small pool repeat within and across slices; batches run past DuckDB's 2,048-row data chunk.
    const arbBatch = fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 4_500 });
    await fc.assert(
      fc.asyncProperty(arbBatch, fc.array(fc.integer({ min: 1, max: 2_500 }), { maxLength: 6 }), async (ids, cuts) => {
        const events = ids.map((n) => event(`s-${n}`, T0 + n * 1_000, { country: n % 3 === 0 ? 'US' : 'DE' }));
        async function* slices() {
          let at = 0;
          for (const size of cuts) {
            yield events.slice(at, at + size);
            at += size;
          }
          yield events.slice(at);
        }
        const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
        try {
          const distinct = new Set(ids).size;
          expect(await store.ingestSlices(slices())).toEqual({ inserted: distinct, duplicates: ids.length - distinct });
          expect((await store.tableSizes()).events).toBe(distinct);
          expect((await store.report(query({ dimensions: ['country'] }))).totals.impressions).toBe(distinct);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 12 },
    );
  });

  it('stores nothing of a sliced batch whose later slice is bad or whose source fails, then stores the next batch', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
    const many = (count: number, from: number) => Array.from({ length: count }, (_, i) => event(`m-${from + i}`, T0 + i));
    try {
      // 5,000 good events (two full data chunks appended) before the bad one.
      async function* badLater() {
        yield many(5_000, 0);
        yield [event('bad', T0, { costMicros: 'ten' })];
      }
      await expect(store.ingestSlices(badLater())).rejects.toThrow(/bad: costMicros/);
      async function* failing() {
        yield many(5_000, 0);
        throw new Error('the log went away');
      }
      await expect(store.ingestSlices(failing())).rejects.toThrow('the log went away');
      expect((await store.tableSizes()).events).toBe(0);
      expect(await store.ingest(many(3, 0))).toEqual({ inserted: 3, duplicates: 0 });
      expect((await store.report(query())).totals.impressions).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('stages the next batch while one is open, and counts an id shared by the two once', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
    try {
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      async function* slow() {
        yield [event('shared', T0), event('first-only', T0 + 1)];
        await held;
        yield [event('first-late', T0 + 2)];
      }
      const first = store.ingestSlices(slow());
      // The second batch stages and commits on the other staging connection while the first waits for its slices.
      const second = await store.ingest([event('shared', T0), event('second-only', T0 + 3)]);
      expect(second).toEqual({ inserted: 2, duplicates: 0 });
      release();
      expect(await first).toEqual({ inserted: 2, duplicates: 1 });
      // A third batch takes the first's staging connection again, after the first is done.
      expect(await store.ingest([event('first-late', T0 + 2), event('third', T0 + 4)])).toEqual({ inserted: 1, duplicates: 1 });
      expect((await store.tableSizes()).events).toBe(5);
      expect((await store.report(query())).totals.impressions).toBe(5);
    } finally {
      await store.close();
    }
  });

  it('sums money beyond 64 bits without loss', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:' });
    try {
      const big = '9000000000000000000';
      await store.ingest([event('x', T0, { costMicros: big }), event('y', T0 + 1, { costMicros: big })]);
      expect((await store.report(query())).totals.spend).toBe('18000000000000000000');
    } finally {
      await store.close();
    }
  });

  it('groups any events, in any batching, by local day as a direct count does (every rollup and the raw-event path)', {
    timeout: 240_000,
  }, async () => {
    const arbEvent = fc.record({
      type: fc.constantFrom('request', 'impression', 'viewable', 'click', 'conversion', 'video_start'),
      atMs: fc.integer({ min: T0 - 86_400_000, max: T0 + 5 * 86_400_000 }),
      campaignId: fc.constantFrom('c1', 'c2', 'c3'),
      country: fc.constantFrom('US', 'DE', undefined),
      costMicros: fc.option(fc.bigInt({ min: 0n, max: 10_000_000n }).map(String), { nil: undefined }),
      invalid: fc.boolean(),
    });
    // UTC (the default rollup zone): the local-day rollup; Berlin (whole-hour offsets, no rebuild asked): hourly rollups; Kolkata (UTC+05:30) and campaign × country: raw events.
    const cases: { timeZone: string; dims: ('campaign' | 'country')[]; source: string }[] = [
      { timeZone: 'UTC', dims: ['campaign'], source: 'rollup_campaign_local_daily' },
      { timeZone: 'Europe/Berlin', dims: ['campaign'], source: 'rollup_campaign_hourly' },
      { timeZone: 'Europe/Berlin', dims: ['country'], source: 'rollup_audience_hourly' },
      { timeZone: 'Europe/Berlin', dims: ['campaign', 'country'], source: 'events' },
      { timeZone: 'Asia/Kolkata', dims: ['campaign'], source: 'events' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(arbEvent, { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), async (specs, batchSize) => {
        const events = specs.map((s, i) =>
          event(`e${i}`, s.atMs, {
            type: s.type,
            campaignId: s.campaignId,
            ...(s.country === undefined ? {} : { country: s.country }),
            ...(s.costMicros === undefined ? { costMicros: undefined } : { costMicros: s.costMicros }),
            ...(s.invalid ? { invalid: { reason: 'test' } } : {}),
          }),
        );
        const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1, rebuildZonesOnReport: false });
        try {
          for (let i = 0; i < events.length; i += batchSize) await store.ingest(events.slice(i, i + batchSize));
          for (const { timeZone, dims, source } of cases) {
            const q = query({ timeZone, from: '2026-10-30', to: '2026-11-07', dimensions: [...dims, 'day'] });
            const full = { ...q, metrics: ['requests', 'impressions', 'clicks', 'spend'] as const };
            expect(await store.sourceOf({ ...full, metrics: [...full.metrics] })).toBe(source);
            const result = await store.report({ ...full, metrics: [...full.metrics] });
            expect(result.rows).toEqual(modelRows(events, timeZone, dims));
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 15 },
    );
  });
});

/** The report a direct count gives: valid events grouped by `dims` and local day, in the store's order (nulls last). */
function modelRows(events: readonly DeliveryEvent[], timeZone: string, dims: readonly ('campaign' | 'country')[]) {
  const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const groups = new Map<string, { keys: (string | null)[]; requests: number; impressions: number; clicks: number; spend: bigint }>();
  for (const e of events) {
    if (e.invalid) continue;
    const measured = ['request', 'impression', 'viewable', 'click', 'conversion'].includes(e.type) || e.costMicros !== undefined;
    if (!measured) continue;
    const keys = [...dims.map((d) => (d === 'campaign' ? e.campaignId : e.country) ?? null), dayOf.format(e.at)];
    const key = JSON.stringify(keys);
    const group = groups.get(key) ?? { keys, requests: 0, impressions: 0, clicks: 0, spend: 0n };
    if (e.type === 'request') group.requests += 1;
    if (e.type === 'impression') group.impressions += 1;
    if (e.type === 'click') group.clicks += 1;
    group.spend += BigInt(e.costMicros ?? '0');
    groups.set(key, group);
  }
  const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  const names = [...dims, 'day'];
  return [...groups.values()]
    .sort((a, b) => a.keys.reduce((order, key, i) => order || compare(key, b.keys[i] ?? null), 0))
    .map((g) => ({
      ...Object.fromEntries(names.map((name, i) => [name, g.keys[i] ?? null])),
      requests: g.requests,
      impressions: g.impressions,
      clicks: g.clicks,
      spend: g.spend.toString(),
    }));
}
