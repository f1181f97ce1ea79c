import { gunzipSync } from 'node:zlib';
import { AppError } from '@adplatform/domain';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { publicOriginOf } from '../delivery/tracking/tracking-urls.js';
import type { BidderService } from './bidder/bidder.service.js';
import type { ExchangeService } from './exchange/exchange.service.js';
import type { OpenRtbCaller } from './exchange/openrtb-context.js';
import { validateBidRequest } from './model/validate-request.js';
import { invalidBidRequest } from './openrtb-errors.js';

/** Bid requests bigger than this are refused before parsing (413), unless configured otherwise. */
export const DEFAULT_OPENRTB_BODY_LIMIT_BYTES = 256 * 1024;

export interface OpenRtbRoutesOptions {
  exchange: ExchangeService;
  bidder: BidderService;
  bodyLimitBytes?: number | undefined;
  publicUrl?: string | undefined;
}

// Called by every visitor's Prebid.js (the exchange) and by other exchanges' servers (the bidder): public,
// without per-IP limits, like the Decision API; the body limit and the validator bound one request's work.
const PUBLIC = { access: { public: true }, rateLimit: false } as const;

/**
 * Prebid.js calls the exchange from publisher pages with `withCredentials`, so the origin is echoed (a
 * wildcard is not allowed with credentials). No cookie is read: echoing cannot leak anything.
 */
function allowCaller(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  reply.header('access-control-allow-origin', typeof origin === 'string' ? origin : '*');
  if (typeof origin === 'string') reply.header('access-control-allow-credentials', 'true');
  reply.header('vary', 'origin');
}

/**
 * The body as text. A gzip body is inflated when `Content-Encoding: gzip` says so (other exchanges), or when the
 * URL has `?gzip=1` (Prebid.js's `s2sConfig.endpointCompression` sends no header, as Prebid Server expects);
 * it may not inflate past the body limit (413), and a body that is not gzip is a 400.
 */
function decodedBody(request: FastifyRequest, body: Buffer, limit: number): string {
  const encoding = request.headers['content-encoding'];
  const gzipQuery = (request.query as Record<string, unknown> | undefined)?.gzip;
  const gzipped = (typeof encoding === 'string' && encoding.trim().toLowerCase() === 'gzip') || gzipQuery === '1';
  if (!gzipped) return body.toString('utf8');
  try {
    return gunzipSync(body, { maxOutputLength: limit }).toString('utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('BODY_TOO_LARGE', 'The request body exceeds the size limit once inflated', {
        issues: [{ path: 'body', message: `inflates to more than ${limit} bytes` }],
      });
    }
    throw new AppError('MALFORMED_JSON', `Invalid request: the gzip body cannot be inflated (${(err as Error).message})`, {
      issues: [{ path: 'request', message: 'is not valid gzip' }],
    });
  }
}

function callerOf(request: FastifyRequest, publicUrl: string | undefined): OpenRtbCaller {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : '', origin: publicOriginOf(request, publicUrl) };
}

/** Validated, or a 400 naming the first problem's JSON path. */
function validated(body: unknown) {
  const validation = validateBidRequest(body);
  if (!validation.ok) throw invalidBidRequest(validation.message);
  return validation.request;
}

/** `POST /openrtb2/auction` (the exchange Prebid.js calls) and `POST /openrtb2/bid` (the bidder other exchanges call). */
export const openrtbRoutes: FastifyPluginAsync<OpenRtbRoutesOptions> = async (app, options) => {
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_OPENRTB_BODY_LIMIT_BYTES;
  // JSON.parse keeps `__proto__` as an own data key, never as a prototype; the validator reads own keys only.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = decodedBody(request, body as Buffer, bodyLimit);
    } catch (err) {
      done(err as Error);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        new AppError('MALFORMED_JSON', `Invalid request: ${(err as Error).message}`, {
          issues: [{ path: 'request', message: 'is not valid JSON' }],
        }),
      );
    }
  });

  for (const url of ['/openrtb2/auction', '/openrtb2/bid']) {
    app.options(url, { config: PUBLIC, schema: { hide: true } }, async (request, reply) => {
      allowCaller(request, reply);
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', 'content-type, content-encoding, x-openrtb-version');
      reply.header('access-control-max-age', '86400');
      reply.status(204);
    });
  }

  app.post(
    '/openrtb2/auction',
    {
      config: PUBLIC,
      bodyLimit,
      // Before the body is read: a 400 or 413 (bad JSON, bad gzip, too large) is readable by the page too.
      onRequest: (request, reply, done) => {
        allowCaller(request, reply);
        done();
      },
      schema: {
        tags: ['openrtb'],
        summary: 'OpenRTB 2.6 auction (Prebid Server compatible)',
        description:
          'An OpenRTB 2.5/2.6 bid request from Prebid.js or any SSP-side caller. Each imp is matched to a placement (tagid, stored request id, bidder params or site + size); the publisher’s direct-sold line items and outside demand meet in one auction. 204 when nothing bids. See docs/openrtb.md.',
      },
    },
    async (request, reply) => {
      const receivedAtMs = Date.now();
      reply.header('cache-control', 'no-store');
      const answer = await options.exchange.auction(validated(request.body), callerOf(request, options.publicUrl), receivedAtMs);
      if (answer.status === 204) return reply.status(204).send();
      return reply.type('application/json').send(answer.body);
    },
  );

  app.post(
    '/openrtb2/bid',
    {
      config: PUBLIC,
      bodyLimit,
      schema: {
        tags: ['openrtb'],
        summary: 'OpenRTB 2.6 bidder: our campaigns bid on other exchanges’ impressions',
        description:
          '`?placement=<id>` names the placement that stands for the calling exchange’s inventory (its organization’s line items targeting it bid). 204 with `nbr` when there is no bid; no answer after `tmax`. See docs/openrtb.md.',
      },
    },
    async (request, reply) => {
      const receivedAtMs = Date.now();
      reply.header('cache-control', 'no-store');
      const placement = (request.query as Record<string, unknown> | undefined)?.placement;
      const answer = await options.bidder.bid(validated(request.body), {
        placementId: typeof placement === 'string' ? placement : undefined,
        caller: callerOf(request, options.publicUrl),
        receivedAtMs,
      });
      if (answer.status === 204) {
        // OpenRTB allows an empty 204; the reason travels in a header for callers that log it.
        if (answer.nbr !== undefined) reply.header('x-openrtb-nbr', String(answer.nbr));
        return reply.status(204).send();
      }
      return reply.type('application/json').send(answer.body);
    },
  );
};
