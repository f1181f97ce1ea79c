import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ADVERTISER_SIDE } from '../resources/resource.schemas.js';
import type { SegmentMembersService } from './segment-members.service.js';
import { UploadResult } from './segments.schemas.js';
import type { UploadFormat } from './upload-lines.js';

const FORMATS: Record<string, UploadFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson', 'application/ndjson': 'ndjson' };

const formatOf = (contentType: string | undefined): UploadFormat | null =>
  FORMATS[(contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''] ?? null;

const isStream = (body: unknown): body is AsyncIterable<Uint8Array> =>
  typeof body === 'object' && body !== null && Symbol.asyncIterator in body;

/**
 * The streamed member upload, in a plugin of its own so the pass-through body
 * parsers (the request stream goes to the handler unread) apply to this route only.
 */
export const segmentUploadRoutes: FastifyPluginAsyncTypebox<{ members: SegmentMembersService; maxUploadBytes: number }> = async (
  app,
  { members, maxUploadBytes },
) => {
  app.addContentTypeParser(Object.keys(FORMATS), (_request, payload, done) => done(null, payload));

  app.post(
    '/api/v1/segments/:id/members',
    {
      config: { access: { roles: ADVERTISER_SIDE.write } },
      bodyLimit: maxUploadBytes,
      schema: {
        tags: ['segments'],
        summary: 'Upload members (streamed CSV or NDJSON)',
        description:
          '`text/csv`: one user key per line, an optional `user_key` header, values may be double-quoted. `application/x-ndjson`: `{"userKey":"…"}` per line. Keys are added in batches as the body streams in; a refused line is counted and reported by number, the rest are still added.',
        params: IdParams,
        response: { 200: UploadResult },
      },
    },
    (request) => {
      const format = formatOf(request.headers['content-type']);
      const body = format && isStream(request.body) ? request.body : [];
      return members.upload(contextOf(request), request.params.id, format, body);
    },
  );
};
