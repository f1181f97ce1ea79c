import Type from 'typebox';

const url = (description: string, schemes: string[]) =>
  Type.Optional(
    Type.String({
      description,
      pattern: `^(${schemes.join('|')})://.+`,
      examples: [`${schemes[0]}://127.0.0.1`],
    }),
  );

/**
 * The whole configuration, one environment variable per property. This schema
 * is the single source: validation at start, `docs/config.md` and the typed
 * `Config` object are all derived from it.
 */
export const ConfigSchema = Type.Object({
  ADPLATFORM_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 8080,
    description: 'TCP port the server listens on (0 picks a free one).',
  }),
  ADPLATFORM_HOST: Type.String({
    minLength: 1,
    default: '127.0.0.1',
    description: 'Interface to bind. Use 0.0.0.0 to accept outside connections.',
  }),
  ADPLATFORM_DATA_DIR: Type.String({
    minLength: 1,
    default: './data',
    description: 'Where the embedded stores keep their files (PGlite in `pg/`, the initial admin file, later events and analytics).',
  }),
  ADPLATFORM_LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    description: 'pino log level.',
  }),
  DATABASE_URL: url('PostgreSQL connection string. When set, metadata lives in PostgreSQL instead of the embedded PGlite.', [
    'postgres',
    'postgresql',
  ]),
  REDIS_URL: url('Redis for counters and rate limits when scaled out (reserved: not used yet).', ['redis', 'rediss']),
  NATS_URL: url('NATS JetStream for the event log when scaled out (reserved: not used yet).', ['nats', 'tls']),
  CLICKHOUSE_URL: url('ClickHouse for analytics when scaled out (reserved: not used yet).', ['http', 'https']),
  S3_URL: url(
    'S3-compatible store for creative assets, instead of files under the data dir: `s3://ACCESS_KEY:SECRET@host:port/bucket[/prefix]?region=…` (https; add `tls=false` for http) or `https://ACCESS_KEY:SECRET@host:port/bucket…`. Percent-encode `/`, `+`, `:` and `@` in the credentials. Path-style addressing unless `forcePathStyle=false`; the region defaults to us-east-1.',
    ['s3', 'http', 'https'],
  ),
  ADPLATFORM_ADMIN_EMAIL: Type.Optional(
    Type.String({
      format: 'email',
      description: 'E-mail of the operator created on first start. Without it, `admin@adplatform.local` is used.',
    }),
  ),
  ADPLATFORM_ADMIN_PASSWORD: Type.Optional(
    Type.String({
      minLength: 12,
      maxLength: 1024,
      description:
        'Password of the operator created on first start. Without it, one is generated and written to `<data dir>/initial-admin.json` (mode 0600).',
    }),
  ),
  ADPLATFORM_SESSION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 12, description: 'How long a dashboard session lasts.' }),
  ADPLATFORM_COOKIE_SECURE: Type.Enum(['auto', 'true', 'false'], {
    default: 'auto',
    description: 'Mark the session cookie `Secure`: `auto` does so when the request arrived over HTTPS.',
  }),
  ADPLATFORM_TRUST_PROXY: Type.Boolean({
    default: false,
    description: 'Trust `X-Forwarded-*` headers (set behind a load balancer) for client IPs and HTTPS detection.',
  }),
  ADPLATFORM_BODY_LIMIT_BYTES: Type.Integer({
    minimum: 1024,
    maximum: 104857600,
    default: 1048576,
    description: 'Largest request body accepted by the management API; larger ones get 413.',
  }),
  ADPLATFORM_RATE_LIMIT_PER_SECOND: Type.Number({
    exclusiveMinimum: 0,
    default: 50,
    description: 'Token-bucket refill rate per API key, user and client IP.',
  }),
  ADPLATFORM_RATE_LIMIT_BURST: Type.Integer({ minimum: 1, default: 200, description: 'Token-bucket size: requests allowed in a burst.' }),
  ADPLATFORM_ALLOW_PRIVATE_OUTBOUND: Type.Boolean({
    default: false,
    description:
      'Allow outbound calls (demand partners, creative URLs) to loopback, private and link-local addresses. Off by default against SSRF; turn on for tests and private networks.',
  }),
  ADPLATFORM_SHUTDOWN_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 600000,
    default: 10000,
    description: 'On SIGTERM/SIGINT, how long in-flight requests may take before the process exits anyway.',
  }),
});

export type ConfigEnvName = keyof (typeof ConfigSchema)['properties'];
