import path from 'node:path';
import { createFsBlobStore } from '@adplatform/adapter-blobs-fs';
import { createS3BlobStore, parseS3Url, type S3BlobStoreOptions } from '@adplatform/adapter-blobs-s3';
import { createDuckDbAnalyticsWorker, type DuckDbAnalyticsWorkerOptions } from '@adplatform/adapter-duckdb';
import { createLocalEventLog, localLogRangeDecoder } from '@adplatform/adapter-local-log';
import { createMemoryChangeBus, createMemoryCounterStore, createMemoryRateLimiter } from '@adplatform/adapter-memory';
import { createNatsEventLog } from '@adplatform/adapter-nats';
import { createRedisCounterStore } from '@adplatform/adapter-redis';
import { createMetadataStore } from '@adplatform/adapter-sql';
import { type Config, ConfigError } from '@adplatform/config';
import { systemClock } from '@adplatform/domain';
import type { BlobStore } from '@adplatform/ports';
import type { AppDeps } from './app.js';

/**
 * The composition root: the ONLY place that picks embedded or scaled adapters,
 * from configuration alone.
 */
export async function createDeps(config: Config, options: { log?: { error(obj: object, msg: string): void } } = {}): Promise<AppDeps> {
  const clock = systemClock;
  // Before the database: a malformed S3_URL should stop the start at once, as a config error.
  const blobs = await createBlobStore(config);
  const store = await createMetadataStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return {
    store,
    blobs,
    bus: createMemoryChangeBus(),
    clock,
    rateLimiter: createMemoryRateLimiter({ ...config.rateLimit, clock }),
    // Five failed sign-ins per e-mail or IP, then one more per minute.
    loginThrottle: createMemoryRateLimiter({ perSecond: 1 / 60, burst: 5, clock }),
    // One JetStream stream shared by every server when NATS_URL is set; otherwise segment files under the data dir.
    eventLog: config.natsUrl ? await createNatsEventLog({ url: config.natsUrl }) : await createLocalEventLogOf(config),
    // Shared by every delivery process through Redis when REDIS_URL is set; in this process otherwise.
    counters: config.redisUrl ? createRedisCounterStore({ url: config.redisUrl }) : createMemoryCounterStore(),
    // Embedded DuckDB under the data dir, fed from the event log by the analytics consumer (serve.ts). It runs in a
    // worker thread: ingest's synchronous work (a batch's columns, the appender) never holds the event loop.
    analytics: await createDuckDbAnalyticsWorker({
      ...analyticsStoreOptions(config),
      onBackgroundError: (err) => options.log?.error({ err }, 'analytics background rollup rebuild failed'),
    }),
  };
}

/**
 * The embedded analytics store's options from the configuration: its file under the data dir, its memory limit, and,
 * over the local log, the decoder of the log's ranges, so the consumer hands the worker bytes (ADR 0025).
 */
export function analyticsStoreOptions(config: Config): DuckDbAnalyticsWorkerOptions {
  return {
    path: path.join(config.dataDir, 'analytics.duckdb'),
    // On a busy core the event loop comes first: the worker's thread (a batch's columns, the appender) yields to it.
    niceness: 10,
    decoders: config.natsUrl ? [] : [localLogRangeDecoder()],
    ...(config.analyticsMemoryMb === undefined ? {} : { memoryLimit: `${config.analyticsMemoryMb}MB` }),
  };
}

/** The durable embedded event log in `<data dir>/events`, with the configured retention. */
function createLocalEventLogOf(config: Config) {
  const { maxAgeHours, maxBytes } = config.eventsRetention;
  return createLocalEventLog({
    dir: path.join(config.dataDir, 'events'),
    // An append waits up to 2 ms for others to share its write and fsync. Decisions never wait for their
    // append; without the wait, requests arriving one by one (an even half load) cost a write and an fsync
    // each, which take the server's core from the event loop (ADR 0022). Awaited appends (tracking, ingest)
    // answer up to 2 ms later.
    groupCommitMs: 2,
    // Appends nobody awaits (a decision's request events, the auction log) wait up to 20 ms instead, so a steady
    // stream of decisions costs ~50 fsyncs a second rather than ~500; an awaited append takes them along sooner.
    // A crash can lose at most that window of them, which no caller was ever told were stored (ADR 0022).
    backgroundCommitMs: 20,
    retention: { maxAgeMs: maxAgeHours * 3_600_000, ...(maxBytes === undefined ? {} : { maxBytes }) },
  });
}

/** An S3-compatible bucket when S3_URL is set, files under the data dir otherwise. */
async function createBlobStore(config: Config): Promise<BlobStore> {
  if (!config.s3Url) return createFsBlobStore({ dir: path.join(config.dataDir, 'blobs') });
  let options: S3BlobStoreOptions;
  try {
    options = parseS3Url(config.s3Url);
  } catch (error) {
    // parseS3Url's messages start with the variable's name and never hold the secret.
    const message = error instanceof Error ? error.message.replace(/^S3_URL /, '') : String(error);
    throw new ConfigError([{ variable: 'S3_URL', message }]);
  }
  return createS3BlobStore(options);
}
