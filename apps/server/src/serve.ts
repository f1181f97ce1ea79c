import { mkdir } from 'node:fs/promises';
import type { Config } from '@adplatform/config';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { keepBackgroundThreadsLow } from './background-threads.js';
import { ensureOperator } from './bootstrap.js';
import { loadOrCreateSecret } from './delivery/context/secrets.js';
import { prepareDemo, startDemoTraffic } from './demo/demo-mode.js';
import { createDeps } from './deps.js';
import { startBackgroundJobs } from './jobs.js';
import { createAnalyticsConsumer } from './pipeline/analytics-consumer.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Stops accepting, drains in-flight requests, closes the stores. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the server on the configured address; with `handleSignals`, SIGTERM/SIGINT shut it down gracefully.
 * With `demo` (`adplatform serve --demo`), demo data and simulated traffic (apps/server/src/demo); never without it.
 */
export async function serve(config: Config, options: { handleSignals?: boolean; demo?: boolean } = {}): Promise<RunningServer> {
  const log = pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'password', '*.password'],
      censor: '[redacted]',
    },
  });
  log.info(
    { dataDir: config.dataDir, metadata: config.databaseUrl ? 'postgres' : 'pglite' },
    'AdPlatform is starting (a first start initialises the embedded database: a few seconds)',
  );
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const deps = await createDeps(config, { log });
  const app = await buildApp(deps, {
    loggerInstance: log,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    cookieSecure: config.cookieSecure,
    sessionTtlHours: config.sessionTtlHours,
    metricsToken: config.metricsToken,
    allowPrivateOutbound: config.allowPrivateOutbound,
    tracking: {
      secret: config.trackingSecret ?? (await loadOrCreateSecret(config.dataDir, 'tracking.key', 32)),
      ttlMs: config.trackingTtlHours * 3_600_000,
      attributionWindowMs: config.attributionWindowDays * 86_400_000,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    },
    delivery: { dataDir: config.dataDir, userKeySalt: config.userKeySalt, explainSampleRate: config.explainSampleRate },
    // The exchange's outside demand: rates URL, network buffer, sockets, gzip; partners may be private only if the operator allows.
    openrtb: { demand: config.demand, allowPrivateOutbound: config.allowPrivateOutbound, sellerDomain: config.supplyChain.sellerDomain },
    supplyChain: {
      sellerDomain: config.supplyChain.sellerDomain,
      certificationAuthorityId: config.supplyChain.certificationAuthorityId,
      operator: { contactEmail: config.supplyChain.contactEmail, contactAddress: config.supplyChain.contactAddress },
    },
  });
  await ensureOperator({ store: deps.store, clock: deps.clock, dataDir: config.dataDir, admin: config.admin, log: app.log });
  const demo = options.demo ? await prepareDemo(deps, app.log) : undefined;
  const url = await app.listen({ port: config.port, host: config.host });
  app.log.info({ url, metadata: deps.store.kind, dataDir: config.dataDir }, 'AdPlatform is listening');
  const demoTraffic = demo ? startDemoTraffic({ app, seed: demo, config, log: app.log }) : undefined;

  const jobs = startBackgroundJobs(deps, app.log);
  // The pipeline role: events from the log into analytics, at least once in, exactly once in effect (deduplicated by id).
  const analyticsConsumer = deps.analytics
    ? createAnalyticsConsumer({
        eventLog: deps.eventLog,
        store: deps.analytics,
        idleMs: config.analyticsIntervalMs,
        log: app.log,
        metrics: app.metrics,
      })
    : undefined;
  analyticsConsumer?.start();
  // A process of its own (the CLI): every thread but the event loop's runs at a lower priority, so on a busy
  // core DuckDB, libuv's pool and the analytics worker wait for requests rather than the other way round.
  const stopLoweringThreads = options.handleSignals ? keepBackgroundThreadsLow() : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await demoTraffic?.stop(); // its requests go to this server: they end before it closes
      jobs.stop();
      stopLoweringThreads?.();
      await app.close(); // stops accepting, lets in-flight requests finish
      await jobs.idle(); // a running sweep finishes before its store closes
      await analyticsConsumer?.stop(); // its batches in flight are ingested and committed first
      // One last batch: what arrived since its last poll (up to a batch) is in analytics before it closes;
      // anything beyond waits in the log for the next start.
      await analyticsConsumer?.consumeBatch().catch((err: unknown) => app.log.error({ err }, 'last analytics batch failed'));
      await deps.analytics?.close();
      await deps.store.close();
      await deps.eventLog.close();
      await deps.counters.close();
    })();
    return stopping;
  };

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { app, url, stop };
}
