import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf, PageQuery } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { CreatedOrganization, CreateOrganizationBody, OrganizationView } from './organizations.schemas.js';
import type { OrganizationsService } from './organizations.service.js';

const operatorOnly = { roles: 'any', platformAdmin: true } as const;
const tags = ['organizations'];

export const organizationsRoutes: FastifyPluginAsyncTypebox<{ organizations: OrganizationsService }> = async (app, { organizations }) => {
  app.post(
    '/api/v1/organizations',
    {
      config: { access: operatorOnly },
      schema: {
        tags,
        summary: 'Create an organization with its first owner (platform operator)',
        body: CreateOrganizationBody,
        response: { 201: CreatedOrganization },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return organizations.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/organizations',
    {
      config: { access: operatorOnly },
      schema: {
        tags,
        summary: 'List organizations (platform operator)',
        querystring: PageQuery,
        response: { 200: PageOf(OrganizationView) },
      },
    },
    (request) => organizations.list(request.query),
  );

  app.get(
    '/api/v1/organizations/:id',
    {
      config: { access: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Get an organization (your own, or any for the operator)',
        params: IdParams,
        response: { 200: OrganizationView },
      },
    },
    (request) => organizations.get(contextOf(request), request.params.id),
  );
};
