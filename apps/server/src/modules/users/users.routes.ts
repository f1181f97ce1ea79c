import { MANAGER_ROLES } from '@adplatform/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf, PageQuery } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { CreatedUser, CreateUserBody, UpdateUserBody, UserView } from './users.schemas.js';
import type { UsersService } from './users.service.js';

const access = { roles: MANAGER_ROLES };
const tags = ['users'];

export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService }> = async (app, { users }) => {
  app.get(
    '/api/v1/users',
    {
      config: { access },
      schema: { tags, summary: 'List the users of your organization', querystring: PageQuery, response: { 200: PageOf(UserView) } },
    },
    (request) => users.list(contextOf(request), request.query),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access },
      schema: {
        tags,
        summary: 'Create a user, or invite one when no password is given',
        body: CreateUserBody,
        response: { 201: CreatedUser },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return users.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/users/:id',
    { config: { access }, schema: { tags, summary: 'Get a user', params: IdParams, response: { 200: UserView } } },
    (request) => users.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access },
      schema: {
        tags,
        summary: 'Change a user’s role, name or status (deactivate)',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView },
      },
    },
    (request) => users.update(contextOf(request), request.params.id, request.body),
  );
};
