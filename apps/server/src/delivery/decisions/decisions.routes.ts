import { AppError } from '@adplatform/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { publicOriginOf } from '../tracking/tracking-urls.js';
import type { DecisionAnswer, DecisionService } from './decision.service.js';
import { DecisionRequestBody, DecisionResponse } from './decisions.schemas.js';

export interface DecisionsRoutesOptions {
  decisions: DecisionService;
  /** `config.publicUrl`: the origin in tracking URLs; default each request's own. */
  publicUrl?: string | undefined;
}

/** A decision body is small; anything bigger is refused before parsing. */
export const DECISION_BODY_LIMIT_BYTES = 64 * 1024;

// Ad requests come from every visitor of every publisher page (many behind one NAT): no per-IP limit,
// like the tracking endpoints; the body limit and validation bound the work of one request.
const PUBLIC = { access: { public: true }, rateLimit: false } as const;

/** Pages on any origin call this (the ad tag); no cookies are read for them, so `*` is safe. */
function allowAnyOrigin(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-expose-headers', 'x-request-id');
}

/**
 * `POST /v1/decisions`. Accepts `application/json` and `text/plain` (the ad
 * tag sends its JSON as text/plain, which browsers send cross-origin without
 * a CORS preflight). Explanations only for the owning organization's callers.
 */
export const decisionsRoutes: FastifyPluginAsyncTypebox<DecisionsRoutesOptions> = async (app, { decisions, publicUrl }) => {
  const slots = new Counter({
    name: 'adplatform_decision_slots_total',
    help: 'Slots asked for in decision requests, by outcome: filled (an ad), fallback (passback or house), unfilled',
    labelNames: ['outcome'] as const,
    registers: [app.metrics],
  });
  const outcomes: SlotOutcomes = { filled: slots.labels('filled'), fallback: slots.labels('fallback'), unfilled: slots.labels('unfilled') };

  // Plain JSON.parse for both types, without secure-json-parse's prototype-poisoning scan (a tenth of a decision's
  // CPU): the body schema refuses every key it does not name, `__proto__` and `constructor` included.
  const parseJson = (_request: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new AppError('MALFORMED_JSON', 'The body is not valid JSON', { issues: [{ path: 'body', message: 'is not valid JSON' }] }));
    }
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string', bodyLimit: DECISION_BODY_LIMIT_BYTES }, parseJson);

  app.options('/v1/decisions', { config: PUBLIC, schema: { hide: true } }, async (_request, reply) => {
    allowAnyOrigin(reply);
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, authorization');
    reply.header('access-control-max-age', '86400');
    reply.status(204);
  });

  app.post(
    '/v1/decisions',
    {
      config: PUBLIC,
      bodyLimit: DECISION_BODY_LIMIT_BYTES,
      schema: {
        tags: ['delivery'],
        summary: 'Choose ads for placements',
        description:
          'The Decision API: the ads to show in each placement for this user and context, with signed impression, click and viewability URLs. Public (the ad tag calls it from publisher pages); `explain: true` needs a key or session of the owning organization.',
        body: DecisionRequestBody,
        response: { 200: DecisionResponse },
      },
    },
    async (request, reply) => {
      allowAnyOrigin(reply);
      reply.header('cache-control', 'no-store');
      const answer = await decisions.decide(request.body, callerOf(request, publicUrl));
      countSlots(answer, outcomes);
      return answer;
    },
  );
};

/** The slot outcome counters of `adplatform_decision_slots_total`. */
export interface SlotOutcomes {
  filled: { inc(): void };
  fallback: { inc(): void };
  unfilled: { inc(): void };
}

/** Counts each slot of an answer as filled, fallback or unfilled (the route and the fast path). */
export function countSlots(answer: DecisionAnswer, outcomes: SlotOutcomes): void {
  for (const divName in answer.decisions) {
    const ads = answer.decisions[divName];
    if (!ads) outcomes.unfilled.inc();
    else if ('fallback' in (ads[0] ?? {})) outcomes.fallback.inc();
    else outcomes.filled.inc();
  }
}

export function callerOf(request: FastifyRequest, publicUrl: string | undefined) {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    ip: request.ip,
    userAgent: header('user-agent') ?? '',
    acceptLanguage: header('accept-language'),
    referer: header('referer'),
    origin: publicOriginOf(request, publicUrl),
    organizationId: request.principal?.organizationId,
  };
}
