// An open-loop load at a fixed, even rate: request n is due at n / rate seconds after the start,
// whatever happened to the earlier ones. autocannon's `overallRate` is a quota per connection per
// second that each connection spends at once, so its "half load" is full speed for half of every
// second; latency at an even half load needs sends spread over the second, which this does.
//
// The client is built to stay out of its own measurement: HTTP/1.1 written straight to keep-alive
// sockets (no node:http agent, no per-request closures, promises or header objects), one request in
// flight per socket, timings in preallocated Float64Arrays, and a scheduler that yields to I/O with
// setImmediate rather than sleeping on 1 ms timers. Latency is counted from the moment a request was
// due, not from when it was written (coordinated-omission-correct: a client or socket that falls
// behind makes the figure worse, never better); the client's own lateness is reported beside it.
import { connect, type Socket } from 'node:net';
import { type Measurement, percentile, type RequestShape } from './load.js';

export interface PacedOptions {
  ratePerSecond: number;
  durationSeconds: number;
  /** Keep-alive sockets; a request due while all are busy waits for one (and that wait counts). */
  connections: number;
  /**
   * Between sends: `sleep` on a timer (1 ms granularity: sends leave in small bursts, up to ~1 ms late) or
   * `spin` (the default: yield to I/O with setImmediate; on time, but one busy core).
   */
  idle?: 'spin' | 'sleep';
}

/**
 * A paced run: the usual measurement, with p50/p99 counted from each request's due time, plus
 * `serviceP99Ms` (from the write of the request to its answer) and how late the client itself was:
 * `sendLagP99Ms` from due time to the write (its scheduler and any wait for a free socket).
 */
export type PacedMeasurement = Measurement & { sent: number; sendLagP99Ms: number; serviceP50Ms: number; serviceP99Ms: number };

const TIMEOUT_MS = 10_000;
/** Sleep on a timer only when the next request is due further away than this; otherwise yield with setImmediate. */
/** Sleep on a timer only when the next request is due further away than this; otherwise yield with setImmediate. */
const SLEEP_ABOVE_MS = 2;
const CRLF2 = Buffer.from('\r\n\r\n');

interface Connection {
  socket: Socket;
  /** The request on it: its number, or -1 when the socket is free. */
  request: number;
  /** Bytes of the current answer received so far (usually one chunk). */
  chunks: Buffer[];
  received: number;
}

/** A parsed response head: status, header length (including the blank line) and content length; undefined while incomplete. */
function parseHead(data: Buffer): { status: number; headLength: number; contentLength: number } | undefined {
  const end = data.indexOf(CRLF2);
  if (end < 0) return undefined;
  const head = data.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  // Without a content length (e.g. chunked) the answer cannot be delimited here: it counts as an error.
  return { status, headLength: end + 4, contentLength: match ? Number(match[1]) : Number.NaN };
}

/**
 * Sends `ratePerSecond` requests per second, evenly, for `durationSeconds`, and waits for the last
 * answers (each times out after 10 s). Needs answers with a content length (no chunked encoding).
 */
export async function measureAtRate(url: string, options: PacedOptions, shape: RequestShape = {}): Promise<PacedMeasurement> {
  const target = new URL(url);
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const headerLines = Object.entries({ host: target.host, ...shape.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const head = `${shape.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1\r\n${headerLines}`;
  const requestBytes = (n: number) => {
    const body = shape.body?.(n);
    return body === undefined ? `${head}\r\n` : `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };

  const sentAt = new Float64Array(total);
  const doneAt = new Float64Array(total).fill(Number.NaN);
  const statusCodes: Record<string, number> = {};
  const counts = { ok: 0, non2xx: 0, errors: 0, timeouts: 0 };
  let startMs = 0;
  let finished = 0;
  let wake: (() => void) | undefined;
  const dueOf = (n: number) => startMs + n * intervalMs;

  const free: Connection[] = [];
  let live = 0;
  const waiting: number[] = []; // requests due while every socket was busy, oldest first
  let waitingHead = 0;

  const write = (connection: Connection, n: number) => {
    connection.request = n;
    sentAt[n] = performance.now();
    connection.socket.write(requestBytes(n), 'latin1');
  };
  const release = (connection: Connection) => {
    connection.request = -1;
    connection.chunks.length = 0;
    connection.received = 0;
    if (waitingHead < waiting.length) write(connection, waiting[waitingHead++] as number);
    else free.push(connection);
  };
  const finish = (n: number, status: number, outcome: 'answer' | 'error' | 'timeout', body?: Buffer) => {
    doneAt[n] = performance.now();
    finished++;
    if (outcome === 'answer') {
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) counts.ok++;
      else counts.non2xx++;
      shape.onResponse?.(status, body ? body.toString('utf8') : '');
    } else counts[outcome === 'error' ? 'errors' : 'timeouts']++;
    if (finished === total) wake?.();
  };
  /** Every socket is gone: what waits for one, and what is still to come, fails. */
  const failWaiting = () => {
    while (waitingHead < waiting.length) finish(waiting[waitingHead++] as number, 0, 'error');
  };
  const onData = (connection: Connection, chunk: Buffer) => {
    if (connection.request < 0) return;
    connection.chunks.push(chunk);
    connection.received += chunk.length;
    const data = connection.chunks.length === 1 ? chunk : Buffer.concat(connection.chunks, connection.received);
    const parsed = parseHead(data);
    if (!parsed) return;
    const n = connection.request;
    if (Number.isNaN(parsed.contentLength)) {
      finish(n, parsed.status, 'error');
      connection.socket.destroy();
      return;
    }
    if (data.length < parsed.headLength + parsed.contentLength) return;
    const body = shape.onResponse ? data.subarray(parsed.headLength, parsed.headLength + parsed.contentLength) : undefined;
    finish(n, parsed.status, 'answer', body);
    release(connection);
  };

  const connections = await Promise.all(
    Array.from(
      { length: Math.max(1, Math.min(options.connections, total)) },
      () =>
        new Promise<Connection>((resolve, reject) => {
          const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
          const connection: Connection = { socket, request: -1, chunks: [], received: 0 };
          socket.once('connect', () => resolve(connection));
          socket.once('error', reject);
          socket.on('data', (chunk: Buffer) => onData(connection, chunk));
          socket.setTimeout(TIMEOUT_MS, () => {
            if (connection.request >= 0) finish(connection.request, 0, 'timeout');
            connection.request = -1;
            socket.destroy();
          });
          socket.on('close', () => {
            if (connection.request >= 0) finish(connection.request, 0, 'error');
            connection.request = -1;
            if (--live === 0) failWaiting();
          });
        }),
    ),
  );
  free.push(...connections);
  live = connections.length;
  for (const c of connections) c.socket.on('error', () => undefined); // a reset socket ends in 'close', counted there

  const allDone = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  startMs = performance.now();
  let next = 0;
  while (next < total) {
    const nowMs = performance.now();
    for (; next < total && dueOf(next) <= nowMs; next++) {
      const connection = free.pop();
      if (connection) write(connection, next);
      else waiting.push(next);
      if (live === 0) failWaiting();
    }
    const untilNextMs = next < total ? dueOf(next) - performance.now() : 0;
    await (options.idle !== 'sleep' && untilNextMs <= SLEEP_ABOVE_MS ? yieldToIo() : sleep(Math.max(1, untilNextMs - SLEEP_ABOVE_MS)));
  }
  const lastSendMs = performance.now();
  if (finished < total) await allDone;
  for (const c of connections) c.socket.destroy();

  const latencies: number[] = [];
  const services: number[] = [];
  const lags: number[] = [];
  for (let n = 0; n < total; n++) {
    const due = dueOf(n);
    if (sentAt[n] !== 0) lags.push((sentAt[n] as number) - due);
    if (Number.isNaN(doneAt[n])) continue;
    latencies.push((doneAt[n] as number) - due);
    services.push((doneAt[n] as number) - (sentAt[n] as number));
  }
  for (const values of [latencies, services, lags]) values.sort((a, b) => a - b);
  const durationSeconds = (lastSendMs - startMs) / 1000;
  return {
    durationSeconds,
    requestsPerSecond: (counts.ok + counts.non2xx) / durationSeconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    serviceP50Ms: percentile(services, 0.5),
    serviceP99Ms: percentile(services, 0.99),
    ...counts,
    statusCodes,
    sent: lags.length,
    sendLagP99Ms: percentile(lags, 0.99),
  };
}
