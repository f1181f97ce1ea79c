import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemSchema } from './problem.js';

/**
 * The OpenAPI 3.1 document, built from the routes' own schemas, at
 * /openapi.json, and an API reference page at /docs.
 */
async function openapiPlugin(app: FastifyInstance, opts: { version: string }): Promise<void> {
  app.addSchema(ProblemSchema);
  // Document the shared error shape and the security of each route from its access policy.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!route.schema || !access) return;
    route.schema.response ??= {};
    const response = route.schema.response as Record<string, unknown>;
    response['4xx'] ??= { $ref: 'Problem#' };
    response['5xx'] ??= { $ref: 'Problem#' };
    if (!('public' in access)) route.schema.security ??= [{ bearerAuth: [] }, { sessionCookie: [] }];
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'AdPlatform API',
        version: opts.version,
        description: 'Management, delivery and OpenRTB APIs of AdPlatform. Errors are RFC 9457 problem+json documents.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer adp_…`' },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'adp_session',
            description: 'Dashboard session; mutations also need `X-CSRF-Token`.',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.get('/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, async () => app.swagger());
}

export const openapi = fp(openapiPlugin, { name: 'adplatform-openapi' });
