import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ListQuery, PUBLISHER_SIDE, toListRequest } from '../resources/resource.schemas.js';
import { CreatePublisherBody, PUBLISHER_STATUSES, PublisherView, UpdatePublisherBody } from './publishers.schemas.js';
import type { PublishersService } from './publishers.service.js';

const tags = ['publishers'];
const read = { access: { roles: PUBLISHER_SIDE.read } };
const write = { access: { roles: PUBLISHER_SIDE.write } };

export const publishersRoutes: FastifyPluginAsyncTypebox<{ publishers: PublishersService }> = async (app, { publishers }) => {
  app.post(
    '/api/v1/publishers',
    { config: write, schema: { tags, summary: 'Create a publisher', body: CreatePublisherBody, response: { 201: PublisherView } } },
    async (request, reply) => {
      reply.status(201);
      return publishers.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/publishers',
    {
      config: read,
      schema: {
        tags,
        summary: 'List publishers',
        querystring: ListQuery(PUBLISHER_STATUSES, {}),
        response: { 200: PageOf(PublisherView) },
      },
    },
    (request) => {
      const { filter, page } = toListRequest(request.query);
      return publishers.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/publishers/:id',
    { config: read, schema: { tags, summary: 'Get a publisher', params: IdParams, response: { 200: PublisherView } } },
    (request) => publishers.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/publishers/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a publisher (name, contact, seller type, domain, status)',
        params: IdParams,
        body: UpdatePublisherBody,
        response: { 200: PublisherView },
      },
    },
    (request) => publishers.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/publishers/:id',
    {
      config: write,
      schema: { tags, summary: 'Archive a publisher (nothing is deleted)', params: IdParams, response: { 200: PublisherView } },
    },
    (request) => publishers.archive(contextOf(request), request.params.id),
  );
};
