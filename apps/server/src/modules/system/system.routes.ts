import type { AnalyticsStore, BlobStore, MetadataStore } from '@adplatform/ports';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';

const Check = Type.Object({ status: Type.Enum(['ok', 'failing']), kind: Type.String(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({
  status: Type.String(),
  version: Type.String(),
  checks: Type.Object({ metadata: Check, blobs: Check, analytics: Type.Optional(Check) }),
});

type CheckResult = { status: 'ok' | 'failing'; kind: string; error?: string };

function check(kind: string, ping: () => Promise<void>): Promise<CheckResult> {
  return ping().then(
    () => ({ status: 'ok' as const, kind }),
    (error: unknown) => ({ status: 'failing' as const, kind, error: error instanceof Error ? error.message : String(error) }),
  );
}

const publicProbe = { access: { public: true }, rateLimit: false } as const;

/** Liveness (the process answers) and readiness (its stores answer). */
export const systemRoutes: FastifyPluginAsyncTypebox<{
  store: MetadataStore;
  blobs: BlobStore;
  analytics?: AnalyticsStore | undefined;
  version: string;
}> = async (app, { store, blobs, analytics, version }) => {
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
          200: Readiness,
          503: Readiness,
        },
      },
    },
    async (_request, reply) => {
      const [metadata, assets, reports] = await Promise.all([
        checkMetadata(),
        check(blobs.kind, () => blobs.ping()),
        analytics ? check(analytics.kind, () => analytics.ping()) : undefined,
      ]);
      const ready = metadata.status === 'ok' && assets.status === 'ok' && reports?.status !== 'failing';
      reply.status(ready ? 200 : 503);
      return {
        status: ready ? 'ready' : 'not ready',
        version,
        checks: { metadata, blobs: assets, ...(reports ? { analytics: reports } : {}) },
      };
    },
  );

  // Concurrent probes share one ping: a PGlite query costs as much CPU as several hundred µs of requests.
  let inFlight: Promise<CheckResult> | undefined;
  function checkMetadata(): Promise<CheckResult> {
    inFlight ??= check(store.kind, () => store.ping()).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }
};
