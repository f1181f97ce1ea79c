import type { Clock } from '@adplatform/domain';
import { AppError } from '@adplatform/domain';
import type { DeliveryEvent, EventLog } from '@adplatform/ports';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Counter } from 'prom-client';
import { clickMacroValues, resolveLandingUrl } from './click-macros.js';
import { createReplayGuard, type ReplayGuard } from './replay-guard.js';
import { ClickQuery, ConversionQuery, EventQuery, ImpressionQuery } from './tracking.schemas.js';
import { clearingCpmMicrosOf, type TrackedType, toDeliveryEvent } from './tracking-events.js';
import { isRejection, type TrackingFacts, type TrackingRejection, type TrackingSigner } from './tracking-signer.js';

/** The landing URL of a creative, from the in-memory delivery snapshot (never a database, never the request). */
export type LandingUrlLookup = (organizationId: string, creativeId: string) => string | undefined;

export interface TrackingRoutesOptions {
  signer: TrackingSigner;
  eventLog: EventLog;
  clock: Clock;
  landingUrlOf: LandingUrlLookup;
  /** Called with each accepted event after the log accepted it (budget spend, frequency). Failures are logged, not answered. */
  onTracked?: ((event: DeliveryEvent) => void | Promise<void>) | undefined;
  replayGuard?: ReplayGuard;
  /** How long after its decision a click can still be credited with a conversion (`/t/conv`). Default 30 days. */
  attributionWindowMs?: number | undefined;
}

export type RejectionReason = TrackingRejection['error'] | 'replay' | 'unknown-creative' | 'outside-window';

/**
 * A transparent 1×1 GIF89a, 43 bytes: header, 1×1 screen with a 2-colour table,
 * a graphic control extension making colour 0 transparent, one image of that
 * colour (LZW: clear, 0, end), trailer.
 */
const PIXEL = Buffer.from(
  ['474946383961', '01000100800000', 'ffffff000000', '21f9040100000000', '2c000000000100010000', '0202440100', '3b'].join(''),
  'hex',
);
// Unforgeable, deduplicated and hit once per ad view by every visitor behind a NAT: no per-IP limit.
const PUBLIC = { access: { public: true }, rateLimit: false } as const;

/**
 * `/t/imp`, `/t/click` and `/t/event`: verify the signed token, drop replays,
 * append the event, answer. No lookup but the landing URL of a click, from
 * memory. HEAD is not routed, so link scanners' HEAD requests count nothing.
 * Statuses and reasons: docs/tracking.md.
 */
export const trackingRoutes: FastifyPluginAsyncTypebox<TrackingRoutesOptions> = async (app, options) => {
  const { signer, clock, landingUrlOf } = options;
  const guard = options.replayGuard ?? createReplayGuard();
  const rejected = new Counter({
    name: 'adplatform_tracking_rejected_total',
    help: 'Tracking requests refused or ignored, by endpoint and reason (malformed, bad-signature, expired, replay, unknown-creative; unreadable-clearing-price is counted, not refused)',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [app.metrics],
  });
  const accepted = new Counter({
    name: 'adplatform_tracking_events_total',
    help: 'Tracking events accepted into the event log, by type',
    labelNames: ['type'] as const,
    registers: [app.metrics],
  });

  /** Appends the event unless this decision already had one of this type; false for a replay. */
  async function record(
    facts: TrackingFacts,
    type: TrackedType,
    endpoint: string,
    log: FastifyBaseLogger,
    valueMicros?: number,
    untilMs = signer.expiresAtMs(facts),
    clearingCpmMicros?: number,
  ) {
    const nowMs = clock.now().getTime();
    const key = `${facts.decisionId}/${type}`;
    if (!guard.claim(key, untilMs, nowMs)) {
      rejected.inc({ endpoint, reason: 'replay' });
      return false;
    }
    const event = toDeliveryEvent(facts, type, { atMs: nowMs, conversionValueMicros: valueMicros, clearingCpmMicros });
    try {
      await options.eventLog.append([event]);
    } catch (error) {
      guard.release(key);
      throw error;
    }
    accepted.inc({ type });
    try {
      await options.onTracked?.(event);
    } catch (error) {
      log.error({ err: error, eventId: event.id }, 'onTracked failed');
    }
    return true;
  }

  function verified(token: string, endpoint: string): TrackingFacts {
    const result = signer.verify(token);
    if (!isRejection(result)) return result;
    rejected.inc({ endpoint, reason: result.error });
    throw rejectionError(result.error);
  }

  app.get(
    '/t/imp',
    {
      config: PUBLIC,
      exposeHeadRoute: false,
      schema: {
        tags: ['tracking'],
        summary: 'Counts an impression; answers a 1×1 transparent GIF (or 204 with `r=204`)',
        querystring: ImpressionQuery,
      },
    },
    async (request, reply) => {
      const facts = verified(request.query.t, 'imp');
      // `cp`: the clearing price another exchange substituted into our billing notice (the bidder's burl).
      const { cp } = request.query;
      const clearing = clearingCpmMicrosOf(cp);
      if (cp !== undefined && clearing === undefined) rejected.inc({ endpoint: 'imp', reason: 'unreadable-clearing-price' });
      await record(facts, 'impression', 'imp', request.log, undefined, undefined, clearing);
      reply.header('cache-control', 'no-store').header('cross-origin-resource-policy', 'cross-origin');
      if (request.query.r === '204') return reply.status(204).send();
      return reply.type('image/gif').send(PIXEL);
    },
  );

  app.get(
    '/t/click',
    {
      config: PUBLIC,
      exposeHeadRoute: false,
      schema: { tags: ['tracking'], summary: 'Counts a click; redirects (302) to the creative’s landing URL', querystring: ClickQuery },
    },
    async (request, reply) => {
      const result = signer.verify(request.query.t);
      // An expired token is still authentic: the visitor reaches the landing page, the click is not counted.
      if (isRejection(result) && result.error !== 'expired') {
        rejected.inc({ endpoint: 'click', reason: result.error });
        throw rejectionError(result.error);
      }
      const facts = isRejection(result) ? result.facts : result;
      // The click id is the ad's signed token: the advertiser posts it back to /t/conv, which needs no lookup.
      const clickId = request.query.t;
      const landing = landingUrlOf(facts.organizationId, facts.creativeId);
      const location = landing === undefined ? undefined : resolveLandingUrl(landing, clickMacroValues(facts, clickId));
      if (location === undefined) {
        rejected.inc({ endpoint: 'click', reason: 'unknown-creative' });
        throw new AppError('NOT_FOUND', 'This ad is no longer running');
      }
      if (isRejection(result)) rejected.inc({ endpoint: 'click', reason: 'expired' });
      else await record(facts, 'click', 'click', request.log);
      return reply.header('cache-control', 'no-store').redirect(location, 302);
    },
  );

  app.route({
    method: ['GET', 'POST'],
    url: '/t/event',
    config: PUBLIC,
    exposeHeadRoute: false,
    schema: {
      tags: ['tracking'],
      summary: 'Counts a viewability, video or conversion event; answers 204',
      description: 'POST is for `navigator.sendBeacon`; its body, of any type, is ignored.',
      querystring: EventQuery,
    },
    handler: async (request, reply) => {
      const { t, type, valueMicros } = request.query;
      if (valueMicros !== undefined && type !== 'conversion') {
        throw new AppError('VALIDATION_FAILED', 'querystring.valueMicros is for conversions only', {
          issues: [{ path: 'querystring.valueMicros', message: 'is for conversions only' }],
        });
      }
      const facts = verified(t, 'event');
      await record(facts, type, 'event', request.log, valueMicros === undefined ? undefined : Number(valueMicros));
      return reply.header('cache-control', 'no-store').status(204).send();
    },
  });

  const attributionWindowMs = options.attributionWindowMs ?? 30 * 86_400_000;
  app.route({
    method: ['GET', 'POST'],
    url: '/t/conv',
    config: PUBLIC,
    exposeHeadRoute: false,
    schema: {
      tags: ['tracking'],
      summary: 'A conversion postback for a click; answers 204',
      description:
        'Server-to-server: pass the `{CLICK_ID}` your landing URL received (last-click attribution: send the last click of the converting user). Credited within the attribution window after the ad was served, once per click.',
      querystring: ConversionQuery,
    },
    handler: async (request, reply) => {
      const { click_id: clickId, value } = request.query;
      const result = signer.verify(clickId);
      // Past the URL's own lifetime is fine (conversions come days later); a forged or mangled id is not.
      if (isRejection(result) && result.error !== 'expired') {
        rejected.inc({ endpoint: 'conv', reason: result.error });
        throw clickIdError(result.error);
      }
      const facts = isRejection(result) ? result.facts : result;
      const untilMs = facts.decidedAtMs + attributionWindowMs;
      if (clock.now().getTime() >= untilMs) {
        rejected.inc({ endpoint: 'conv', reason: 'outside-window' });
        throw new AppError('FORBIDDEN', 'The click is older than the attribution window', {
          issues: [{ path: 'querystring.click_id', message: 'is older than the attribution window' }],
        });
      }
      await record(facts, 'conversion', 'conv', request.log, value === undefined ? undefined : Number(value), untilMs);
      return reply.header('cache-control', 'no-store').status(204).send();
    },
  });

  // Beacons send text/plain, form data or nothing; the body carries nothing we read.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 }, (_request, _body, done) => done(null, undefined));
};

function clickIdError(reason: 'malformed' | 'bad-signature'): AppError {
  const message = reason === 'malformed' ? 'is not a click id of ours' : 'has a signature that does not match';
  return new AppError(reason === 'malformed' ? 'VALIDATION_FAILED' : 'FORBIDDEN', `querystring.click_id ${message}`, {
    issues: [{ path: 'querystring.click_id', message }],
  });
}

function rejectionError(reason: TrackingRejection['error']): AppError {
  if (reason === 'malformed') {
    return new AppError('VALIDATION_FAILED', 'querystring.t is not a tracking token', {
      issues: [{ path: 'querystring.t', message: 'is not a tracking token' }],
    });
  }
  const message = reason === 'expired' ? 'has expired' : 'has a signature that does not match';
  return new AppError('FORBIDDEN', `The tracking token ${message}`, { issues: [{ path: 'querystring.t', message }] });
}
