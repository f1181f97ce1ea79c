import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError, type Clock } from '@adplatform/domain';
import { acceptsEncoded, type EventLog } from '@adplatform/ports';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import Type from 'typebox';
import { createEventLinesPool, type EventLinesPoolOptions } from './events-ingest-pool.js';

export interface EventsIngestOptions {
  eventLog: EventLog;
  clock: Clock;
  /** The organization of a live ingest key, else undefined (ApiKeysService.authenticateIngestKey). */
  authenticateIngestKey(key: string): Promise<{ organizationId: string } | undefined>;
  /** Decompressed body limit. Default 16 MiB. */
  bodyLimitBytes?: number;
  /** Lines per request. Default 10,000. */
  maxLines?: number;
  /** Where large bodies are parsed: worker threads (ADR 0021), started on the first large body, ended with the app. */
  parsing?: EventLinesPoolOptions;
}

const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines'];
const Rejected = Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), detail: Type.String() }));
const Accepted = Type.Object({ accepted: Type.Integer(), rejected: Rejected });

/**
 * `POST /t/events`: NDJSON batches of events from a server, authenticated by
 * an ingest key (ADR 0015). Answers once every accepted event is durable in the
 * event log. Status rule (docs/tracking.md): 200 when at least one line was
 * accepted (`rejected` lists the others by line number and field); 400 when
 * none was; 503 when the log could not store the batch (nothing acknowledged:
 * retry the whole batch — lines with ids count once).
 */
export const eventsIngestRoutes: FastifyPluginAsyncTypebox<EventsIngestOptions> = async (app, options) => {
  const bodyLimit = options.bodyLimitBytes ?? 16 * 1_048_576;
  const maxLines = options.maxLines ?? 10_000;
  const organizationOf = new WeakMap<FastifyRequest, string>();
  const log = options.eventLog;
  // The local log takes events a worker encoded (EncodedAppend): the event loop then neither rebuilds nor encodes them.
  const encodedLog = acceptsEncoded(log) ? log : undefined;
  const parser = createEventLinesPool({ encodedFormat: encodedLog?.encodedFormat, ...options.parsing });
  app.addHook('onClose', () => parser.close());
  const counted = new Counter({
    name: 'adplatform_ingest_events_total',
    help: 'Lines of POST /t/events batches, by result (accepted, rejected)',
    labelNames: ['result'] as const,
    registers: [app.metrics],
  });

  app.removeAllContentTypeParsers();
  // As bytes: each line is decoded on its own (parseEventLines), never the whole body as one string.
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('*', { bodyLimit }, (_request, _payload, done) =>
    done(
      new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the events as NDJSON: content-type application/x-ndjson', {
        issues: [{ path: 'headers.content-type', message: 'must be application/x-ndjson' }],
      }),
    ),
  );

  app.post(
    '/t/events',
    {
      // Not a session or API-key route: the ingest key is checked below, before the body is read. Not rate
      // limited per IP (the limiter's requests/s would cap a server's events/s); unknown keys cost one indexed read.
      config: { access: { public: true }, rateLimit: false },
      bodyLimit,
      schema: {
        tags: ['tracking'],
        summary: 'Server-to-server events as NDJSON (one event per line), with an ingest key',
        description:
          'Authorization: Bearer <ingest key>. Optional content-encoding: gzip. 200 once the accepted lines are durable, with the refused lines by number and field; 400 when no line was accepted.',
        response: { 200: Accepted },
      },
      onRequest: async (request) => {
        organizationOf.set(request, await authenticate(request, options));
      },
      preParsing: async (request, _reply, payload) => {
        const encoding = request.headers['content-encoding']?.trim().toLowerCase();
        if (encoding === undefined || encoding === 'identity') return payload;
        if (encoding !== 'gzip') {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'content-encoding may be gzip or identity', {
            issues: [{ path: 'headers.content-encoding', message: 'must be gzip or identity' }],
          });
        }
        return gunzipped(payload);
      },
    },
    async (request, reply) => {
      const organizationId = organizationOf.get(request);
      if (organizationId === undefined) throw new AppError('UNAUTHENTICATED', 'Send an ingest key');
      const body = request.body as Buffer;
      const parsed = await parser.parse(body, { organizationId, nowMs: options.clock.now().getTime(), maxLines });
      const { rejected, tooMany } = parsed;
      if (tooMany) {
        throw new AppError('VALIDATION_FAILED', `A batch holds at most ${maxLines} events`, {
          issues: [{ path: 'body', message: `has more than ${maxLines} lines` }],
        });
      }
      counted.inc({ result: 'rejected' }, rejected.length);
      const accepted = parsed.encoded ? parsed.encoded.count : parsed.events.length;
      if (accepted === 0) throw noneAccepted(rejected);
      try {
        if (parsed.events) await log.append(parsed.events);
        else if (encodedLog) await encodedLog.appendEncoded(parsed.encoded);
        // Never acknowledge what was not stored: encoded events for a log that takes only objects are refused (503).
        else throw new Error('the events came encoded for an event log that takes only objects');
      } catch (error) {
        request.log.error({ err: error, events: accepted }, 'event log refused an ingest batch');
        throw new AppError('SERVICE_UNAVAILABLE', 'The event log could not store the batch; nothing was acknowledged, retry it');
      }
      counted.inc({ result: 'accepted' }, accepted);
      return reply.header('cache-control', 'no-store').send({ accepted, rejected });
    },
  );
};

async function authenticate(request: FastifyRequest, options: EventsIngestOptions): Promise<string> {
  const authorization = request.headers.authorization;
  if (!authorization?.startsWith('Bearer ')) {
    // A signed-in dashboard user is known but is not a sender of events.
    if (request.principal) throw wrongKind();
    throw new AppError('UNAUTHENTICATED', 'Send an ingest key: Authorization: Bearer adpi_…');
  }
  // The access hook already recognised a management API key: the right secret, the wrong kind.
  if (request.principal) throw wrongKind();
  const found = await options.authenticateIngestKey(authorization.slice(7).trim());
  if (!found) throw new AppError('UNAUTHENTICATED', 'The ingest key is invalid or revoked');
  return found.organizationId;
}

const wrongKind = () =>
  new AppError('FORBIDDEN', 'Only ingest keys may send events; issue one with POST /api/v1/api-keys {"kind":"ingest"}', {
    issues: [{ path: 'headers.authorization', message: 'is not an ingest key' }],
  });

function noneAccepted(rejected: { line: number; field: string; detail: string }[]): AppError {
  if (rejected.length === 0) {
    return new AppError('VALIDATION_FAILED', 'The body holds no events', { issues: [{ path: 'body', message: 'has no lines' }] });
  }
  const issues = rejected.slice(0, 100).map((r) => ({ path: `body.line[${r.line}].${r.field}`, message: r.detail }));
  return new AppError('VALIDATION_FAILED', `No line was accepted (${rejected.length} refused)`, { issues });
}

/** Decompresses a gzip body; the route's body limit then counts the decompressed bytes (no zip bombs). */
function gunzipped(payload: NodeJS.ReadableStream): PassThrough {
  const gunzip = createGunzip();
  const out = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  // Fastify compares this with content-length, which counts the compressed bytes.
  out.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (error) => out.destroy(error));
  gunzip.on('error', () =>
    out.destroy(
      new AppError('VALIDATION_FAILED', 'The body is not valid gzip', { issues: [{ path: 'body', message: 'is not valid gzip' }] }),
    ),
  );
  payload.pipe(gunzip).pipe(out);
  return out;
}
