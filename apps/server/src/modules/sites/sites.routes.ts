import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { PUBLISHER_SIDE, toListRequest } from '../resources/resource.schemas.js';
import { CreateSiteBody, SiteListQuery, SiteView, UpdateSiteBody } from './sites.schemas.js';
import type { SitesService } from './sites.service.js';

const tags = ['sites'];
const read = { access: { roles: PUBLISHER_SIDE.read } };
const write = { access: { roles: PUBLISHER_SIDE.write } };

export const sitesRoutes: FastifyPluginAsyncTypebox<{ sites: SitesService }> = async (app, { sites }) => {
  app.post(
    '/api/v1/sites',
    { config: write, schema: { tags, summary: 'Create a site or an app', body: CreateSiteBody, response: { 201: SiteView } } },
    async (request, reply) => {
      reply.status(201);
      return sites.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/sites',
    {
      config: read,
      schema: { tags, summary: 'List sites and apps', querystring: SiteListQuery, response: { 200: PageOf(SiteView) } },
    },
    (request) => {
      const { publisherId, type } = request.query;
      const { filter, page } = toListRequest(request.query, {
        ...(publisherId ? { scopeId: publisherId } : {}),
        ...(type ? { dataContains: { type } } : {}),
      });
      return sites.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/sites/:id',
    { config: read, schema: { tags, summary: 'Get a site or an app', params: IdParams, response: { 200: SiteView } } },
    (request) => sites.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/sites/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a site or an app (its publisher and type are fixed)',
        params: IdParams,
        body: UpdateSiteBody,
        response: { 200: SiteView },
      },
    },
    (request) => sites.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/sites/:id',
    { config: write, schema: { tags, summary: 'Archive a site or an app', params: IdParams, response: { 200: SiteView } } },
    (request) => sites.archive(contextOf(request), request.params.id),
  );
};
