import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@adplatform/domain';
import type { FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import {
  exchangeFinisher,
  installFastPath,
  isPlainJsonPost,
  JSON_TYPE,
  PROBLEM_TYPE,
  type RequestHandler,
  readingBody,
  socketCaller,
} from '../../http/fast-path.js';
import { problemBody, toAppError } from '../../http/problem.js';
import { createValidatorCompiler } from '../../http/validation.js';
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
const MALFORMED = () =>
  new AppError('MALFORMED_JSON', 'The body is not valid JSON', { issues: [{ path: 'body', message: 'is not valid JSON' }] });

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
  return (url === PATH || url?.startsWith(PATH_WITH_QUERY) === true) && isPlainJsonPost(req, DECISION_BODY_LIMIT_BYTES);
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
  installFastPath(app, 'decisions', takesFastPath, createDecisionsFastPath(app, options));
}

/** The fast path's handler for a request `takesFastPath` accepted. */
export function createDecisionsFastPath(app: FastifyInstance, { decisions, publicUrl }: DecisionsFastPathOptions): RequestHandler {
  const validate = createValidatorCompiler()({ schema: DecisionRequestBody, httpPart: 'body', method: 'POST', url: ROUTE }) as ((
    value: unknown,
  ) => boolean) & { errors?: unknown[] | null };
  const slots = app.metrics?.getSingleMetric('adplatform_decision_slots_total') as Counter<'outcome'> | undefined;
  if (!slots) throw new Error('the decisions fast path needs the metrics plugin and the decisions routes registered first');
  const outcomes: SlotOutcomes = { filled: slots.labels('filled'), fallback: slots.labels('fallback'), unfilled: slots.labels('unfilled') };
  const finish = exchangeFinisher(app, ROUTE);
  const log = app.log;

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
    const caller = {
      ...socketCaller(req, publicUrl),
      acceptLanguage: req.headers['accept-language'],
      referer: req.headers.referer,
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

  return readingBody(decide, (req, res, id, startMs, err) => fail(req, res, id, startMs, err, false));
}
