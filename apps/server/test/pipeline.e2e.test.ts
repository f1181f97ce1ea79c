import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbAnalytics } from '@adplatform/adapter-duckdb';
import { loadConfig } from '@adplatform/config';
import { systemClock } from '@adplatform/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { createTrackingSigner } from '../src/delivery/tracking/tracking-signer.js';
import { serve } from '../src/serve.js';

const SECRET = 'pipeline-test-tracking-secret-0123456789';

/**
 * The embedded defaults end to end: a tracked impression is appended to the
 * durable local log, the analytics consumer moves it into DuckDB, and it is
 * there (once) in the file after the server stops.
 */
describe('event pipeline on the embedded defaults', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('counts a tracked impression in analytics exactly once, replay included', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-pipeline-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      ADPLATFORM_DATA_DIR: dataDir,
      ADPLATFORM_PORT: '0',
      ADPLATFORM_LOG_LEVEL: 'silent',
      ADPLATFORM_TRACKING_SECRET: SECRET,
    });
    const running = await serve(config);
    const signer = createTrackingSigner({ secret: SECRET, ttlMs: 3_600_000, clock: systemClock });
    const facts = {
      decisionId: randomUUID(),
      organizationId: randomUUID(),
      advertiserId: randomUUID(),
      campaignId: randomUUID(),
      lineItemId: randomUUID(),
      creativeId: randomUUID(),
      publisherId: randomUUID(),
      siteId: randomUUID(),
      placementId: randomUUID(),
      pricingModel: 'cpm' as const,
      priceCpmMicros: 2_500_000,
      costMicros: 2_500,
      decidedAtMs: Date.now(),
    };
    const url = `${running.url}/t/imp?t=${signer.sign(facts)}`;
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url)).status).toBe(200); // a replay: answered, not counted
    const ready = (await (await fetch(`${running.url}/readyz`)).json()) as { checks: Record<string, unknown> };
    expect(ready.checks.analytics).toMatchObject({ status: 'ok', kind: 'duckdb' });
    // The consumer's lag on /metrics (measured on scrape) falls back to 0 once its poll took the impression.
    const lag = async () =>
      /^adplatform_events_consumer_lag\{consumer="analytics"\} (\d+)$/m.exec(await (await fetch(`${running.url}/metrics`)).text())?.[1];
    await expect.poll(lag, { timeout: 15_000, interval: 200 }).toBe('0');
    // No waiting for the consumer's poll: stopping the server ingests what arrived since its last batch.
    await running.stop();

    const analytics = await createDuckDbAnalytics({ path: path.join(dataDir, 'analytics.duckdb') });
    cleanups.push(() => analytics.close());
    const today = new Date().toISOString().slice(0, 10);
    const report = await analytics.report({
      organizationId: facts.organizationId,
      dimensions: ['campaign'],
      metrics: ['impressions', 'spend'],
      from: today,
      to: today,
      timeZone: 'UTC',
    });
    expect(report.rows).toEqual([{ campaign: facts.campaignId, impressions: 1, spend: '2500' }]);
  }, 60_000);
});
