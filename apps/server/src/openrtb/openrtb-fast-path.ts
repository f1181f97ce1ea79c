import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AppError } from '@adplatform/domain';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { publicOriginOf } from '../delivery/tracking/tracking-urls.js';
import { routeLatencyRecorder } from '../http/metrics.js';
import { problemBody, toAppError } from '../http/problem.js';
import type { ExchangeService } from './exchange/exchange.service.js';
import { validateBidRequest } from './model/validate-request.js';
import { invalidBidRequest } from './openrtb-errors.js';

export interface OpenRtbFastPathOptions {
  exchange: ExchangeService;
  bodyLimitBytes: number;
  publicUrl?: string | undefined;
}

const ROUTE = '/openrtb2/auction';
/** The request id a caller may send (app.ts's genReqId rule). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The content types the route's parser takes, as clients spell them (Prebid.js sends `text/plain`). */
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
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Whether a request is the plain auction the fast path answers, by its request line and headers only (before
 * any byte of the body is read, so a request that falls through reaches Fastify whole): `POST /openrtb2/auction`
 * with no query string (`?gzip=1` and friends go to the route), no credentials (`authorization`, `cookie`: the
 * access hook's business), a JSON or text body of a stated length within the limit (longer ones get the
 * route's 413), and nothing unusual (chunked, `Content-Encoding`, `Expect`, no `Host`).
 */
export function takesOpenRtbFastPath(req: IncomingMessage, bodyLimitBytes: number): boolean {
  if (req.method !== 'POST' || req.url !== ROUTE) return false;
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
 * The exchange's fast path, as ADR 0016's for the Decision API: `POST /openrtb2/auction` answered on the raw
 * `http.Server`, outside Fastify's request lifecycle (routing, the access and rate-limit hooks a public route
 * skips anyway, the tracing span, the cookie and serializer hooks), for the requests `takesOpenRtbFastPath`
 * accepts; every other request goes to the listener that was there before, untouched. It answers as the route
 * does: the same CORS, cache and `x-request-id` headers, 204 for no bid, a 400 problem naming the first invalid
 * field (Prebid Server's wording), the latency histogram series and the request log line. Requests through
 * `inject` never reach it, so inject-based tests cover the route and the service.
 *
 * Installed before the app is ready (it adds a preClose hook); not behind a trusted proxy (the caller's IP and
 * origin are then the socket's and the `Host` header, as Fastify reads them).
 */
export function installOpenRtbFastPath(app: FastifyInstance, options: OpenRtbFastPathOptions): void {
  const server = app.server;
  const listeners = server.listeners('request') as Handler[];
  const next = listeners[0];
  if (listeners.length !== 1 || next === undefined) throw new Error('the OpenRTB fast path expects one request listener');
  const handle = createOpenRtbFastPath(app, options);
  // While Fastify closes, it answers 503 and closes connections: the fast path stands aside.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  server.removeListener('request', next);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!closing && takesOpenRtbFastPath(req, options.bodyLimitBytes)) handle(req, res);
    else next(req, res);
  });
}

/** The route's CORS answer (openrtb.routes.ts `allowCaller`): the origin echoed with credentials, else `*`. */
function corsHeaders(req: IncomingMessage, id: string): Record<string, string | number> {
  const origin = req.headers.origin;
  return typeof origin === 'string'
    ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'origin', 'x-request-id': id }
    : { 'access-control-allow-origin': '*', vary: 'origin', 'x-request-id': id };
}

/** The fast path's handler for a request `takesOpenRtbFastPath` accepted. */
export function createOpenRtbFastPath(app: FastifyInstance, { exchange, publicUrl }: OpenRtbFastPathOptions): Handler {
  const recordLatency = app.metrics === undefined ? undefined : routeLatencyRecorder(app.metrics);
  const log = app.log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  const enabled = (level: string) => typeof log.isLevelEnabled === 'function' && log.isLevelEnabled(level);

  /** Ends the exchange as the route's onResponse hooks do: latency series, then the request line (successes at debug). */
  const finish = (id: string, status: number, startMs: number) => {
    const ms = performance.now() - startMs;
    recordLatency?.('POST', ROUTE, status, ms / 1000);
    const level = status < 400 ? 'debug' : 'info';
    if (!enabled(level)) return;
    log.child({ reqId: id })[level]({ method: 'POST', route: ROUTE, status, ms: Math.round(ms * 100) / 100 }, 'request');
  };

  const fail = (req: IncomingMessage, res: ServerResponse, id: string, startMs: number, error: unknown, afterHandler: boolean) => {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') log.child({ reqId: id }).error({ err: error }, 'unhandled error');
    const body = problemBody(appError, ROUTE, id);
    const text = JSON.stringify(body);
    const headers = corsHeaders(req, id);
    if (afterHandler) headers['cache-control'] = 'no-store';
    headers['content-type'] = PROBLEM_TYPE;
    headers['content-length'] = Buffer.byteLength(text);
    res.writeHead(body.status, headers);
    res.end(text);
    finish(id, body.status, startMs);
  };

  const auction = (req: IncomingMessage, res: ServerResponse, id: string, startMs: number, text: string) => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      const problem = new AppError('MALFORMED_JSON', `Invalid request: ${(err as Error).message}`, {
        issues: [{ path: 'request', message: 'is not valid JSON' }],
      });
      fail(req, res, id, startMs, problem, false);
      return;
    }
    const receivedAtMs = Date.now();
    const validation = validateBidRequest(body);
    if (!validation.ok) {
      fail(req, res, id, startMs, invalidBidRequest(validation.message), true);
      return;
    }
    const h = req.headers;
    const socket = req.socket;
    const caller = {
      ip: socket.remoteAddress as string,
      userAgent: h['user-agent'] ?? '',
      origin: publicOriginOf({ protocol: (socket as TLSSocket).encrypted ? 'https' : 'http', host: h.host ?? '' }, publicUrl),
    };
    exchange.auction(validation.request, caller, receivedAtMs).then(
      (answer) => {
        try {
          const headers = corsHeaders(req, id);
          headers['cache-control'] = 'no-store';
          if (answer.status === 204) {
            res.writeHead(204, headers);
            res.end();
            finish(id, 204, startMs);
            return;
          }
          const json = JSON.stringify(answer.body);
          headers['content-type'] = JSON_TYPE;
          headers['content-length'] = Buffer.byteLength(json);
          res.writeHead(200, headers);
          res.end(json);
          finish(id, 200, startMs);
        } catch (err) {
          if (!res.headersSent) fail(req, res, id, startMs, err, true);
          else res.destroy();
        }
      },
      (err: unknown) => fail(req, res, id, startMs, err, true),
    );
  };

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
        auction(req, res, id, startMs, text);
      } catch (err) {
        if (!res.headersSent) fail(req, res, id, startMs, err, false);
        else res.destroy();
      }
    });
    // An aborted upload: nothing to answer, and never an unhandled 'error'.
    req.on('error', () => res.destroy());
  };
}
