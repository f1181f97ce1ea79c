import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, type Metric, type MetricValue, Registry } from 'prom-client';

const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

type LatencyLabels = 'le' | 'method' | 'route' | 'status_code';

/** One label set's counts: per bucket (not cumulative), the sum and the count. */
interface Series {
  readonly labels: { method: string; route: string; status_code: number };
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * `adplatform_http_request_duration_seconds`, a histogram by method, route pattern and status code, in
 * the text prom-client's Histogram writes. Recording costs one Map lookup and a few additions: the
 * series is found by a string key built from the three labels, where prom-client's `observe` validates
 * and hashes the label object of every request (a few percent of a decision's CPU).
 */
class RouteLatencyHistogram {
  readonly name = 'adplatform_http_request_duration_seconds';
  readonly help = 'HTTP request latency by route, method and status code';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private series = new Map<string, Series>();

  record(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${statusCode} ${method} ${route}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = {
        labels: { method, route, status_code: statusCode },
        counts: new Float64Array(LATENCY_BUCKETS_SECONDS.length),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    series.sum += seconds;
    series.count += 1;
    for (let i = 0; i < LATENCY_BUCKETS_SECONDS.length; i++) {
      if (seconds <= LATENCY_BUCKETS_SECONDS[i]!) {
        series.counts[i]! += 1;
        break;
      }
    }
  }

  /** What the registry formats: cumulative buckets, `+Inf`, sum and count per series (prom-client's shape). */
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue<LatencyLabels>[]; aggregator: string }> {
    const values: MetricValue<LatencyLabels>[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
        cumulative += counts[i]!;
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${this.name}_bucket` } as MetricValue<LatencyLabels>);
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` } as MetricValue<LatencyLabels>);
      values.push({ labels: { ...labels }, value: sum, metricName: `${this.name}_sum` } as MetricValue<LatencyLabels>);
      values.push({ labels: { ...labels }, value: count, metricName: `${this.name}_count` } as MetricValue<LatencyLabels>);
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  reset(): void {
    this.series = new Map();
  }
}

/**
 * Records a request in the latency histogram of a registry this plugin made, for requests answered
 * outside Fastify's lifecycle (the decisions fast path); undefined for any other registry.
 */
export function routeLatencyRecorder(registry: Registry): RouteLatencyHistogram['record'] | undefined {
  const metric: unknown = registry.getSingleMetric('adplatform_http_request_duration_seconds');
  return metric instanceof RouteLatencyHistogram
    ? (method, route, status, seconds) => metric.record(method, route, status, seconds)
    : undefined;
}

/** The socket's own peer, never X-Forwarded-For: only a process on this machine is local. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Who may read /metrics without an owner's or admin's operator session (ADR 0020): a caller on the
 * loopback interface that did not come through a proxy (a forwarding header says a proxy on this
 * machine relayed someone else), or a bearer of the configured token, compared as sha256 digests in
 * constant time so neither the token's length nor its content leaks through timing.
 */
export function metricsScraperCheck(token: string | undefined): (request: FastifyRequest) => boolean {
  const expected = token === undefined ? undefined : sha256(token);
  return (request) => {
    const { headers } = request;
    if (LOOPBACK.has(request.socket.remoteAddress ?? '') && headers['x-forwarded-for'] === undefined && headers.forwarded === undefined) {
      return true;
    }
    const authorization = headers.authorization;
    if (expected === undefined || !authorization?.startsWith('Bearer ')) return false;
    return timingSafeEqual(sha256(authorization.slice(7).trim()), expected);
  };
}

/**
 * Prometheus metrics: a latency histogram per route (labelled by the route
 * pattern, never the raw URL, so label cardinality stays bounded) and the
 * process metrics. One registry per app instance, so tests can build many.
 * `token` is ADPLATFORM_METRICS_TOKEN; it is never logged.
 */
async function metricsPlugin(app: FastifyInstance, opts: { registry?: Registry; token?: string | undefined }): Promise<void> {
  const registry = opts.registry ?? new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'adplatform_' });
  const latency = new RouteLatencyHistogram();
  registry.registerMetric(latency as unknown as Metric);
  app.decorate('metrics', registry);

  // A callback hook: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    latency.record(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Platform-wide figures across every organization: the platform's operators (owners and admins with
  // the operator flag), a scraper on this machine, or one holding the token. Never rate-limited.
  const access = { roles: ['owner', 'admin'], platformAdmin: true, orIf: metricsScraperCheck(opts.token) } as const;
  app.get('/metrics', { config: { access, rateLimit: false }, schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

export const metrics = fp(metricsPlugin, { name: 'adplatform-metrics' });
