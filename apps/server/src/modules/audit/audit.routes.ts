import { MANAGER_ROLES } from '@adplatform/domain';
import type { MetadataStore } from '@adplatform/ports';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../http/access.js';
import { DateTime, PageOf, PageQuery } from '../../http/common.schemas.js';

const AuditEntryView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  actorKind: Type.Enum(['user', 'api_key', 'system']),
  actorId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'What happened, e.g. `user.update` or `api_key.revoke`.' }),
  resourceType: Type.String(),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'The resource before the change (null on create).' }),
  after: Type.Unknown({ description: 'The resource after the change (null on delete).' }),
  requestId: Type.Union([Type.String(), Type.Null()]),
  at: DateTime,
});

const AuditQuery = Type.Object(
  {
    ...PageQuery.properties,
    action: Type.Optional(Type.String({ maxLength: 100 })),
    resourceType: Type.Optional(Type.String({ maxLength: 100 })),
    resourceId: Type.Optional(Type.String({ maxLength: 100 })),
    actorId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

export const auditRoutes: FastifyPluginAsyncTypebox<{ store: MetadataStore }> = async (app, { store }) => {
  app.get(
    '/api/v1/audit-log',
    {
      config: { access: { roles: MANAGER_ROLES } },
      schema: {
        tags: ['audit'],
        summary: 'Who changed what and when, newest first',
        querystring: AuditQuery,
        response: { 200: PageOf(AuditEntryView) },
      },
    },
    (request) => {
      const { limit, cursor, ...filter } = request.query;
      return store.auditLog.list(principalOf(request).organizationId, filter, { limit, cursor });
    },
  );
};
