// An open-loop load at a fixed, even rate: request n is due at n / rate seconds after the start,
// whatever happened to the earlier ones. autocannon's `overallRate` is a quota per connection per
// second that each connection spends at once, so its "half load" is full speed for half of every
// second; latency at an even half load needs sends spread over the second, which this does.
import { Agent, request } from 'node:http';
import { type Measurement, percentile, type RequestShape } from './load.js';

export interface PacedOptions {
  ratePerSecond: number;
  durationSeconds: number;
  /** Keep-alive sockets at most; a request due while all are busy waits for one (and that wait counts). */
  connections: number;
}

/** A paced run: the usual measurement, plus how late the client sent (its own timer lag). */
export type PacedMeasurement = Measurement & { sent: number; sendLagP99Ms: number };

const TICK_MS = 1;
const TIMEOUT_MS = 10_000;

/**
 * Sends `ratePerSecond` requests per second, evenly, for `durationSeconds`, and waits for the last
 * answers. Latency runs from the moment a request was handed to the socket pool, so time spent
 * waiting for a free socket counts.
 */
export async function measureAtRate(url: string, options: PacedOptions, shape: RequestShape = {}): Promise<PacedMeasurement> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const lags: number[] = [];
  const statusCodes: Record<string, number> = {};
  const counts = { ok: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const pending = new Set<Promise<void>>();

  const send = (n: number, dueMs: number) => {
    const body = shape.body?.(n);
    const startMs = performance.now();
    lags.push(startMs - dueMs);
    const done = new Promise<void>((resolve) => {
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: shape.method ?? 'GET', headers: shape.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            if (status >= 200 && status < 300) {
              counts.ok++;
              latencies.push(performance.now() - startMs);
            } else counts.non2xx++;
            shape.onResponse?.(status, Buffer.concat(chunks).toString('utf8'));
            resolve();
          });
        },
      );
      let timedOut = false;
      req.setTimeout(TIMEOUT_MS, () => {
        timedOut = true;
        counts.timeouts++;
        req.destroy();
      });
      req.on('error', () => {
        if (!timedOut) counts.errors++;
        resolve();
      });
      req.end(body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  const startMs = performance.now();
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const intervalMs = 1000 / options.ratePerSecond;
  let sent = 0;
  while (sent < total) {
    const elapsedMs = performance.now() - startMs;
    for (; sent < total && sent * intervalMs <= elapsedMs; sent++) send(sent, startMs + sent * intervalMs);
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const lastSendMs = performance.now();
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const durationSeconds = (lastSendMs - startMs) / 1000;
  return {
    durationSeconds,
    requestsPerSecond: (counts.ok + counts.non2xx) / durationSeconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ...counts,
    statusCodes,
    sent,
    sendLagP99Ms: percentile(lags, 0.99),
  };
}
