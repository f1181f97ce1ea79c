import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { PUBLISHER_SIDE, toListRequest } from '../resources/resource.schemas.js';
import { CreatePlacementBody, PlacementListQuery, PlacementView, UpdatePlacementBody } from './placements.schemas.js';
import type { PlacementsService } from './placements.service.js';

const tags = ['placements'];
const read = { access: { roles: PUBLISHER_SIDE.read } };
const write = { access: { roles: PUBLISHER_SIDE.write } };

export const placementsRoutes: FastifyPluginAsyncTypebox<{ placements: PlacementsService }> = async (app, { placements }) => {
  app.post(
    '/api/v1/placements',
    {
      config: write,
      schema: { tags, summary: 'Create a placement (ad unit)', body: CreatePlacementBody, response: { 201: PlacementView } },
    },
    async (request, reply) => {
      reply.status(201);
      return placements.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/placements',
    {
      config: read,
      schema: { tags, summary: 'List placements', querystring: PlacementListQuery, response: { 200: PageOf(PlacementView) } },
    },
    (request) => {
      const { siteId, publisherId } = request.query;
      const { filter, page } = toListRequest(request.query, {
        ...(siteId ? { parentId: siteId } : {}),
        ...(publisherId ? { scopeId: publisherId } : {}),
      });
      return placements.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/placements/:id',
    { config: read, schema: { tags, summary: 'Get a placement', params: IdParams, response: { 200: PlacementView } } },
    (request) => placements.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/placements/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a placement (its site is fixed)',
        params: IdParams,
        body: UpdatePlacementBody,
        response: { 200: PlacementView },
      },
    },
    (request) => placements.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/placements/:id',
    { config: write, schema: { tags, summary: 'Archive a placement', params: IdParams, response: { 200: PlacementView } } },
    (request) => placements.archive(contextOf(request), request.params.id),
  );
};
