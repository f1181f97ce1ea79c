import { MANAGER_ROLES } from '@adplatform/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { IdParams, PageOf, PageQuery } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ApiKeyView, CreateApiKeyBody, CreatedApiKey } from './api-keys.schemas.js';
import type { ApiKeysService } from './api-keys.service.js';

const access = { roles: MANAGER_ROLES };
const tags = ['api-keys'];

export const apiKeysRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  app.post(
    '/api/v1/api-keys',
    {
      config: { access },
      schema: { tags, summary: 'Issue an API key (the secret is shown once)', body: CreateApiKeyBody, response: { 201: CreatedApiKey } },
    },
    async (request, reply) => {
      reply.status(201);
      return apiKeys.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      config: { access },
      schema: { tags, summary: 'List API keys (never their secrets)', querystring: PageQuery, response: { 200: PageOf(ApiKeyView) } },
    },
    (request) => apiKeys.list(contextOf(request), request.query),
  );

  app.get(
    '/api/v1/api-keys/:id',
    { config: { access }, schema: { tags, summary: 'Get an API key', params: IdParams, response: { 200: ApiKeyView } } },
    (request) => apiKeys.get(contextOf(request), request.params.id),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { config: { access }, schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await apiKeys.revoke(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
