import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { isAppError } from '@adplatform/domain';
import type { DeliveryEvent, EncodedRange, ReportQuery } from '@adplatform/ports';
import { runAnalyticsStoreContract } from '@adplatform/ports/contracts';
import { describe, expect, it } from 'vitest';
import { createDuckDbAnalytics } from './duckdb-analytics.js';
import { createDuckDbAnalyticsWorker } from './duckdb-analytics-proxy.js';
import { event, ORG, T0 } from './test-events.js';
import { TEST_FORMAT, testRange } from './test-range-decoder.js';

runAnalyticsStoreContract('duckdb in a worker thread', async () => {
  const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 2 });
  return { store, dispose: () => store.close() };
});

const query: ReportQuery = {
  organizationId: ORG,
  dimensions: ['campaign', 'day'],
  metrics: ['impressions', 'clicks', 'spend'],
  from: '2026-11-01',
  to: '2026-11-30',
  timeZone: 'UTC',
};
/** `count` events over ten campaigns and a day of hours, every fifth a click. */
const manyEvents = (count: number, from = 0): DeliveryEvent[] =>
  Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return event(`e-${i}`, T0 + (i % 86_400) * 1000, {
      type: i % 5 === 0 ? 'click' : 'impression',
      campaignId: `c-${i % 10}`,
      country: i % 2 === 0 ? 'US' : 'DE',
      deviceType: 'mobile',
    });
  });

async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of body) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces).toString('utf8');
}

/** The longest gap between ticks of a 5 ms interval on this thread while `work` runs. */
async function longestTickGapMs(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
    longest = Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return longest;
}

describe('duckdb analytics in a worker thread', () => {
  it('runs DuckDB in another thread and answers what the in-thread store answers', async () => {
    const inWorker = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1 });
    const inThread = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
    try {
      expect(inWorker.workerThreadId).not.toBe(threadId);
      const batch = [...manyEvents(2_500), ...manyEvents(10)]; // ten repeated ids in one batch, across message pieces
      expect(await inWorker.ingest(batch)).toEqual(await inThread.ingest(batch));
      expect(await inWorker.ingest(manyEvents(20, 2_490))).toEqual({ inserted: 10, duplicates: 10 });
      await inThread.ingest(manyEvents(20, 2_490));
      expect(await inWorker.report(query)).toEqual(await inThread.report(query));
      expect(await inWorker.tableSizes()).toEqual(await inThread.tableSizes());
      expect(await inWorker.sourceOf(query)).toBe(await inThread.sourceOf(query));
      const csv = { ...query, sort: [{ by: 'spend', direction: 'desc' }] } satisfies ReportQuery;
      expect(await collect(await inWorker.exportReport(csv, 'csv'))).toBe(await collect(await inThread.exportReport(csv, 'csv')));
    } finally {
      await inWorker.close();
      await inThread.close();
    }
  });

  it("keeps this thread's event loop turning while a large batch is ingested", async () => {
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1 });
    try {
      // Made a slice at a time, as the analytics consumer reads the log: this thread never holds the batch.
      async function* slices() {
        for (let from = 0; from < 100_000; from += 1_000) {
          yield manyEvents(1_000, from);
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      let counts: unknown;
      const gapMs = await longestTickGapMs(async () => {
        counts = await store.ingestSlices(slices());
      });
      expect(counts).toEqual({ inserted: 100_000, duplicates: 0 });
      // This thread only clones pieces of 250 events (~0.5 ms each); storing the batch in this thread held the loop
      // for 0.7–2.4 s (building its columns and appending them). The margin is wide for a loaded machine.
      expect(gapMs).toBeLessThan(300);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('rejects with the error the store raised: its message, and an AppError with its code', async () => {
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:' });
    try {
      await expect(store.ingest([event('ok', T0), event('bad', T0, { costMicros: '1.5' })])).rejects.toThrow(/bad: costMicros/);
      expect((await store.tableSizes()).events).toBe(0);
      const refused = await store.report({ ...query, dimensions: ['planet' as 'day'] }).catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('VALIDATION_FAILED');
      await expect(store.exportReport({ ...query, metrics: [] }, 'csv')).rejects.toSatisfy(isAppError);
    } finally {
      await store.close();
    }
  });

  it('drops a batch whose sender fails part way, storing none of it, and stores the next batch', async () => {
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1 });
    try {
      // Pieces already staged in the worker (more than a data chunk) before the sender fails.
      async function* failing() {
        yield manyEvents(3_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('the log went away');
      }
      await expect(store.ingestSlices(failing())).rejects.toThrow('the log went away');
      expect((await store.tableSizes()).events).toBe(0);
      expect(await store.ingest(manyEvents(100, 2_950))).toEqual({ inserted: 100, duplicates: 0 });
      expect((await store.tableSizes()).events).toBe(100);
    } finally {
      await store.close();
    }
  });

  it('decodes encoded ranges with the decoder it loaded by URL; a range it cannot decode fails its batch, storing nothing', async () => {
    const decoder = { format: TEST_FORMAT, module: new URL('./test-range-decoder.ts', import.meta.url).href };
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1, decoders: [decoder] });
    try {
      expect(store.encodedReadFormats).toEqual([TEST_FORMAT]);
      async function* ranges(...list: EncodedRange[]) {
        yield* list;
      }
      const broken = { ...testRange(manyEvents(10)), bytes: new TextEncoder().encode('[{"id":') };
      await expect(store.ingestEncoded(ranges(testRange(manyEvents(3_000)), broken))).rejects.toThrow(/JSON/);
      await expect(
        store.ingestEncoded(ranges(testRange(manyEvents(10)), { ...testRange(manyEvents(10)), format: 'json' })),
      ).rejects.toThrow(/no decoder for format json/);
      expect((await store.tableSizes()).events).toBe(0);
      // Each range keeps only its events in [first, next).
      const counts = await store.ingestEncoded(ranges(testRange(manyEvents(2_000), 100, 1_600), testRange(manyEvents(1_000, 1_600))));
      expect(counts).toEqual({ inserted: 2_500, duplicates: 0 });
      const inThread = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
      try {
        await inThread.ingest(manyEvents(2_500, 100));
        expect(await store.report(query)).toEqual(await inThread.report(query));
      } finally {
        await inThread.close();
      }
    } finally {
      await store.close();
    }
  });

  it('fails to start when a decoder module exports no decodeRange', async () => {
    const module = new URL('./test-events.ts', import.meta.url).href;
    await expect(createDuckDbAnalyticsWorker({ path: ':memory:', decoders: [{ format: 'x', module }] })).rejects.toThrow(
      /exports no decodeRange/,
    );
  });

  it('stops an export read part way, then answers further calls', async () => {
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1 });
    try {
      await store.ingest(manyEvents(30_000).map((e, i) => ({ ...e, campaignId: `c-${i}` })));
      const body = await store.exportReport({ ...query, dimensions: ['campaign'] }, 'csv');
      let pieces = 0;
      for await (const _ of body) if (++pieces === 2) break;
      expect(pieces).toBe(2);
      expect((await store.report({ ...query, dimensions: [] })).totals).toEqual({ impressions: 24_000, clicks: 6_000, spend: '30000000' });
    } finally {
      await store.close();
    }
  });

  it('keeps a database file across a new worker, and refuses calls once closed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'adp-duckdb-worker-'));
    const file = path.join(dir, 'nested', 'analytics.duckdb');
    try {
      const first = await createDuckDbAnalyticsWorker({ path: file });
      await first.ingest([event('a', T0), event('b', T0 + 1)]);
      await first.close();
      await expect(first.ingest([event('c', T0)])).rejects.toThrow(/closed/);
      await expect(first.report(query)).rejects.toThrow(/closed/);
      const second = await createDuckDbAnalyticsWorker({ path: file });
      expect(await second.ingest([event('a', T0), event('c', T0 + 2)])).toEqual({ inserted: 1, duplicates: 1 });
      expect((await second.report({ ...query, dimensions: [] })).totals).toEqual({ impressions: 3, clicks: 0, spend: '3000' });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lowers the worker thread's priority when asked, and only its own (Linux keeps nice values per thread)", async () => {
    const niceOfThreads = () =>
      readdirSync(`/proc/${process.pid}/task`).map((tid) => {
        const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
        return { main: tid === String(process.pid), nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) };
      });
    const before = niceOfThreads().filter((t) => t.nice === 7).length;
    const store = await createDuckDbAnalyticsWorker({ path: ':memory:', threads: 1, niceness: 7 });
    try {
      const threads = niceOfThreads();
      expect(threads.filter((t) => t.nice === 7).length).toBe(before + 1);
      expect(threads.find((t) => t.main)?.nice).toBe(0);
      expect(await store.ingest([event('a', T0)])).toEqual({ inserted: 1, duplicates: 0 });
    } finally {
      await store.close();
    }
  });

  it('fails to open with the reason DuckDB gave', async () => {
    await expect(createDuckDbAnalyticsWorker({ path: ':memory:', memoryLimit: 'lots' })).rejects.toThrow(/config/i);
  });
});
