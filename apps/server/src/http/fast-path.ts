import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { publicOriginOf } from '../delivery/tracking/tracking-urls.js';
import { routeLatencyRecorder } from './metrics.js';

/**
 * What the raw-`http.Server` fast paths share (ADR 0016: `POST /v1/decisions` and `POST /openrtb2/auction`):
 * which requests they may take, installing one in front of Fastify, reading the body, and ending an exchange
 * as the route's onResponse hooks do. Each path keeps its own validation, service call and answer.
 */

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
/** A fast path's work once the body is read: `text` is the whole body, `id` the request id, `startMs` from `performance.now()`. */
export type BodyHandler = (req: IncomingMessage, res: ServerResponse, id: string, startMs: number, text: string) => void;

export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';
/** The request id a caller may send (app.ts's genReqId rule). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The content types the JSON routes' parser takes, as clients spell them (browsers and Prebid.js send `text/plain`). */
const BODY_TYPES = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=UTF-8',
  'text/plain',
  'text/plain; charset=utf-8',
  'text/plain;charset=utf-8',
  'text/plain; charset=UTF-8',
  'text/plain;charset=UTF-8',
]);
const DIGITS = /^[0-9]{1,9}$/;

/**
 * Whether a POST's headers are the plain kind a fast path answers (judged before any byte of the body is read, so
 * a request that falls through reaches Fastify whole): no credentials (`authorization`, `cookie`: the access hook's
 * business), a JSON or text body of a stated length within `bodyLimitBytes` (longer ones get the route's 413), and
 * nothing unusual (chunked, `Content-Encoding`, `Expect`, no `Host`). The method and URL are the caller's check.
 */
export function isPlainJsonPost(req: IncomingMessage, bodyLimitBytes: number): boolean {
  const h = req.headers;
  if (h.authorization !== undefined || h.cookie !== undefined) return false;
  const type = h['content-type'];
  if (type === undefined || !BODY_TYPES.has(type)) return false;
  const length = h['content-length'];
  if (length === undefined || !DIGITS.test(length)) return false;
  const bytes = Number(length);
  if (bytes === 0 || bytes > bodyLimitBytes) return false;
  return h['transfer-encoding'] === undefined && h['content-encoding'] === undefined && h.expect === undefined && h.host !== undefined;
}

/**
 * Puts `handle` in front of the server's one request listener (Fastify, or a fast path installed before) for the
 * requests `takes` accepts; every other request goes on untouched. While Fastify closes (it answers 503 and closes
 * connections) the fast path stands aside. Call before the app is ready (it adds a preClose hook).
 */
export function installFastPath(
  app: FastifyInstance,
  name: string,
  takes: (req: IncomingMessage) => boolean,
  handle: RequestHandler,
): void {
  const server = app.server;
  const listeners = server.listeners('request') as RequestHandler[];
  const next = listeners[0];
  if (listeners.length !== 1 || next === undefined) throw new Error(`the ${name} fast path expects one request listener`);
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  server.removeListener('request', next);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!closing && takes(req)) handle(req, res);
    else next(req, res);
  });
}

/**
 * The request handler that reads the whole body and hands it to `work` with the request id (the caller's
 * `x-request-id` when well formed, else a new one); `failed` answers what `work` threw synchronously. An aborted
 * upload is dropped: nothing to answer, and never an unhandled 'error'.
 */
export function readingBody(
  work: BodyHandler,
  failed: (req: IncomingMessage, res: ServerResponse, id: string, startMs: number, error: unknown) => void,
): RequestHandler {
  return (req, res) => {
    const startMs = performance.now();
    const sent = req.headers['x-request-id'];
    const id = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    req.on('end', () => {
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
      try {
        work(req, res, id, startMs, text);
      } catch (err) {
        if (!res.headersSent) failed(req, res, id, startMs, err);
        else res.destroy();
      }
    });
    req.on('error', () => res.destroy());
  };
}

/**
 * Ends an exchange as the routes' onResponse hooks do: the latency histogram series, then the request log line
 * (successes at debug, the rest at info).
 */
export function exchangeFinisher(app: FastifyInstance, route: string): (id: string, status: number, startMs: number) => void {
  const recordLatency = app.metrics === undefined ? undefined : routeLatencyRecorder(app.metrics);
  const log = app.log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  const enabled = (level: string) => typeof log.isLevelEnabled === 'function' && log.isLevelEnabled(level);
  return (id, status, startMs) => {
    const ms = performance.now() - startMs;
    recordLatency?.('POST', route, status, ms / 1000);
    const level = status < 400 ? 'debug' : 'info';
    if (!enabled(level)) return;
    log.child({ reqId: id })[level]({ method: 'POST', route, status, ms: Math.round(ms * 100) / 100 }, 'request');
  };
}

/** The caller as the routes see it without a trusted proxy: the socket's address, the user agent, the public origin. */
export function socketCaller(req: IncomingMessage, publicUrl: string | undefined): { ip: string; userAgent: string; origin: string } {
  const socket = req.socket;
  return {
    ip: socket.remoteAddress as string,
    userAgent: req.headers['user-agent'] ?? '',
    origin: publicOriginOf({ protocol: (socket as TLSSocket).encrypted ? 'https' : 'http', host: req.headers.host ?? '' }, publicUrl),
  };
}
