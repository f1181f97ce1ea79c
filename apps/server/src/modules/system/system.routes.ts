import type { MetadataStore } from '@adplatform/ports';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';

const Check = Type.Object({ status: Type.Enum(['ok', 'failing']), kind: Type.String(), error: Type.Optional(Type.String()) });
const publicProbe = { access: { public: true }, rateLimit: false } as const;

/** Liveness (the process answers) and readiness (its stores answer). */
export const systemRoutes: FastifyPluginAsyncTypebox<{ store: MetadataStore; version: string }> = async (app, { store, version }) => {
  app.get(
    '/healthz',
    {
      config: publicProbe,
      schema: { tags: ['system'], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );

  app.get(
    '/readyz',
    {
      config: publicProbe,
      schema: {
        tags: ['system'],
        summary: 'Readiness: every store answers',
        response: {
          200: Type.Object({ status: Type.String(), version: Type.String(), checks: Type.Object({ metadata: Check }) }),
          503: Type.Object({ status: Type.String(), version: Type.String(), checks: Type.Object({ metadata: Check }) }),
        },
      },
    },
    async (_request, reply) => {
      const metadata = await checkMetadata();
      const ready = metadata.status === 'ok';
      reply.status(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'not ready', version, checks: { metadata } };
    },
  );

  // Concurrent probes share one ping: a PGlite query costs as much CPU as several hundred µs of requests.
  let inFlight: Promise<{ status: 'ok' | 'failing'; kind: string; error?: string }> | undefined;
  function checkMetadata() {
    inFlight ??= store
      .ping()
      .then(
        () => ({ status: 'ok' as const, kind: store.kind }),
        (error: unknown) => ({
          status: 'failing' as const,
          kind: store.kind,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }
};
