import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ADVERTISER_SIDE, ListQuery, toListRequest } from '../resources/resource.schemas.js';
import { CAMPAIGN_STATUSES, CampaignView, CreateCampaignBody, UpdateCampaignBody } from './campaigns.schemas.js';
import type { CampaignsService } from './campaigns.service.js';

const tags = ['campaigns'];
const read = { access: { roles: ADVERTISER_SIDE.read } };
const write = { access: { roles: ADVERTISER_SIDE.write } };
const CampaignListQuery = ListQuery(CAMPAIGN_STATUSES, {
  advertiserId: Type.Optional(Type.String({ format: 'uuid', description: 'Only this advertiser’s campaigns.' })),
});

export const campaignsRoutes: FastifyPluginAsyncTypebox<{ campaigns: CampaignsService }> = async (app, { campaigns }) => {
  app.post(
    '/api/v1/campaigns',
    {
      config: write,
      schema: { tags, summary: 'Create a campaign (starts as draft)', body: CreateCampaignBody, response: { 201: CampaignView } },
    },
    async (request, reply) => {
      reply.status(201);
      return campaigns.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/campaigns',
    { config: read, schema: { tags, summary: 'List campaigns', querystring: CampaignListQuery, response: { 200: PageOf(CampaignView) } } },
    (request) => {
      const { advertiserId } = request.query;
      const { filter, page } = toListRequest(request.query, advertiserId ? { scopeId: advertiserId } : {});
      return campaigns.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/campaigns/:id',
    { config: read, schema: { tags, summary: 'Get a campaign', params: IdParams, response: { 200: CampaignView } } },
    (request) => campaigns.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/campaigns/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a campaign (fields, targeting, status transitions)',
        params: IdParams,
        body: UpdateCampaignBody,
        response: { 200: CampaignView },
      },
    },
    (request) => campaigns.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/campaigns/:id',
    {
      config: write,
      schema: { tags, summary: 'Archive a campaign (nothing is deleted)', params: IdParams, response: { 200: CampaignView } },
    },
    (request) => campaigns.archive(contextOf(request), request.params.id),
  );
};
