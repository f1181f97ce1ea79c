import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@adplatform/domain';
import type { FastifyInstance } from 'fastify';
import {
  exchangeFinisher,
  installFastPath,
  isPlainJsonPost,
  JSON_TYPE,
  PROBLEM_TYPE,
  type RequestHandler,
  readingBody,
  socketCaller,
} from '../http/fast-path.js';
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

/**
 * Whether a request is the plain auction the fast path answers, by its request line and headers only (before
 * any byte of the body is read, so a request that falls through reaches Fastify whole): `POST /openrtb2/auction`
 * with no query string (`?gzip=1` and friends go to the route), no credentials (`authorization`, `cookie`: the
 * access hook's business), a JSON or text body of a stated length within the limit (longer ones get the
 * route's 413), and nothing unusual (chunked, `Content-Encoding`, `Expect`, no `Host`).
 */
export function takesOpenRtbFastPath(req: IncomingMessage, bodyLimitBytes: number): boolean {
  return req.method === 'POST' && req.url === ROUTE && isPlainJsonPost(req, bodyLimitBytes);
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
  installFastPath(app, 'OpenRTB', (req) => takesOpenRtbFastPath(req, options.bodyLimitBytes), createOpenRtbFastPath(app, options));
}

/** The route's CORS answer (openrtb.routes.ts `allowCaller`): the origin echoed with credentials, else `*`. */
function corsHeaders(req: IncomingMessage, id: string): Record<string, string | number> {
  const origin = req.headers.origin;
  return typeof origin === 'string'
    ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'origin', 'x-request-id': id }
    : { 'access-control-allow-origin': '*', vary: 'origin', 'x-request-id': id };
}

/** The fast path's handler for a request `takesOpenRtbFastPath` accepted. */
export function createOpenRtbFastPath(app: FastifyInstance, { exchange, publicUrl }: OpenRtbFastPathOptions): RequestHandler {
  const finish = exchangeFinisher(app, ROUTE);
  const log = app.log;

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
    exchange.auction(validation.request, socketCaller(req, publicUrl), receivedAtMs).then(
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

  return readingBody(auction, (req, res, id, startMs, err) => fail(req, res, id, startMs, err, false));
}
