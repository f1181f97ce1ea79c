import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ADVERTISER_SIDE, ListQuery, toListRequest } from '../resources/resource.schemas.js';
import type { SegmentMembersService } from './segment-members.service.js';
import { segmentUploadRoutes } from './segment-upload.routes.js';
import {
  ChangeMembersBody,
  ChangeMembersResult,
  CreateSegmentBody,
  SEGMENT_STATUSES,
  SegmentView,
  UpdateSegmentBody,
} from './segments.schemas.js';
import type { SegmentsService } from './segments.service.js';

const tags = ['segments'];
const read = { access: { roles: ADVERTISER_SIDE.read } };
const write = { access: { roles: ADVERTISER_SIDE.write } };
/** A list of millions of keys is large; it streams, so the limit bounds time on the wire, not memory. */
export const MAX_UPLOAD_BYTES = 1024 ** 3;

export const segmentsRoutes: FastifyPluginAsyncTypebox<{ segments: SegmentsService; members: SegmentMembersService }> = async (
  app,
  { segments, members },
) => {
  app.post(
    '/api/v1/segments',
    { config: write, schema: { tags, summary: 'Create an audience segment', body: CreateSegmentBody, response: { 201: SegmentView } } },
    async (request, reply) => {
      reply.status(201);
      return segments.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/segments',
    {
      config: read,
      schema: {
        tags,
        summary: 'List audience segments',
        querystring: ListQuery(SEGMENT_STATUSES, {}),
        response: { 200: PageOf(SegmentView) },
      },
    },
    (request) => {
      const { filter, page } = toListRequest(request.query);
      return segments.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/segments/:id',
    { config: read, schema: { tags, summary: 'Get an audience segment', params: IdParams, response: { 200: SegmentView } } },
    (request) => segments.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/segments/:id',
    {
      config: write,
      schema: { tags, summary: 'Update an audience segment', params: IdParams, body: UpdateSegmentBody, response: { 200: SegmentView } },
    },
    (request) => segments.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/segments/:id',
    {
      config: write,
      schema: { tags, summary: 'Archive an audience segment (members are kept)', params: IdParams, response: { 200: SegmentView } },
    },
    (request) => segments.archive(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/segments/:id/members',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add and remove members as JSON (up to 10,000 keys each)',
        params: IdParams,
        body: ChangeMembersBody,
        response: { 200: ChangeMembersResult },
      },
    },
    (request) => members.change(contextOf(request), request.params.id, request.body),
  );

  await app.register(segmentUploadRoutes, { members, maxUploadBytes: MAX_UPLOAD_BYTES });
};
