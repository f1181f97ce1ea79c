import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { OPERATIONS, toListRequest } from '../resources/resource.schemas.js';
import { CreateDemandPartnerBody, DemandPartnerListQuery, DemandPartnerView, UpdateDemandPartnerBody } from './demand-partners.schemas.js';
import type { DemandPartnersService } from './demand-partners.service.js';

const tags = ['demand partners'];
const read = { access: { roles: OPERATIONS.read } };
const write = { access: { roles: OPERATIONS.write } };

export const demandPartnersRoutes: FastifyPluginAsyncTypebox<{ demandPartners: DemandPartnersService }> = async (
  app,
  { demandPartners },
) => {
  app.post(
    '/api/v1/demand-partners',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a demand partner (OpenRTB bidder)',
        body: CreateDemandPartnerBody,
        response: { 201: DemandPartnerView },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return demandPartners.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/demand-partners',
    {
      config: read,
      schema: { tags, summary: 'List demand partners', querystring: DemandPartnerListQuery, response: { 200: PageOf(DemandPartnerView) } },
    },
    (request) => {
      const { enabled } = request.query;
      const { filter, page } = toListRequest(request.query, enabled === undefined ? {} : { dataContains: { enabled } });
      return demandPartners.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/demand-partners/:id',
    { config: read, schema: { tags, summary: 'Get a demand partner', params: IdParams, response: { 200: DemandPartnerView } } },
    (request) => demandPartners.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/demand-partners/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a demand partner',
        params: IdParams,
        body: UpdateDemandPartnerBody,
        response: { 200: DemandPartnerView },
      },
    },
    (request) => demandPartners.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/demand-partners/:id',
    {
      config: write,
      schema: { tags, summary: 'Archive a demand partner (and disable it)', params: IdParams, response: { 200: DemandPartnerView } },
    },
    (request) => demandPartners.archive(contextOf(request), request.params.id),
  );
};
