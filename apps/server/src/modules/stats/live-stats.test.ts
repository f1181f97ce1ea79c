import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChunkWriter, createLocalEventLog, encodeFramed, FRAMED_FORMAT } from '@adplatform/adapter-local-log';
import { createMemoryEventLog } from '@adplatform/adapter-memory';
import { newId } from '@adplatform/domain';
import { DELIVERY_EVENT_TYPES, type DeliveryEvent, tallyEvents } from '@adplatform/ports';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIVE_WINDOW_SECONDS, LiveStats } from './live-stats.js';

const T0 = 1_795_000_000; // epoch seconds
const orgA = newId();
const orgB = newId();
const event = (type: DeliveryEvent['type'], atMs: number, extra: Partial<DeliveryEvent> = {}): DeliveryEvent => ({
  id: newId(),
  type,
  at: atMs,
  organizationId: orgA,
  ...extra,
});

describe('LiveStats', () => {
  it('counts events appended after it started in the second of their time, for their organization only', async () => {
    const log = createMemoryEventLog();
    await log.append([event('impression', (T0 - 10) * 1_000)]); // before the tap started: not counted
    let nowMs = T0 * 1_000 + 500;
    const stats = new LiveStats({ eventLog: log, nowMs: () => nowMs });
    await stats.start();
    await log.append([
      event('request', (T0 - 2) * 1_000 + 10, { decisionId: newId() }),
      event('request', (T0 - 2) * 1_000 + 20),
      event('impression', (T0 - 2) * 1_000 + 999, { costMicros: '2500' }),
      event('impression', (T0 - 1) * 1_000, { costMicros: '9007199254740993', revenueMicros: '7' }),
      event('viewable', (T0 - 1) * 1_000),
      event('click', (T0 - 1) * 1_000),
      event('conversion', (T0 - 1) * 1_000),
      event('impression', (T0 - 1) * 1_000, { organizationId: orgB }),
    ]);
    await stats.poll();
    nowMs += 1_000;
    const seconds = stats.snapshot(orgA, T0 + 1);
    expect(seconds).toHaveLength(LIVE_WINDOW_SECONDS);
    expect(seconds[0]?.t).toBe(T0 + 1 - 300);
    expect(seconds.at(-1)?.t).toBe(T0);
    expect(stats.second(orgA, T0 - 2)).toEqual({
      t: T0 - 2,
      requests: 2,
      filled: 1,
      impressions: 1,
      viewables: 0,
      clicks: 0,
      conversions: 0,
      fillRate: 0.5,
      spendMicros: '2500',
      revenueMicros: '0',
    });
    expect(stats.second(orgA, T0 - 1)).toMatchObject({ impressions: 1, viewables: 1, clicks: 1, conversions: 1, fillRate: null });
    expect(stats.second(orgA, T0 - 1).spendMicros).toBe('9007199254740993');
    expect(stats.second(orgA, T0 - 10).impressions).toBe(0);
    expect(stats.second(orgB, T0 - 1).impressions).toBe(1);
    expect(stats.second(orgB, T0 - 2).requests).toBe(0);
    await stats.stop();
  });

  it('counts from the local log what each append made durable, before the append resolves, without reading the log', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'adp-live-stats-'));
    const log = await createLocalEventLog({ dir });
    try {
      await log.append([event('impression', (T0 - 3) * 1_000)]); // before the tap started: not counted
      const stats = new LiveStats({ eventLog: log, nowMs: () => T0 * 1_000 + 500, pollMs: 3_600_000 });
      await stats.start();
      let reads = 0;
      const read = log.read.bind(log);
      log.read = (offset, limit) => {
        reads++;
        return read(offset, limit);
      };
      await Promise.all([
        log.append([event('impression', (T0 - 2) * 1_000, { costMicros: '2500' }), event('click', (T0 - 2) * 1_000 + 1)]),
        log.append([event('request', (T0 - 2) * 1_000, { decisionId: newId() })]),
      ]);
      // No poll: the counts are there once the appends resolve.
      expect(stats.second(orgA, T0 - 2)).toMatchObject({ requests: 1, filled: 1, impressions: 1, clicks: 1, spendMicros: '2500' });
      expect(stats.second(orgA, T0 - 3).impressions).toBe(0);
      await stats.poll();
      await stats.stop();
      await log.append([event('impression', (T0 - 2) * 1_000)]);
      expect(stats.second(orgA, T0 - 2).impressions).toBe(1);
      expect(reads).toBe(0);
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts an encoded append from its tally exactly as it counts the same events appended as objects', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'adp-live-stats-'));
    const writer = new ChunkWriter();
    const eventArb = fc
      .record({
        type: fc.constantFrom(...DELIVERY_EVENT_TYPES),
        ago: fc.integer({ min: -70, max: 320 }),
        ms: fc.integer({ min: 0, max: 999 }),
        org: fc.constantFrom(orgA, orgB),
        filled: fc.boolean(),
        cost: fc.option(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }).map(String), { nil: undefined }),
        revenue: fc.option(fc.nat().map(String), { nil: undefined }),
      })
      .map(({ type, ago, ms, org, filled, cost, revenue }) =>
        event(type, (T0 - ago) * 1_000 + ms, {
          organizationId: org,
          ...(filled ? { decisionId: newId() } : {}),
          ...(cost === undefined ? {} : { costMicros: cost }),
          ...(revenue === undefined ? {} : { revenueMicros: revenue }),
        }),
      );
    const log = await createLocalEventLog({ dir });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 60 }), async (events) => {
          const byObjects = new LiveStats({ eventLog: createMemoryEventLog(), nowMs: () => T0 * 1_000 });
          for (const e of events) byObjects.count(e, T0);
          const byTally = new LiveStats({ eventLog: log, nowMs: () => T0 * 1_000 });
          await byTally.start();
          await log.appendEncoded({
            format: FRAMED_FORMAT,
            bytes: encodeFramed(events, writer),
            count: events.length,
            tally: tallyEvents(events),
          });
          await byTally.stop();
          for (const org of [orgA, orgB]) {
            for (let t = T0 - 300; t <= T0 + 70; t++) expect(byTally.second(org, t)).toEqual(byObjects.second(org, t));
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('forgets a slot when its second comes round again 300 s later, and ignores events older than the window', () => {
    const stats = new LiveStats({ eventLog: createMemoryEventLog(), nowMs: () => T0 * 1_000 });
    stats.count(event('click', (T0 - 5) * 1_000), T0);
    stats.count(event('click', (T0 - 400) * 1_000), T0);
    stats.count(event('click', (T0 + 295) * 1_000), T0 + 300);
    expect(stats.second(orgA, T0 - 5).clicks).toBe(0);
    expect(stats.second(orgA, T0 + 295).clicks).toBe(1);
    expect(stats.snapshot(orgA, T0).reduce((sum, s) => sum + s.clicks, 0)).toBe(0);
  });

  it('sums to the events counted, whatever their seconds within the window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 299 }), fc.constantFrom('impression', 'click') as fc.Arbitrary<'impression' | 'click'>),
        ),
        (items) => {
          const stats = new LiveStats({ eventLog: createMemoryEventLog(), nowMs: () => T0 * 1_000 });
          for (const [ago, type] of items) stats.count(event(type, (T0 - ago) * 1_000 + 1), T0);
          const seconds = stats.snapshot(orgA, T0);
          expect(seconds.reduce((sum, s) => sum + s.impressions, 0)).toBe(items.filter(([, t]) => t === 'impression').length);
          expect(seconds.reduce((sum, s) => sum + s.clicks, 0)).toBe(items.filter(([, t]) => t === 'click').length);
        },
      ),
    );
  });
});
