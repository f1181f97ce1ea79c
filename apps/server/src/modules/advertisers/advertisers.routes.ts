import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ADVERTISER_SIDE, ListQuery, toListRequest } from '../resources/resource.schemas.js';
import { ADVERTISER_STATUSES, AdvertiserView, CreateAdvertiserBody, UpdateAdvertiserBody } from './advertisers.schemas.js';
import type { AdvertisersService } from './advertisers.service.js';

const tags = ['advertisers'];
const read = { access: { roles: ADVERTISER_SIDE.read } };
const write = { access: { roles: ADVERTISER_SIDE.write } };

export const advertisersRoutes: FastifyPluginAsyncTypebox<{ advertisers: AdvertisersService }> = async (app, { advertisers }) => {
  app.post(
    '/api/v1/advertisers',
    { config: write, schema: { tags, summary: 'Create an advertiser', body: CreateAdvertiserBody, response: { 201: AdvertiserView } } },
    async (request, reply) => {
      reply.status(201);
      return advertisers.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/advertisers',
    {
      config: read,
      schema: {
        tags,
        summary: 'List advertisers',
        querystring: ListQuery(ADVERTISER_STATUSES, {}),
        response: { 200: PageOf(AdvertiserView) },
      },
    },
    (request) => {
      const { filter, page } = toListRequest(request.query);
      return advertisers.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/advertisers/:id',
    { config: read, schema: { tags, summary: 'Get an advertiser', params: IdParams, response: { 200: AdvertiserView } } },
    (request) => advertisers.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/advertisers/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update an advertiser (name, contact, status)',
        params: IdParams,
        body: UpdateAdvertiserBody,
        response: { 200: AdvertiserView },
      },
    },
    (request) => advertisers.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/advertisers/:id',
    {
      config: write,
      schema: { tags, summary: 'Archive an advertiser (nothing is deleted)', params: IdParams, response: { 200: AdvertiserView } },
    },
    (request) => advertisers.archive(contextOf(request), request.params.id),
  );
};
