import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbAnalytics } from '@adplatform/adapter-duckdb';
import { createLocalEventLog } from '@adplatform/adapter-local-log';
import { systemClock } from '@adplatform/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingEventId } from '../src/delivery/tracking/tracking-events.js';
import { createTrackingSigner, type TrackingFacts } from '../src/delivery/tracking/tracking-signer.js';
import { createAnalyticsConsumer } from '../src/pipeline/analytics-consumer.js';
import { buildCli, CLI_TEST_TIMEOUT_MS, startCli, stopAllCli } from './cli-server.helpers.js';

/**
 * Issue 5's reliability promise: `kill -9` the real server while impressions
 * stream in at full rate, restart it on the same data dir, and every
 * impression it acknowledged (a 204 from `/t/imp`, sent only once the event is
 * fsync'd) is in the event log and, once consumed, in analytics exactly once
 * (the killed server's analytics consumer may have ingested a batch it never
 * committed; the restarted one reads it again and the store's dedupe keeps one).
 */
const ORGANIZATION = randomUUID();
const secret = 'kill-nine-test-tracking-secret-0123456789';
const signer = createTrackingSigner({ secret, ttlMs: 86_400_000, clock: systemClock });
let dataDir = '';

beforeAll(async () => {
  buildCli();
  dataDir = await mkdtemp(path.join(tmpdir(), 'adp-crash-'));
}, CLI_TEST_TIMEOUT_MS);
afterAll(async () => {
  await stopAllCli();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const start = () => startCli({ env: { ADPLATFORM_DATA_DIR: dataDir, ADPLATFORM_TRACKING_SECRET: secret } });

function impression(): { token: string; eventId: string } {
  const facts: TrackingFacts = {
    decisionId: randomUUID(),
    organizationId: ORGANIZATION,
    advertiserId: randomUUID(),
    campaignId: randomUUID(),
    lineItemId: randomUUID(),
    creativeId: randomUUID(),
    publisherId: randomUUID(),
    siteId: randomUUID(),
    placementId: randomUUID(),
    pricingModel: 'cpm',
    priceCpmMicros: 2_000_000,
    costMicros: 2_000,
    decidedAtMs: Date.now(),
  };
  return { token: signer.sign(facts), eventId: trackingEventId(facts.decisionId, 'impression', facts.decidedAtMs) };
}

/** Sends impressions from `producers` concurrent loops until a request fails; answers the ids of those acknowledged. */
async function stream(url: string, producers: number, acknowledged: string[]): Promise<void> {
  await Promise.all(
    Array.from({ length: producers }, async () => {
      for (;;) {
        const { token, eventId } = impression();
        try {
          const response = await fetch(`${url}/t/imp?t=${token}&r=204`);
          if (response.status === 204) acknowledged.push(eventId);
          else throw new Error(`unexpected status ${response.status}`);
        } catch {
          return; // the server is gone
        }
      }
    }),
  );
}

describe('event log durability under kill -9', () => {
  it('keeps every acknowledged impression after the server is killed mid-stream and restarted', {
    timeout: 2 * CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const first = await start();
    const acknowledged: string[] = [];
    const streaming = stream(first.url, 32, acknowledged);
    // Kill once the stream is well under way, at an arbitrary moment of it.
    while (acknowledged.length < 2_000) await new Promise((resolve) => setTimeout(resolve, 20));
    await first.stop('SIGKILL');
    await streaming;
    const ackedAtKill = acknowledged.length;

    // The restarted server recovers the log and takes new events after the old ones.
    const second = await start();
    const after = impression();
    expect((await fetch(`${second.url}/t/imp?t=${after.token}&r=204`)).status).toBe(204);
    await second.stop();

    const log = await createLocalEventLog({ dir: path.join(dataDir, 'events') });
    const logged = new Set<string>();
    let loggedEvents = 0;
    for (let next = 0; ; ) {
      const page = await log.read(next, 10_000);
      if (page.events.length === 0) break;
      for (const event of page.events) logged.add(event.id);
      loggedEvents += page.events.length;
      next = page.next;
    }
    const missing = acknowledged.filter((id) => !logged.has(id));
    expect(ackedAtKill).toBeGreaterThanOrEqual(2_000);
    expect(missing).toEqual([]);
    expect(logged.has(after.eventId)).toBe(true);

    // Analytics: the servers' consumer resumes from its committed offset (finishing what the second server
    // had not consumed yet), then every logged impression is counted once, and a replay of the whole log adds none.
    const analytics = await createDuckDbAnalytics({ path: path.join(dataDir, 'analytics.duckdb') });
    try {
      await createAnalyticsConsumer({ eventLog: log, store: analytics }).drain();
      const day = new Date().toISOString().slice(0, 10);
      const dayBefore = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const report = await analytics.report({
        organizationId: ORGANIZATION,
        dimensions: ['day'],
        metrics: ['impressions'],
        from: dayBefore,
        to: day,
        timeZone: 'UTC',
      });
      expect(Number(report.totals.impressions)).toBe(logged.size);
      const replay = await createAnalyticsConsumer({ eventLog: log, store: analytics, consumer: 'verify-replay' }).drain();
      expect(replay).toMatchObject({ events: loggedEvents, inserted: 0, duplicates: loggedEvents });
    } finally {
      await analytics.close();
      await log.close();
    }
  });
});
