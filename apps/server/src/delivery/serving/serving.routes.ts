import { AppError } from '@adplatform/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { USER_KEY_MAX_CHARS, USER_KEY_PATTERN } from '../../modules/segments/user-keys.js';
import { adTagHeaders, adTagSource } from '../ad-tag/index.js';
import type { DeliveryCatalog } from '../catalog/delivery-catalog.js';
import type { DecisionService } from '../decisions/decision.service.js';
import { callerOf } from '../decisions/decisions.routes.js';
import { AD_PAGE_HEADERS, renderIframePage, renderVast, type VastTrackingEvent } from '../render/index.js';
import type { TrackingSigner } from '../tracking/tracking-signer.js';
import { isRejection } from '../tracking/tracking-signer.js';
import { buildTrackingUrls, publicOriginOf } from '../tracking/tracking-urls.js';

export interface ServingRoutesOptions {
  decisions: DecisionService;
  catalog: DeliveryCatalog;
  signer: TrackingSigner;
  publicUrl?: string | undefined;
  version: string;
}

const PUBLIC = { access: { public: true }, rateLimit: false } as const;
const tags = ['delivery'];
const PlacementParams = Type.Object({ placementId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const InvocationQuery = Type.Object(
  {
    uid: Type.Optional(
      Type.String({ minLength: 1, maxLength: USER_KEY_MAX_CHARS, pattern: USER_KEY_PATTERN, description: 'Your first-party user key.' }),
    ),
    kw: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated keywords.' })),
    url: Type.Optional(Type.String({ maxLength: 4096, description: 'The page URL (default: the Referer).' })),
  },
  { additionalProperties: false },
);
const VAST_EVENT: Record<
  VastTrackingEvent,
  'video_start' | 'video_first_quartile' | 'video_midpoint' | 'video_third_quartile' | 'video_complete'
> = {
  start: 'video_start',
  firstQuartile: 'video_first_quartile',
  midpoint: 'video_midpoint',
  thirdQuartile: 'video_third_quartile',
  complete: 'video_complete',
};
const XML = 'application/xml; charset=utf-8';

/** The ad tag script, plain iframe invocation and VAST: what a publisher's page or video player calls. */
export const servingRoutes: FastifyPluginAsyncTypebox<ServingRoutesOptions> = async (app, options) => {
  const { decisions, catalog, signer, publicUrl } = options;
  const tag = adTagSource();

  app.get('/v1/ad.js', { config: PUBLIC, schema: { tags, summary: 'The ad tag script', hide: false } }, async (request, reply) => {
    reply.headers(adTagHeaders(tag.etag));
    if (request.headers['if-none-match'] === tag.etag) return reply.status(304).send();
    reply.type('text/javascript; charset=utf-8');
    return tag.body;
  });

  const decideOne = async (
    request: Parameters<typeof callerOf>[0],
    placementId: string,
    query: { uid?: string | undefined; kw?: string | undefined; url?: string | undefined },
  ) => {
    const keywords = query.kw
      ?.split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0 && k.length <= 100)
      .slice(0, 100);
    const answer = await decisions.decide(
      {
        placements: [{ divName: 'ad', placementId }],
        ...(query.uid ? { user: { key: query.uid } } : {}),
        ...(keywords?.length ? { keywords } : {}),
        ...(query.url ? { url: query.url } : {}),
      },
      { ...callerOf(request, publicUrl), organizationId: undefined },
    );
    return answer.decisions.ad?.[0];
  };

  app.get(
    '/v1/ad/:placementId',
    {
      config: PUBLIC,
      schema: {
        tags,
        summary: 'An HTML page with an ad, for <iframe src> invocation',
        description:
          'Decides like POST /v1/decisions for one placement and answers a page that renders the ad and counts its impression and viewability; the placement’s fallback, or an empty page, when nothing fills.',
        params: PlacementParams,
        querystring: InvocationQuery,
      },
    },
    async (request, reply) => {
      // A fallback answer (passback or house creative) carries its markup as html, like an ad.
      const ad = await decideOne(request, request.params.placementId, request.query);
      reply.headers(AD_PAGE_HEADERS);
      return reply.send(renderIframePage(ad ?? null, { fallback: { type: 'none' }, format: ad?.format }));
    },
  );

  app.get(
    '/v1/vast/:placementId',
    {
      config: PUBLIC,
      schema: {
        tags,
        summary: 'A VAST 4.2 document for a video placement',
        description:
          'Decides for one placement; a video ad is answered as an InLine (or Wrapper) VAST 4.2 document with impression, quartile and click trackers; no fill is an empty <VAST/>.',
        params: PlacementParams,
        querystring: InvocationQuery,
      },
    },
    async (request, reply) => {
      const ad = await decideOne(request, request.params.placementId, request.query);
      const token = ad && 'vastUrl' in ad && ad.vastUrl ? new URL(ad.vastUrl).searchParams.get('t') : null;
      reply.type(XML).header('cache-control', 'no-store').header('access-control-allow-origin', '*');
      return token ? vastForToken(token, publicOriginOf(request, publicUrl)) : renderVast(null, noAdOptions(options.version));
    },
  );

  app.get(
    '/v1/vast/ad',
    {
      config: PUBLIC,
      schema: {
        tags,
        summary: 'The VAST 4.2 document of one served video ad',
        description: 'The `vastUrl` of a video ad in a decision answer.',
        querystring: Type.Object(
          { t: Type.String({ minLength: 16, maxLength: 1024, pattern: '^[A-Za-z0-9_.-]+$' }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const body = vastForToken(request.query.t, publicOriginOf(request, publicUrl));
      reply.type(XML).header('cache-control', 'no-store').header('access-control-allow-origin', '*');
      return body;
    },
  );

  function vastForToken(token: string, origin: string): string {
    const facts = signer.verify(token);
    if (isRejection(facts)) {
      throw facts.error === 'malformed'
        ? new AppError('VALIDATION_FAILED', 'querystring.t is not a tracking token', {
            issues: [{ path: 'querystring.t', message: 'is not a tracking token' }],
          })
        : new AppError('FORBIDDEN', `The token is ${facts.error === 'expired' ? 'expired' : 'not authentic'}`);
    }
    const creative = catalog.forOrganization(facts.organizationId)?.creatives.get(facts.creativeId);
    if (!creative?.data.video) throw new AppError('NOT_FOUND', 'This video creative is no longer delivered');
    const urls = buildTrackingUrls(origin, token);
    return renderVast(
      {
        id: facts.decisionId,
        adServingId: facts.decisionId,
        creativeId: creative.id,
        title: creative.name,
        video: creative.data.video,
        impressionTrackers: creative.data.impressionTrackers,
      },
      {
        impressionUrl: urls.impressionUrl,
        clickUrl: urls.clickUrl,
        eventUrl: (event) => urls.eventUrl(VAST_EVENT[event]),
        adSystem: { name: 'AdPlatform', version: options.version },
      },
    );
  }
};

const noAdOptions = (version: string) => ({
  impressionUrl: '',
  clickUrl: '',
  eventUrl: () => '',
  adSystem: { name: 'AdPlatform', version },
});
