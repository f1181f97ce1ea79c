import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from '@adplatform/config';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';
import { INITIAL_ADMIN_FILE } from '../bootstrap.js';
import { DEMO_PREFIX } from './demo-plan.js';
import { type DemoSeed, findOperator, seedDemo } from './seed.js';
import { startTraffic, type TrafficSimulator } from './traffic.js';

/**
 * `adplatform serve --demo`: the demo data before the server listens, the
 * simulated traffic once it does. serve.ts calls these only with the flag.
 */
export async function prepareDemo(deps: AppDeps, log: FastifyBaseLogger): Promise<DemoSeed> {
  const started = performance.now();
  const seed = await seedDemo(deps);
  const created = Object.values(seed.created).reduce((sum, n) => sum + n, 0);
  log.info(
    { created: seed.created, ms: Math.round(performance.now() - started) },
    created ? 'demo data created' : 'demo data already there',
  );
  await warnAboutOtherAdvertisers(deps, log);
  return seed;
}

/** Starts the simulator against this server's own address (loopback when it listens on every interface). */
export function startDemoTraffic(options: {
  app: FastifyInstance;
  seed: DemoSeed;
  config: Config;
  log: FastifyBaseLogger;
}): TrafficSimulator | undefined {
  const { app, seed, config, log } = options;
  const credentials = config.admin.password
    ? `${config.admin.email} with ADPLATFORM_ADMIN_PASSWORD`
    : `the e-mail and password in ${path.join(config.dataDir, INITIAL_ADMIN_FILE)}`;
  const url = `http://${displayHost(config.host)}:${(app.server.address() as AddressInfo).port}`;
  const rate = config.demo.requestsPerSecond;
  log.info(
    { url, requestsPerSecond: rate },
    `demo mode: open ${url} and sign in with ${credentials}; the demo advertisers, campaigns, publisher and site are named "${DEMO_PREFIX.trim()} …"` +
      (rate > 0
        ? `, and simulated visitors load ${rate} pages a second`
        : ' (no simulated traffic: ADPLATFORM_DEMO_REQUESTS_PER_SECOND=0)'),
  );
  if (rate <= 0) return undefined;
  return startTraffic({ baseUrl: loopbackUrl(app), placements: seed.placements, requestsPerSecond: rate, log });
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function loopbackUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Simulated traffic reaches every line item that may serve on the demo placements, not only the demo's. */
async function warnAboutOtherAdvertisers(deps: AppDeps, log: FastifyBaseLogger): Promise<void> {
  const operator = await findOperator(deps.store);
  if (!operator) return;
  const page = await deps.store.resources.advertiser.list(operator.organizationId, { status: ['active'] }, { limit: 100 });
  const others = page.items.filter((advertiser) => !advertiser.name.startsWith(DEMO_PREFIX));
  if (others.length > 0) {
    log.warn(
      { advertisers: others.slice(0, 5).map((a) => a.name) },
      'demo mode: this organization has advertisers that are not demo data; simulated traffic can serve (and spend) their line items too. Use a fresh ADPLATFORM_DATA_DIR for the demo.',
    );
  }
}
