import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ADVERTISER_SIDE, OPERATIONS, toListRequest } from '../resources/resource.schemas.js';
import { MAX_UPLOAD_BYTES, readImageUpload } from './creative-upload.js';
import {
  CreateCreativeJsonBody,
  type CreateCreativeJsonBody as CreateJson,
  CreativeListQuery,
  CreativeView,
  RejectCreativeBody,
  UpdateCreativeBody,
} from './creatives.schemas.js';
import type { CreativesService } from './creatives.service.js';

const tags = ['creatives'];
const read = { access: { roles: ADVERTISER_SIDE.read } };
const write = { access: { roles: ADVERTISER_SIDE.write } };
// Review is an operations task: an advertiser never approves its own creatives.
const review = { access: { roles: OPERATIONS.write } };

const CREATE_DESCRIPTION = `One route, two content types.
- **Image creatives**: \`multipart/form-data\` with text fields \`advertiserId\`, \`name\`, \`format=image\`, \`width\`, \`height\`, \`clickUrl\`, optional \`impressionTrackers\` (repeat the field, https, at most 5) and one \`file\` part (PNG, JPEG, GIF or WebP, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB). The type is sniffed from the bytes and the decoded size must equal width × height. The original and a WebP variant are served from \`/assets/\`.
- **html, native and video creatives**: \`application/json\` as below.

New creatives are \`pending\` until an owner or admin approves them.`;

/**
 * A refused upload may leave part of its body unread on the socket; asking the
 * client not to reuse the connection keeps that rest from being read as the next request.
 */
const closeAfterReply =
  (reply: FastifyReply) =>
  (error: unknown): never => {
    reply.header('connection', 'close');
    throw error;
  };

export const creativesRoutes: FastifyPluginAsyncTypebox<{ creatives: CreativesService }> = async (app, { creatives }) => {
  // Only this plugin parses multipart, with its own limits (the app's JSON body limit does not apply to it).
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES } });

  app.post(
    '/api/v1/creatives',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a creative: upload an image as multipart/form-data, or send html, native or video as JSON',
        description: CREATE_DESCRIPTION,
        body: { content: { 'application/json': { schema: CreateCreativeJsonBody } } },
        response: { 201: CreativeView },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const created = request.isMultipart()
        ? await creatives.createImage(ctx, await readImageUpload(request).catch(closeAfterReply(reply)))
        : await creatives.create(ctx, request.body as CreateJson);
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/api/v1/creatives',
    {
      config: read,
      schema: { tags, summary: 'List creatives', querystring: CreativeListQuery, response: { 200: PageOf(CreativeView) } },
    },
    (request) => {
      const { advertiserId, format } = request.query;
      const { filter, page } = toListRequest(request.query, {
        ...(advertiserId ? { parentId: advertiserId } : {}),
        ...(format ? { dataContains: { format } } : {}),
      });
      return creatives.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/creatives/:id',
    {
      config: read,
      schema: { tags, summary: 'Get a creative and the line items that rotate it', params: IdParams, response: { 200: CreativeView } },
    },
    (request) => creatives.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/creatives/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a creative (a content change sends it back to review)',
        params: IdParams,
        body: UpdateCreativeBody,
        response: { 200: CreativeView },
      },
    },
    (request) => creatives.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/creatives/:id',
    {
      config: write,
      schema: { tags, summary: 'Archive a creative (nothing is deleted)', params: IdParams, response: { 200: CreativeView } },
    },
    (request) => creatives.archive(contextOf(request), request.params.id),
  );

  app.post(
    '/api/v1/creatives/:id/approve',
    { config: review, schema: { tags, summary: 'Approve a creative (owner, admin)', params: IdParams, response: { 200: CreativeView } } },
    (request) => creatives.approve(contextOf(request), request.params.id),
  );

  app.post(
    '/api/v1/creatives/:id/reject',
    {
      config: review,
      schema: {
        tags,
        summary: 'Reject a creative with a reason (owner, admin)',
        params: IdParams,
        body: RejectCreativeBody,
        response: { 200: CreativeView },
      },
    },
    (request) => creatives.reject(contextOf(request), request.params.id, request.body.reason),
  );
};
