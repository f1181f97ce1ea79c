import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AppError } from '@adplatform/domain';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import { routeLatencyRecorder } from '../../http/metrics.js';
import { problemBody, toAppError } from '../../http/problem.js';
import { createValidatorCompiler } from '../../http/validation.js';
import { publicOriginOf } from '../tracking/tracking-urls.js';
import type { DecisionService } from './decision.service.js';
import { countSlots, DECISION_BODY_LIMIT_BYTES, type SlotOutcomes } from './decisions.routes.js';
import { DecisionRequestBody } from './decisions.schemas.js';

export interface DecisionsFastPathOptions {
  decisions: DecisionService;
  /** `config.publicUrl`: the origin in tracking URLs; default each request's own. */
  publicUrl?: string | undefined;
}

const PATH = '/v1/decisions';
const PATH_WITH_QUERY = '/v1/decisions?';
const ROUTE = '/v1/decisions';
/** The request id a caller may send (app.ts's genReqId rule). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The content types the route's parser takes, as clients spell them (browsers send `text/plain;charset=UTF-8`). */
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
const MALFORMED = () =>
  new AppError('MALFORMED_JSON', 'The body is not valid JSON', { issues: [{ path: 'body', message: 'is not valid JSON' }] });

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Whether a request is the common ad request the fast path answers, by its request line and headers
 * only (before any byte of the body is read, so a request that falls through reaches Fastify whole):
 * `POST /v1/decisions` (any query string: the route reads none), no credentials (an `authorization` or
 * `cookie` header, which only `explain` callers need, goes to Fastify's access hook), a JSON or text
 * body with a content length within the route's limit (longer ones get Fastify's 413), and nothing
 * unusual (chunked, encoded, `Expect`, no `Host`).
 */
export function takesFastPath(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url;
  if (url !== PATH && !url?.startsWith(PATH_WITH_QUERY)) return false;
  const h = req.headers;
  if (h.authorization !== undefined || h.cookie !== undefined) return false;
  const type = h['content-type'];
  if (type === undefined || !BODY_TYPES.has(type)) return false;
  const length = h['content-length'];
  if (length === undefined || !DIGITS.test(length)) return false;
  const bytes = Number(length);
  if (bytes === 0 || bytes > DECISION_BODY_LIMIT_BYTES) return false;
  return h['transfer-encoding'] === undefined && h['content-encoding'] === undefined && h.expect === undefined && h.host !== undefined;
}

/**
 * The delivery fast path (ADR 0016): `POST /v1/decisions` answered on the raw `http.Server`, outside
 * Fastify's request lifecycle, for the requests `takesFastPath` accepts; every other request goes to
 * Fastify's handler untouched. It calls the route's DecisionService with the caller the route would
 * build, validates with the route's schema through the app's body Ajv, and answers as the route
 * does: the same CORS and cache headers, `x-request-id`, problem+json errors naming the field, the
 * slot counters, the latency histogram series and the request log line. Requests through `inject`
 * never reach it (they bypass the server), so inject-based tests cover the route and the service.
 *
 * Installed before the app is ready (it adds a preClose hook); only without `trustProxy` (the caller's
 * IP and origin are then the socket's and the `Host` header, as Fastify reads them).
 */
export function installDecisionsFastPath(app: FastifyInstance, options: DecisionsFastPathOptions): void {
  const server = app.server;
  const listeners = server.listeners('request') as Handler[];
  const fastify = listeners[0];
  if (listeners.length !== 1 || fastify === undefined)
    throw new Error('the decisions fast path expects Fastify as the only request listener');
  const handle = createDecisionsFastPath(app, options);
  // While Fastify closes, it answers 503 and closes connections: the fast path stands aside.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  server.removeListener('request', fastify);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!closing && takesFastPath(req)) handle(req, res);
    else fastify(req, res);
  });
}

/** The fast path's handler for a request `takesFastPath` accepted. */
export function createDecisionsFastPath(app: FastifyInstance, { decisions, publicUrl }: DecisionsFastPathOptions): Handler {
  const validate = createValidatorCompiler()({ schema: DecisionRequestBody, httpPart: 'body', method: 'POST', url: ROUTE }) as ((
    value: unknown,
  ) => boolean) & { errors?: unknown[] | null };
  const recordLatency = routeLatencyRecorder(app.metrics);
  const slots = app.metrics.getSingleMetric('adplatform_decision_slots_total') as Counter<'outcome'> | undefined;
  if (!recordLatency || !slots)
    throw new Error('the decisions fast path needs the metrics plugin and the decisions routes registered first');
  const outcomes: SlotOutcomes = { filled: slots.labels('filled'), fallback: slots.labels('fallback'), unfilled: slots.labels('unfilled') };
  const log = app.log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  const enabled = (level: string) => typeof log.isLevelEnabled === 'function' && log.isLevelEnabled(level);

  /** Ends the exchange as the route's onResponse hooks do: latency series, then the request line (successes at debug). */
  const finish = (id: string, status: number, startMs: number) => {
    const ms = performance.now() - startMs;
    recordLatency('POST', ROUTE, status, ms / 1000);
    const level = status < 400 ? 'debug' : 'info';
    if (!enabled(level)) return;
    log.child({ reqId: id })[level]({ method: 'POST', route: ROUTE, status, ms: Math.round(ms * 100) / 100 }, 'request');
  };

  /** A problem+json answer; `cors` when the route's handler had set its headers before the error (service errors). */
  const fail = (req: IncomingMessage, res: ServerResponse, id: string, startMs: number, error: unknown, cors: boolean) => {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') log.child({ reqId: id }).error({ err: error }, 'unhandled error');
    const body = problemBody(appError, req.url ?? ROUTE, id);
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = cors
      ? {
          'access-control-allow-origin': '*',
          'access-control-expose-headers': 'x-request-id',
          'cache-control': 'no-store',
          'content-type': PROBLEM_TYPE,
          'x-request-id': id,
          'content-length': Buffer.byteLength(text),
        }
      : { 'content-type': PROBLEM_TYPE, 'x-request-id': id, 'content-length': Buffer.byteLength(text) };
    if (appError.details?.retryAfterSeconds !== undefined) headers['retry-after'] = String(appError.details.retryAfterSeconds);
    res.writeHead(body.status, headers);
    res.end(text);
    finish(id, body.status, startMs);
  };

  const decide = (req: IncomingMessage, res: ServerResponse, id: string, startMs: number, text: string) => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      fail(req, res, id, startMs, MALFORMED(), false);
      return;
    }
    if (!validate(body)) {
      fail(req, res, id, startMs, { validation: validate.errors ?? [], validationContext: 'body' }, false);
      return;
    }
    const h = req.headers;
    const socket = req.socket;
    const caller = {
      ip: socket.remoteAddress as string,
      userAgent: h['user-agent'] ?? '',
      acceptLanguage: h['accept-language'],
      referer: h.referer,
      origin: publicOriginOf({ protocol: (socket as TLSSocket).encrypted ? 'https' : 'http', host: h.host ?? '' }, publicUrl),
      organizationId: undefined,
    };
    decisions.decide(body as DecisionRequestBody, caller).then(
      (answer) => {
        try {
          countSlots(answer, outcomes);
          const json = JSON.stringify(answer);
          res.writeHead(200, {
            'access-control-allow-origin': '*',
            'access-control-expose-headers': 'x-request-id',
            'cache-control': 'no-store',
            'content-type': JSON_TYPE,
            'x-request-id': id,
            'content-length': Buffer.byteLength(json),
          });
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
        decide(req, res, id, startMs, text);
      } catch (err) {
        if (!res.headersSent) fail(req, res, id, startMs, err, false);
        else res.destroy();
      }
    });
    // An aborted upload: nothing to answer, and never an unhandled 'error'.
    req.on('error', () => res.destroy());
  };
}
