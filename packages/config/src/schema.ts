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
  REDIS_URL: url(
    'Redis for the delivery counters (frequency caps, budget spend and leases) when scaled out; without it they live in process.',
    ['redis', 'rediss'],
  ),
  NATS_URL: url(
    'NATS JetStream for the event log when scaled out: events go to the stream ADPLATFORM_EVENTS (deduplicated by event id within 2 minutes), consumer offsets to the KV bucket ADPLATFORM_EVENTS_OFFSETS; both are created when missing. Unset: the embedded log.',
    ['nats', 'tls'],
  ),
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
  ADPLATFORM_METRICS_TOKEN: Type.Optional(
    Type.String({
      minLength: 32,
      maxLength: 1024,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Bearer token that lets a scraper (Prometheus: `authorization: { credentials: … }`) read `/metrics` from another machine: send `Authorization: Bearer <token>`. At least 32 visible ASCII characters, e.g. `openssl rand -base64 32`. Without it, `/metrics` answers only callers on the loopback interface and signed-in owners and admins who operate the platform (ADR 0020).',
    }),
  ),
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
  ADPLATFORM_PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/]+$',
      description:
        'Origin that browsers reach this server at (`https://ads.example.com`, no path), used in tracking and click URLs. Without it, each request’s own host and scheme are used.',
    }),
  ),
  ADPLATFORM_TRACKING_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      maxLength: 1024,
      description:
        'Key that signs tracking and click URLs (HMAC-SHA256). Every delivery node of a cluster needs the same one. Without it, one is generated on first start and kept in `<data dir>/secrets/tracking.key` (mode 0600).',
    }),
  ),
  ADPLATFORM_TRACKING_TTL_HOURS: Type.Integer({
    minimum: 1,
    maximum: 720,
    default: 24,
    description: 'How long a signed impression or click URL stays valid after its decision.',
  }),
  ADPLATFORM_ATTRIBUTION_WINDOW_DAYS: Type.Integer({
    minimum: 1,
    maximum: 365,
    default: 30,
    description: 'How long after an ad was served a conversion postback (`/t/conv`) can still credit its click.',
  }),
  ADPLATFORM_EXPLAIN_SAMPLE_RATE: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.001,
    description: 'Share of live decisions whose full explanation (why each line item won or lost) is written to the event log.',
  }),
  ADPLATFORM_ANALYTICS_INTERVAL_MS: Type.Integer({
    minimum: 100,
    maximum: 600000,
    default: 5000,
    description:
      'How long the analytics consumer waits, once it has caught up, before it moves the events that arrived since into analytics (reports are at most about this far behind; live stats read the event log and are not). Each move costs a DuckDB transaction with its rollups, whatever its size: a shorter wait costs more CPU at the same traffic.',
  }),
  ADPLATFORM_ANALYTICS_MEMORY_MB: Type.Optional(
    Type.Integer({
      minimum: 64,
      maximum: 1048576,
      description:
        "Most memory the embedded analytics store (DuckDB) may use, MiB; past it DuckDB spills to disk or, for what cannot spill, fails the statement. Without it, DuckDB's own default applies: 80% of the machine's RAM. Draining a backlog of events at full speed used ~1.2 GB of the process's memory under the default and ~0.6 GB at 256 at the same rate (docs/benchmarks.md).",
    }),
  ),
  ADPLATFORM_EVENTS_RETENTION_HOURS: Type.Integer({
    minimum: 1,
    maximum: 87600,
    default: 720,
    description:
      'How long the embedded event log (`<data dir>/events`) keeps a segment after its last write; older segments are deleted whole. A consumer further behind resumes at the oldest kept event.',
  }),
  ADPLATFORM_EVENTS_RETENTION_BYTES: Type.Optional(
    Type.Integer({
      minimum: 134217728,
      description:
        'Most bytes the embedded event log keeps on disk (at least 128 MiB); past it the oldest 64 MiB segments are deleted whole. Without it, only the age bound applies.',
    }),
  ),
  ADPLATFORM_USER_KEY_SALT: Type.Optional(
    Type.String({
      minLength: 16,
      maxLength: 1024,
      description:
        'Salt for the fallback user key (a hash of IP and user agent, used for caps only where consent allows). Without it, one is generated and kept in `<data dir>/secrets/user-key.salt`.',
    }),
  ),
  ADPLATFORM_DEMO_REQUESTS_PER_SECOND: Type.Number({
    minimum: 0,
    maximum: 200,
    default: 5,
    description:
      'With `adplatform serve --demo` (`npm run demo`): page views per second the built-in traffic simulator sends to this server, each asking for three ads (0: the demo data without simulated traffic). Ignored without `--demo`.',
  }),
  ADPLATFORM_SELLER_DOMAIN: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$',
      description:
        'The platform’s advertising-system domain (`ads.example.com`, lower case, no scheme): the `asi` of the node it appends to `source.schain`, and the first field of the ads.txt lines it suggests to publishers. Without it, the host of each request is used for ads.txt and the exchange has no schain node to add.',
    }),
  ),
  ADPLATFORM_SELLERS_CONTACT_EMAIL: Type.Optional(
    Type.String({ format: 'email', description: 'The operator’s `contact_email` in `/sellers.json`.' }),
  ),
  ADPLATFORM_SELLERS_CONTACT_ADDRESS: Type.Optional(
    Type.String({ minLength: 1, maxLength: 500, description: 'The operator’s `contact_address` (postal) in `/sellers.json`.' }),
  ),
  ADPLATFORM_ADS_TXT_CERT_AUTHORITY_ID: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9]{1,64}$',
      description: 'The platform’s certification authority id (e.g. its TAG-ID), the optional fourth field of the ads.txt lines.',
    }),
  ),
  ADPLATFORM_CURRENCY_RATES_URL: url(
    'Where the exchange reads currency rates (JSON `{ "dataAsOf": "…", "conversions": { "USD": { "EUR": 0.96, … } } }`, the shape of Prebid’s currency file). Without it, a static table shipped in the code (indicative rates of early January 2025) converts bids.',
    ['http', 'https'],
  ),
  ADPLATFORM_CURRENCY_REFRESH_MINUTES: Type.Integer({
    minimum: 1,
    maximum: 10080,
    default: 60,
    description: 'How often the rates at ADPLATFORM_CURRENCY_RATES_URL are read again; a failed read keeps the previous table.',
  }),
  ADPLATFORM_DEMAND_NETWORK_BUFFER_MS: Type.Integer({
    minimum: 0,
    maximum: 1000,
    default: 15,
    description:
      'Taken off the tmax each demand partner is told, for its answer to travel back (Prebid Server’s `bidder_network_latency_buffer_ms`).',
  }),
  ADPLATFORM_DEMAND_MIN_RESPONSE_MS: Type.Integer({
    minimum: 1,
    maximum: 5000,
    default: 50,
    description:
      'A demand partner is not called when less tmax than this is left for it (Prebid Server’s `bidder_response_duration_min_ms`); it is recorded as a non-bid.',
  }),
  ADPLATFORM_DEMAND_MAX_SOCKETS_PER_PARTNER: Type.Integer({
    minimum: 1,
    maximum: 10000,
    default: 64,
    description: 'Keep-alive sockets open at once to one demand partner origin; further bid requests wait for one (within their deadline).',
  }),
  ADPLATFORM_DEMAND_REQUEST_GZIP: Type.Boolean({
    default: true,
    description:
      'Send bid requests of 1 KiB or more gzip-compressed (`Content-Encoding: gzip`); smaller ones go plain. A partner that answers 415 gets plain JSON for the next hour. Responses are always accepted gzipped.',
  }),
  ADPLATFORM_SHUTDOWN_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 600000,
    default: 10000,
    description: 'On SIGTERM/SIGINT, how long in-flight requests may take before the process exits anyway.',
  }),
});

export type ConfigEnvName = keyof (typeof ConfigSchema)['properties'];
