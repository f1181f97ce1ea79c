// One autocannon run against one URL, summarised. Latency percentiles are
// computed here from every 2xx response time, because autocannon's own
// histogram truncates to whole milliseconds.
import autocannon, { type Options, type RequestSpec } from 'autocannon';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /**
   * A fixed rate (requests/s over all connections) instead of as fast as possible. autocannon
   * gives each connection a per-second quota that it spends at once, so the load comes in bursts
   * at the start of each second; for latency at an even rate use paced-load.ts.
   */
  overallRate?: number;
}

/** What each request sends (default: GET with no body). */
export interface RequestShape {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The body of the run's n-th request (n from 0, over all connections), built just before it is sent. */
  body?: (n: number) => string;
  /** Sees every response's status and body. */
  onResponse?: (statusCode: number, body: string) => void;
}

export interface Measurement {
  durationSeconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were 2xx. */
  ok: number;
  /** Everything that went wrong: non-2xx responses, socket errors, timeouts. */
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export async function measure(url: string, options: LoadOptions, shape: RequestShape = {}): Promise<Measurement> {
  const latencies: number[] = [];
  const instance = autocannon(autocannonOptions(url, options, shape));
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
  return {
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

function autocannonOptions(url: string, options: LoadOptions, shape: RequestShape): Options {
  const base: Options = { url, connections: options.connections, duration: options.durationSeconds, timeout: 10 };
  if (options.overallRate !== undefined) base.overallRate = options.overallRate;
  if (shape.method === undefined && shape.body === undefined && shape.onResponse === undefined) return base;
  const { body, onResponse } = shape;
  let sent = 0;
  const request: RequestSpec = { method: shape.method ?? 'GET', path: new URL(url).pathname, headers: shape.headers ?? {} };
  if (body) request.setupRequest = (req) => ({ ...req, body: body(sent++) });
  if (onResponse) request.onResponse = (statusCode, responseBody) => onResponse(statusCode, responseBody);
  return { ...base, requests: [request] };
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const hasFailures = (m: Measurement): boolean => m.non2xx > 0 || m.errors > 0 || m.timeouts > 0;
