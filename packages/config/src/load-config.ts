import path from 'node:path';
import Value from 'typebox/value';
import { type ConfigEnvName, ConfigSchema } from './schema.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  natsUrl: string | undefined;
  clickhouseUrl: string | undefined;
  s3Url: string | undefined;
  admin: { email: string | undefined; password: string | undefined };
  sessionTtlHours: number;
  cookieSecure: 'auto' | 'true' | 'false';
  trustProxy: boolean;
  /** Bearer token for `/metrics` from other machines; undefined: loopback and platform operators only (ADR 0020). Never log it. */
  metricsToken: string | undefined;
  bodyLimitBytes: number;
  rateLimit: { perSecond: number; burst: number };
  shutdownTimeoutMs: number;
  allowPrivateOutbound: boolean;
  /** Origin for tracking and click URLs; undefined: each request's own. */
  publicUrl: string | undefined;
  /** Undefined: generated and kept under the data dir. */
  trackingSecret: string | undefined;
  trackingTtlHours: number;
  attributionWindowDays: number;
  explainSampleRate: number;
  /** The analytics consumer's wait after catching up, ms (ADPLATFORM_ANALYTICS_INTERVAL_MS). */
  analyticsIntervalMs: number;
  /** The embedded analytics store's memory limit, MiB (ADPLATFORM_ANALYTICS_MEMORY_MB); undefined: DuckDB's default. */
  analyticsMemoryMb: number | undefined;
  /** Retention of the embedded event log: segments older than this are deleted, and past `maxBytes` (if set) the oldest. */
  eventsRetention: { maxAgeHours: number; maxBytes: number | undefined };
  /** Undefined: generated and kept under the data dir. */
  userKeySalt: string | undefined;
  /** sellers.json, ads.txt and schain (apps/server/src/openrtb/supply-chain). */
  supplyChain: {
    sellerDomain: string | undefined;
    contactEmail: string | undefined;
    contactAddress: string | undefined;
    certificationAuthorityId: string | undefined;
  };
  /** The exchange's outside demand (apps/server/src/openrtb/demand). */
  demand: {
    ratesUrl: string | undefined;
    ratesRefreshMinutes: number;
    networkBufferMs: number;
    minResponseMs: number;
    maxSocketsPerPartner: number;
    requestGzip: boolean;
  };
  /** `serve --demo` only: the traffic simulator's page views per second (0: none). */
  demo: { requestsPerSecond: number };
}

/** Variables whose value an error message must not repeat: it ends up in logs and terminals. */
const SECRETS = new Set([
  'ADPLATFORM_ADMIN_PASSWORD',
  'ADPLATFORM_TRACKING_SECRET',
  'ADPLATFORM_USER_KEY_SALT',
  'ADPLATFORM_METRICS_TOKEN',
]);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

/**
 * Reads the configuration from an environment map (only this package reads
 * `process.env`). Every problem is reported at once, each naming its variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const names = Object.keys(ConfigSchema.properties) as ConfigEnvName[];
  const raw: Record<string, unknown> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw)) as Record<string, unknown>;
  const problems: { variable: string; message: string }[] = [];
  for (const error of Value.Errors(ConfigSchema, converted)) {
    const variable = error.instancePath.replace(/^\//, '') || 'environment';
    if (problems.some((p) => p.variable === variable)) continue; // one message per variable
    problems.push({ variable, message: describe(error, SECRETS.has(variable) ? undefined : converted[variable]) });
  }
  if (Boolean(raw.ADPLATFORM_ADMIN_PASSWORD) !== Boolean(raw.ADPLATFORM_ADMIN_EMAIL) && raw.ADPLATFORM_ADMIN_PASSWORD) {
    problems.push({ variable: 'ADPLATFORM_ADMIN_EMAIL', message: 'must be set when ADPLATFORM_ADMIN_PASSWORD is set' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const c = converted as Record<ConfigEnvName, never>;
  return {
    port: c.ADPLATFORM_PORT,
    host: c.ADPLATFORM_HOST,
    dataDir: path.resolve(c.ADPLATFORM_DATA_DIR),
    logLevel: c.ADPLATFORM_LOG_LEVEL,
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    natsUrl: c.NATS_URL,
    clickhouseUrl: c.CLICKHOUSE_URL,
    s3Url: c.S3_URL,
    admin: { email: c.ADPLATFORM_ADMIN_EMAIL, password: c.ADPLATFORM_ADMIN_PASSWORD },
    sessionTtlHours: c.ADPLATFORM_SESSION_TTL_HOURS,
    cookieSecure: c.ADPLATFORM_COOKIE_SECURE,
    trustProxy: c.ADPLATFORM_TRUST_PROXY,
    metricsToken: c.ADPLATFORM_METRICS_TOKEN,
    bodyLimitBytes: c.ADPLATFORM_BODY_LIMIT_BYTES,
    rateLimit: { perSecond: c.ADPLATFORM_RATE_LIMIT_PER_SECOND, burst: c.ADPLATFORM_RATE_LIMIT_BURST },
    shutdownTimeoutMs: c.ADPLATFORM_SHUTDOWN_TIMEOUT_MS,
    allowPrivateOutbound: c.ADPLATFORM_ALLOW_PRIVATE_OUTBOUND,
    publicUrl: c.ADPLATFORM_PUBLIC_URL,
    trackingSecret: c.ADPLATFORM_TRACKING_SECRET,
    trackingTtlHours: c.ADPLATFORM_TRACKING_TTL_HOURS,
    attributionWindowDays: c.ADPLATFORM_ATTRIBUTION_WINDOW_DAYS,
    explainSampleRate: c.ADPLATFORM_EXPLAIN_SAMPLE_RATE,
    analyticsIntervalMs: c.ADPLATFORM_ANALYTICS_INTERVAL_MS,
    analyticsMemoryMb: c.ADPLATFORM_ANALYTICS_MEMORY_MB,
    eventsRetention: { maxAgeHours: c.ADPLATFORM_EVENTS_RETENTION_HOURS, maxBytes: c.ADPLATFORM_EVENTS_RETENTION_BYTES },
    userKeySalt: c.ADPLATFORM_USER_KEY_SALT,
    supplyChain: {
      sellerDomain: c.ADPLATFORM_SELLER_DOMAIN,
      contactEmail: c.ADPLATFORM_SELLERS_CONTACT_EMAIL,
      contactAddress: c.ADPLATFORM_SELLERS_CONTACT_ADDRESS,
      certificationAuthorityId: c.ADPLATFORM_ADS_TXT_CERT_AUTHORITY_ID,
    },
    demand: {
      ratesUrl: c.ADPLATFORM_CURRENCY_RATES_URL,
      ratesRefreshMinutes: c.ADPLATFORM_CURRENCY_REFRESH_MINUTES,
      networkBufferMs: c.ADPLATFORM_DEMAND_NETWORK_BUFFER_MS,
      minResponseMs: c.ADPLATFORM_DEMAND_MIN_RESPONSE_MS,
      maxSocketsPerPartner: c.ADPLATFORM_DEMAND_MAX_SOCKETS_PER_PARTNER,
      requestGzip: c.ADPLATFORM_DEMAND_REQUEST_GZIP,
    },
    demo: { requestsPerSecond: c.ADPLATFORM_DEMO_REQUESTS_PER_SECOND },
  };
}

function describe(error: { keyword: string; message: string; params: Record<string, unknown> }, value: unknown): string {
  let message = error.message;
  const pattern = String(error.params.pattern ?? '');
  if (error.keyword === 'pattern' && pattern.includes('://')) {
    const schemes = /\^\(([^)]*)\)/.exec(pattern)?.[1]?.split('|') ?? [];
    message = `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(error.params.allowedValues as unknown[] | undefined)?.join(', ') ?? 'the documented values'}`;
  }
  return value === undefined ? message : `${message} (got ${JSON.stringify(value)})`;
}
