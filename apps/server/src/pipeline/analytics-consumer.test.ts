import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbAnalytics, createDuckDbAnalyticsWorker } from '@adplatform/adapter-duckdb';
import { createLocalEventLog, localLogRangeDecoder } from '@adplatform/adapter-local-log';
import { createMemoryEventLog } from '@adplatform/adapter-memory';
import type { AnalyticsStore, DeliveryEvent, EventLog, ReportQuery } from '@adplatform/ports';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createAnalyticsConsumer, measureConsumerLag, registerConsumerLagMetrics, type SlicedIngest } from './analytics-consumer.js';

const ORG = 'org-1';
const T0 = Date.UTC(2026, 10, 10, 12);
const events = (count: number, from = 0): DeliveryEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `event-${from + i}`,
    type: (from + i) % 10 === 0 ? 'click' : 'impression',
    at: T0 + from + i,
    organizationId: ORG,
    campaignId: `campaign-${(from + i) % 3}`,
    costMicros: '1500',
  }));
const totals: ReportQuery = {
  organizationId: ORG,
  dimensions: [],
  metrics: ['impressions', 'clicks', 'spend'],
  from: '2026-11-10',
  to: '2026-11-10',
  timeZone: 'UTC',
};

async function withStore(test: (store: AnalyticsStore) => Promise<void>) {
  const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
  try {
    await test(store);
  } finally {
    await store.close();
  }
}

describe('analytics consumer', () => {
  it('ingests the log in batches from the committed offset and commits after each', async () => {
    await withStore(async (store) => {
      const eventLog = createMemoryEventLog();
      await eventLog.append(events(250));
      const consumer = createAnalyticsConsumer({ eventLog, store, batchSize: 100 });
      expect(await consumer.consumeBatch()).toEqual({ events: 100, inserted: 100, duplicates: 0, next: 100 });
      expect(await eventLog.committedOffset('analytics')).toBe(100);
      expect(await consumer.drain()).toEqual({ events: 150, inserted: 150, duplicates: 0, next: 250 });
      expect(await consumer.consumeBatch()).toEqual({ events: 0, inserted: 0, duplicates: 0, next: 250 });
      expect((await store.report(totals)).totals).toEqual({ impressions: 225, clicks: 25, spend: '375000' });
    });
  });

  it('counts once when the same log is replayed from the start, and when producers retried', async () => {
    await withStore(async (store) => {
      const eventLog = createMemoryEventLog();
      await eventLog.append(events(300));
      await eventLog.append(events(50, 100)); // a producer's retry of events already appended
      const first = createAnalyticsConsumer({ eventLog, store, batchSize: 64 });
      expect(await first.drain()).toMatchObject({ events: 350, inserted: 300, duplicates: 50 });
      const once = await store.report(totals);
      await eventLog.commitOffset('analytics', 0); // replay the whole log
      const replay = createAnalyticsConsumer({ eventLog, store, batchSize: 1000 });
      expect(await replay.drain()).toMatchObject({ events: 350, inserted: 0, duplicates: 350 });
      expect(await store.report(totals)).toEqual(once);
      expect(once.totals).toEqual({ impressions: 270, clicks: 30, spend: '450000' });
    });
  });

  it('reads the next batch of a backlog while the last is stored, and commits offsets in order, never past a failure', async () => {
    await withStore(async (store) => {
      const eventLog = createMemoryEventLog();
      await eventLog.append(events(300));
      const seen: string[] = [];
      let release: () => void = () => {};
      let failFirst = true;
      let calls = 0;
      // The store holds batch 0 until released (and fails it the first time); the others go straight through.
      const gated: AnalyticsStore & SlicedIngest = {
        ...store,
        async ingestSlices(slices) {
          const k = calls++;
          const all: DeliveryEvent[] = [];
          for await (const slice of slices) all.push(...slice);
          seen.push(`read ${all[0]?.id}`);
          if (all[0]?.id === 'event-0') {
            await new Promise<void>((resolve) => (release = resolve));
            if (failFirst) {
              failFirst = false;
              throw new Error(`batch ${k} failed`);
            }
          }
          return store.ingest(all);
        },
      };
      const consumer = createAnalyticsConsumer({ eventLog, store: gated, batchSize: 100, readSliceSize: 30 });
      const failed = consumer.drain();
      await expect.poll(() => seen).toEqual(['read event-0', 'read event-100']);
      expect(await eventLog.committedOffset('analytics')).toBe(0);
      release();
      await expect(failed).rejects.toThrow('batch 0 failed');
      // Batch 1 was stored, but its offset is not committed past the failed batch 0.
      expect(await eventLog.committedOffset('analytics')).toBe(0);
      const drained = consumer.drain();
      await expect.poll(() => seen.slice(2)).toEqual(['read event-0', 'read event-100']);
      release();
      expect(await drained).toEqual({ events: 300, inserted: 200, duplicates: 100, next: 300 });
      expect(await eventLog.committedOffset('analytics')).toBe(300);
      expect((await store.report(totals)).totals).toEqual({ impressions: 270, clicks: 30, spend: '450000' });
    });
  });

  it('re-reads a batch whose ingest failed, and commits nothing for it', async () => {
    await withStore(async (store) => {
      const eventLog = createMemoryEventLog();
      const bad = { ...events(1, 999)[0], costMicros: 'lots' } as DeliveryEvent;
      await eventLog.append([...events(5), bad]);
      const consumer = createAnalyticsConsumer({ eventLog, store });
      await expect(consumer.consumeBatch()).rejects.toThrow(/costMicros/);
      expect(await eventLog.committedOffset('analytics')).toBe(0);
    });
  });

  it('consumes in the background until stopped', async () => {
    await withStore(async (store) => {
      const eventLog = createMemoryEventLog();
      const consumer = createAnalyticsConsumer({ eventLog, store, idleMs: 5 });
      consumer.start();
      await eventLog.append(events(40));
      await expect.poll(() => eventLog.committedOffset('analytics'), { timeout: 5_000 }).toBe(40);
      await consumer.stop();
      await eventLog.append(events(10, 40));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(await eventLog.committedOffset('analytics')).toBe(40);
      expect((await store.report(totals)).totals).toMatchObject({ impressions: 36, clicks: 4 });
    });
  });

  it('reads a batch in slices, letting the event loop turn between them', async () => {
    await withStore(async (store) => {
      const memory = createMemoryEventLog();
      await memory.append(events(2_600));
      const limits: number[] = [];
      let turns = 0;
      const eventLog: EventLog = {
        ...memory,
        kind: memory.kind,
        read(offset, limit) {
          limits.push(limit);
          setImmediate(() => turns++); // runs only if the loop turns before the next read
          return memory.read(offset, limit);
        },
      };
      const consumer = createAnalyticsConsumer({ eventLog, store, batchSize: 2_500, readSliceSize: 1_000 });
      expect(await consumer.consumeBatch()).toEqual({ events: 2_500, inserted: 2_500, duplicates: 0, next: 2_500 });
      expect(limits).toEqual([1_000, 1_000, 500]);
      expect(turns).toBeGreaterThanOrEqual(2);
      expect(await consumer.consumeBatch()).toMatchObject({ events: 100, next: 2_600 });
      expect(limits.slice(3)).toEqual([1_000]);
    });
  });

  it('feeds the DuckDB store in its worker slice by slice, committing only once the batch is stored', async () => {
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1 });
    try {
      const eventLog = createMemoryEventLog();
      await eventLog.append(events(2_300));
      const consumer = createAnalyticsConsumer({ eventLog, store, batchSize: 1_000, readSliceSize: 300 });
      expect(await consumer.consumeBatch()).toEqual({ events: 1_000, inserted: 1_000, duplicates: 0, next: 1_000 });
      expect(await consumer.drain()).toEqual({ events: 1_300, inserted: 1_300, duplicates: 0, next: 2_300 });
      expect((await store.report(totals)).totals).toEqual({ impressions: 2_070, clicks: 230, spend: '3450000' });
      const bad = { ...events(1, 5_000)[0], costMicros: 'lots' } as DeliveryEvent;
      await eventLog.append([...events(400, 3_000), bad]);
      await expect(consumer.consumeBatch()).rejects.toThrow(/costMicros/);
      expect(await eventLog.committedOffset('analytics')).toBe(2_300);
      expect((await store.tableSizes()).events).toBe(2_300);
    } finally {
      await store.close();
    }
  }, 30_000);

  it("moves the local log's encoded ranges to the DuckDB worker: this thread never decodes, and a bad batch commits nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'adp-consumer-'));
    const local = await createLocalEventLog({ dir });
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1, decoders: [localLogRangeDecoder()] });
    try {
      // The log's decoding read refuses: every event must reach the store undecoded.
      const eventLog: EventLog = Object.assign(Object.create(local) as EventLog, {
        read: () => Promise.reject(new Error('decoded on the consumer thread')),
      });
      await local.append(events(2_300));
      await local.append(events(200, 2_000)); // a producer's retry
      const consumer = createAnalyticsConsumer({ eventLog, store, batchSize: 1_000, readSliceSize: 300 });
      expect(await consumer.consumeBatch()).toEqual({ events: 1_000, inserted: 1_000, duplicates: 0, next: 1_000 });
      expect(await consumer.drain()).toEqual({ events: 1_500, inserted: 1_300, duplicates: 200, next: 2_500 });
      expect((await store.report(totals)).totals).toEqual({ impressions: 2_070, clicks: 230, spend: '3450000' });
      const bad = { ...events(1, 5_000)[0], costMicros: 'lots' } as DeliveryEvent;
      await local.append([...events(400, 3_000), bad]);
      await expect(consumer.consumeBatch()).rejects.toThrow(/costMicros/);
      expect(await local.committedOffset('analytics')).toBe(2_500);
      expect((await store.tableSizes()).events).toBe(2_300);
      // The worker checks what it is given: a range whose bytes changed on the way is refused, and nothing is stored.
      const range = await local.readEncoded(0, 100);
      range.bytes[40] = (range.bytes[40] ?? 0) ^ 0xff;
      async function* one() {
        yield range;
      }
      await expect(store.ingestEncoded(one())).rejects.toThrow(/fails its CRC/);
      expect((await store.tableSizes()).events).toBe(2_300);
    } finally {
      await store.close();
      await local.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('decodes on this thread for a store that does not decode the log (the in-thread DuckDB store)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'adp-consumer-'));
    const local = await createLocalEventLog({ dir });
    try {
      await withStore(async (store) => {
        const eventLog: EventLog = Object.assign(Object.create(local) as EventLog, {
          readEncoded: () => Promise.reject(new Error('read undecoded for a store that cannot decode')),
        });
        await local.append(events(250));
        expect(await createAnalyticsConsumer({ eventLog, store, batchSize: 100 }).drain()).toMatchObject({ events: 250, inserted: 250 });
      });
    } finally {
      await local.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exposes its lag on /metrics: events waiting while stopped, 0 once consumed', async () => {
    await withStore(async (store) => {
      const eventLog = createMemoryEventLog();
      const registry = new Registry();
      const consumer = createAnalyticsConsumer({ eventLog, store, idleMs: 5, metrics: registry });
      const scrape = async () => {
        const text = await registry.metrics();
        const lag = /^adplatform_events_consumer_lag\{consumer="analytics"\} (\S+)$/m.exec(text)?.[1];
        const age = /^adplatform_events_consumer_oldest_age_seconds\{consumer="analytics"\} (\S+)$/m.exec(text)?.[1];
        return { lag: Number(lag), age: Number(age) };
      };
      expect(await scrape()).toEqual({ lag: 0, age: 0 });
      await eventLog.append(events(30));
      const waiting = await scrape();
      expect(waiting.lag).toBe(30);
      expect(waiting.age).toBeGreaterThan((Date.now() - T0) / 1000 - 60); // the oldest is event-0, at T0
      await consumer.consumeBatch();
      expect(await scrape()).toEqual({ lag: 0, age: 0 });
      consumer.start();
      await consumer.stop();
      await eventLog.append(events(7, 30));
      expect((await scrape()).lag).toBe(7);
      consumer.start();
      await expect.poll(async () => (await scrape()).lag, { timeout: 5_000 }).toBe(0);
      await consumer.stop();
    });
  });

  it('measures lag from the oldest kept event when retention dropped what the consumer had not read', async () => {
    const eventLog = createMemoryEventLog({ maxEvents: 10 });
    await eventLog.append(events(25));
    expect(await measureConsumerLag(eventLog, 'analytics', T0 + 20_000)).toEqual({ events: 10, oldestAgeSeconds: (20_000 - 15) / 1000 });
    await eventLog.commitOffset('analytics', 22);
    expect(await measureConsumerLag(eventLog, 'analytics', T0 + 20_000)).toEqual({ events: 3, oldestAgeSeconds: (20_000 - 22) / 1000 });
    await eventLog.commitOffset('analytics', 40); // past the end: nothing waits
    expect(await measureConsumerLag(eventLog, 'analytics')).toEqual({ events: 0, oldestAgeSeconds: 0 });
  });

  it('refuses a second lag registration in the same registry', () => {
    const registry = new Registry();
    registerConsumerLagMetrics(registry, { eventLog: createMemoryEventLog() });
    expect(() => registerConsumerLagMetrics(registry, { eventLog: createMemoryEventLog() })).toThrow(/already been registered/);
  });
});
