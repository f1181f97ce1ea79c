import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Clock } from '@adplatform/domain';
import type {
  AnalyticsStore,
  BlobStore,
  ChangeBus,
  CounterStore,
  DeliveryEvent,
  EventLog,
  MetadataStore,
  RateLimiter,
} from '@adplatform/ports';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { decisionsRoutes } from './delivery/decisions/decisions.routes.js';
import { installDecisionsFastPath } from './delivery/decisions/decisions-fast-path.js';
import { type Delivery, type DeliveryOptions, startDelivery } from './delivery/delivery.js';
import { servingRoutes } from './delivery/serving/serving.routes.js';
import { eventsIngestRoutes } from './delivery/tracking/events-ingest.routes.js';
import { type LandingUrlLookup, trackingRoutes } from './delivery/tracking/tracking.routes.js';
import { createTrackingSigner } from './delivery/tracking/tracking-signer.js';
import { access } from './http/access.js';
import { type DashboardOptions, dashboardRoutes } from './http/dashboard.js';
import { metrics } from './http/metrics.js';
import { openapi } from './http/openapi.js';
import { sendProblem, toAppError } from './http/problem.js';
import { createRequestLogger } from './http/request-logger.js';
import { createValidatorCompiler } from './http/validation.js';
import { advertisersRoutes } from './modules/advertisers/advertisers.routes.js';
import { AdvertisersService } from './modules/advertisers/advertisers.service.js';
import { apiKeysRoutes } from './modules/api-keys/api-keys.routes.js';
import { ApiKeysService } from './modules/api-keys/api-keys.service.js';
import { assetsRoutes } from './modules/assets/assets.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { AuthService } from './modules/auth/auth.service.js';
import { campaignsRoutes } from './modules/campaigns/campaigns.routes.js';
import { CampaignsService } from './modules/campaigns/campaigns.service.js';
import { creativesRoutes } from './modules/creatives/creatives.routes.js';
import { CreativesService } from './modules/creatives/creatives.service.js';
import { demandPartnersRoutes } from './modules/demand-partners/demand-partners.routes.js';
import { DemandPartnersService } from './modules/demand-partners/demand-partners.service.js';
import { lineItemsRoutes } from './modules/line-items/line-items.routes.js';
import { LineItemsService } from './modules/line-items/line-items.service.js';
import { organizationsRoutes } from './modules/organizations/organizations.routes.js';
import { OrganizationsService } from './modules/organizations/organizations.service.js';
import { placementsRoutes } from './modules/placements/placements.routes.js';
import { PlacementsService } from './modules/placements/placements.service.js';
import { publishersRoutes } from './modules/publishers/publishers.routes.js';
import { PublishersService } from './modules/publishers/publishers.service.js';
import { reportsRoutes } from './modules/reports/reports.routes.js';
import { ReportsService } from './modules/reports/reports.service.js';
import { SegmentMembersService } from './modules/segments/segment-members.service.js';
import { MAX_UPLOAD_BYTES, segmentsRoutes } from './modules/segments/segments.routes.js';
import { SegmentsService } from './modules/segments/segments.service.js';
import { sitesRoutes } from './modules/sites/sites.routes.js';
import { SitesService } from './modules/sites/sites.service.js';
import { LiveStats } from './modules/stats/live-stats.js';
import { liveStatsRoutes } from './modules/stats/live-stats.routes.js';
import { systemRoutes } from './modules/system/system.routes.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { UsersService } from './modules/users/users.service.js';
import { type OpenRtbOptions, registerOpenRtb } from './openrtb/openrtb.js';
import { type SupplyChainOptions, supplyChainRoutes } from './openrtb/supply-chain/supply-chain.routes.js';

export interface AppDeps {
  store: MetadataStore;
  /** Creative assets, by content hash. */
  blobs: BlobStore;
  /** Change events of metadata, for the delivery index. */
  bus: ChangeBus;
  clock: Clock;
  /** Per API key / user / IP request budget. */
  rateLimiter: RateLimiter;
  /** Budget of failed sign-ins per e-mail and per IP. */
  loginThrottle: RateLimiter;
  /** Decisions, impressions, clicks and other delivery events. */
  eventLog: EventLog;
  /** Frequency caps, budget spend and allowance leases (in process, or Redis with REDIS_URL). */
  counters: CounterStore;
  /** Events in columns for reports (DuckDB); absent in tests that do not report. */
  analytics?: AnalyticsStore;
}

export interface TrackingOptions {
  /** Signs tracking URLs; every delivery node needs the same one. Default: random per process (URLs die with it). */
  secret?: string | Uint8Array;
  /** How long a tracking URL counts after its decision. Default 24 h. */
  ttlMs?: number;
  /** How long after its decision a click can be credited with a conversion postback. Default 30 days. */
  attributionWindowMs?: number;
  /** Origin browsers reach this server at; default: each request's own. */
  publicUrl?: string;
  /** A creative's landing URL from the delivery snapshot. Default: none known (every click is 404). */
  landingUrlOf?: LandingUrlLookup;
  /** Each accepted tracking event, after the log accepted it: budget spend, frequency. */
  onTracked?: (event: DeliveryEvent) => void | Promise<void>;
}

export interface AppOptions {
  /** A pino logger; without one the app logs nothing (tests). */
  loggerInstance?: FastifyBaseLogger;
  bodyLimitBytes?: number;
  trustProxy?: boolean;
  cookieSecure?: 'auto' | 'true' | 'false';
  sessionTtlHours?: number;
  /** ADPLATFORM_METRICS_TOKEN: a bearer of it may read /metrics from anywhere (ADR 0020). */
  metricsToken?: string | undefined;
  /** Let outbound targets (demand partner URLs…) be loopback, private or link-local addresses. */
  allowPrivateOutbound?: boolean;
  tracking?: TrackingOptions;
  /** The delivery role: where its secrets live, explain sampling, seeded randomness for tests. */
  delivery?: DeliveryOptions;
  /** OpenRTB exchange and bidder: body limit, currency, outside demand. */
  openrtb?: OpenRtbOptions;
  /** Where the built dashboard is (default apps/dashboard/dist); served at `/`. */
  dashboard?: DashboardOptions;
  /** sellers.json and the ads.txt lines: the platform's seller domain and the operator's contact. */
  supplyChain?: Omit<SupplyChainOptions, 'store' | 'publishers'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The delivery role's parts (catalog, allowances…), for tests and jobs. */
    delivery: Delivery;
  }
}

// Resolved through the package name, so it holds for the sources and for the bundle in apps/cli/dist.
export const VERSION: string = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@adplatform/server/package.json'), 'utf8'),
).version;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
/** Ad requests and tracking hits: one per ad view, so their successes are logged at debug (their failures at info). */
const DELIVERY_ROUTE = /^\/(?:v1\/(?:decisions|ad\b|ad\.js|vast)|t\/)/;

/** pino's standard levels, by name: a line is written when its level's value is at least the logger's. */
const LEVEL_VALUES: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** One line per request; delivery successes only at debug, so the line is not even built at the usual levels. */
function logRequest(request: FastifyRequest, reply: FastifyReply): void {
  const route = request.routeOptions.url ?? '';
  if (QUIET_ROUTES.has(route)) return;
  const status = reply.statusCode;
  const quiet = status < 400 && DELIVERY_ROUTE.test(route);
  // Fastify's null logger (no loggerInstance) has no level, and logs nothing anyway.
  if (!((LEVEL_VALUES[request.log.level] ?? Number.POSITIVE_INFINITY) <= (quiet ? 20 : 30))) return;
  const line = { method: request.method, route, status, ms: Math.round(reply.elapsedTime * 100) / 100 };
  if (quiet) request.log.debug(line, 'request');
  else request.log.info(line, 'request');
}

/** Builds the HTTP application with every route family mounted. Never listens: main.ts does, tests use inject(). */
export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance, childLoggerFactory: createRequestLogger } : { logger: false }),
    // One line per request, written in onResponse below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    // Request ids need uniqueness, not time order: randomUUID costs a tenth of a UUIDv7 (docs/benchmarks.md).
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, toAppError({ statusCode: 404 })));
  // Callback hooks, not async ones: no promise and no microtask per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply);
    done();
  });

  const auth = new AuthService({
    store: deps.store,
    clock: deps.clock,
    loginThrottle: deps.loginThrottle,
    sessionTtlHours: options.sessionTtlHours ?? 12,
  });
  const services = { store: deps.store, clock: deps.clock };
  const resources = { store: deps.store, clock: deps.clock, bus: deps.bus };

  await app.register(cookie);
  await app.register(access, { auth, limiter: deps.rateLimiter });
  await app.register(metrics, { token: options.metricsToken });
  await app.register(openapi, { version: VERSION });

  await app.register(systemRoutes, { store: deps.store, blobs: deps.blobs, analytics: deps.analytics, version: VERSION });
  await app.register(authRoutes, { auth, cookieSecure: options.cookieSecure ?? 'auto' });
  await app.register(usersRoutes, { users: new UsersService(services) });
  const apiKeys = new ApiKeysService(services);
  await app.register(apiKeysRoutes, { apiKeys });
  await app.register(organizationsRoutes, { organizations: new OrganizationsService(services) });
  await app.register(auditRoutes, { store: deps.store });
  await app.register(advertisersRoutes, { advertisers: new AdvertisersService(resources) });
  await app.register(campaignsRoutes, { campaigns: new CampaignsService(resources) });
  await app.register(lineItemsRoutes, { lineItems: new LineItemsService(resources) });
  await app.register(creativesRoutes, { creatives: new CreativesService({ ...resources, blobs: deps.blobs }) });
  await app.register(assetsRoutes, { blobs: deps.blobs });
  await app.register(publishersRoutes, { publishers: new PublishersService(resources) });
  await app.register(supplyChainRoutes, { store: deps.store, publishers: new PublishersService(resources), ...options.supplyChain });
  await app.register(sitesRoutes, { sites: new SitesService(resources) });
  await app.register(placementsRoutes, { placements: new PlacementsService(resources) });
  const segments = new SegmentsService(resources);
  const members = new SegmentMembersService(segments, { maxUploadBytes: MAX_UPLOAD_BYTES });
  await app.register(segmentsRoutes, { segments, members });
  const outbound = { allowPrivateOutbound: options.allowPrivateOutbound ?? false };
  await app.register(demandPartnersRoutes, { demandPartners: new DemandPartnersService(resources, outbound) });
  const tracking = options.tracking ?? {};
  // The decision route signs with the same signer: buildTrackingUrls(origin, trackingSigner.sign(facts)).
  const trackingSigner = createTrackingSigner({
    secret: tracking.secret ?? randomBytes(32),
    ttlMs: tracking.ttlMs ?? 24 * 3_600_000,
    clock: deps.clock,
  });
  await app.register(reportsRoutes, { reports: new ReportsService({ store: deps.store, analytics: deps.analytics }) });
  const delivery = await startDelivery({ ...deps, signer: trackingSigner, log: app.log }, options.delivery ?? {});
  // After the routes: in-flight requests finish before the allowances release their leases and flush spend.
  app.addHook('onClose', () => delivery.close());
  app.decorate('delivery', delivery);
  await app.register(decisionsRoutes, { decisions: delivery.decisions, publicUrl: tracking.publicUrl });
  // The common ad request answered on the raw server, outside Fastify's lifecycle (ADR 0016); not behind a trusted proxy.
  if (!(options.trustProxy ?? false)) installDecisionsFastPath(app, { decisions: delivery.decisions, publicUrl: tracking.publicUrl });
  await app.register(servingRoutes, {
    decisions: delivery.decisions,
    catalog: delivery.catalog,
    signer: trackingSigner,
    publicUrl: tracking.publicUrl,
    version: VERSION,
  });
  const openrtbDeps = { ...deps, delivery, signer: trackingSigner, publicUrl: tracking.publicUrl };
  await registerOpenRtb(app, openrtbDeps, {
    allowPrivateOutbound: options.allowPrivateOutbound,
    trustProxy: options.trustProxy ?? false,
    ...options.openrtb,
  });
  await app.register(trackingRoutes, {
    signer: trackingSigner,
    eventLog: deps.eventLog,
    clock: deps.clock,
    landingUrlOf: tracking.landingUrlOf ?? delivery.landingUrlOf,
    attributionWindowMs: tracking.attributionWindowMs,
    onTracked: async (event) => {
      delivery.onTracked(event);
      await tracking.onTracked?.(event);
    },
  });
  await app.register(eventsIngestRoutes, {
    eventLog: deps.eventLog,
    clock: deps.clock,
    authenticateIngestKey: (key) => apiKeys.authenticateIngestKey(key),
  });
  const nowMs = () => deps.clock.now().getTime();
  const liveStats = new LiveStats({ eventLog: deps.eventLog, nowMs, log: app.log });
  await liveStats.start();
  await app.register(liveStatsRoutes, { stats: liveStats, nowMs });
  await app.register(dashboardRoutes, options.dashboard ?? {});
  await app.ready();
  return app;
}
