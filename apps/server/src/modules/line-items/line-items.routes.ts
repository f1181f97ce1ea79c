import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { IdParams, PageOf } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import { ADVERTISER_SIDE, ListQuery, toListRequest } from '../resources/resource.schemas.js';
import {
  AttachCreativeBody,
  CreateLineItemBody,
  CreativeParams,
  LINE_ITEM_STATUSES,
  LineItemView,
  UpdateLineItemBody,
} from './line-items.schemas.js';
import type { LineItemsService } from './line-items.service.js';

const tags = ['line-items'];
const read = { access: { roles: ADVERTISER_SIDE.read } };
const write = { access: { roles: ADVERTISER_SIDE.write } };
const Uuid = (description: string) => Type.Optional(Type.String({ format: 'uuid', description }));
const LineItemListQuery = ListQuery(LINE_ITEM_STATUSES, {
  campaignId: Uuid('Only this campaign’s line items.'),
  advertiserId: Uuid('Only this advertiser’s line items.'),
  creativeId: Uuid('Only line items this creative is attached to.'),
});

export const lineItemsRoutes: FastifyPluginAsyncTypebox<{ lineItems: LineItemsService }> = async (app, { lineItems }) => {
  app.post(
    '/api/v1/line-items',
    {
      config: write,
      schema: { tags, summary: 'Create a line item (starts as draft)', body: CreateLineItemBody, response: { 201: LineItemView } },
    },
    async (request, reply) => {
      reply.status(201);
      return lineItems.create(contextOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/line-items',
    { config: read, schema: { tags, summary: 'List line items', querystring: LineItemListQuery, response: { 200: PageOf(LineItemView) } } },
    (request) => {
      const { campaignId, advertiserId, creativeId } = request.query;
      const { filter, page } = toListRequest(request.query, {
        ...(campaignId ? { parentId: campaignId } : {}),
        ...(advertiserId ? { scopeId: advertiserId } : {}),
        ...(creativeId ? { dataContains: { creatives: [{ creativeId }] } } : {}),
      });
      return lineItems.list(contextOf(request), filter, page);
    },
  );

  app.get(
    '/api/v1/line-items/:id',
    { config: read, schema: { tags, summary: 'Get a line item', params: IdParams, response: { 200: LineItemView } } },
    (request) => lineItems.get(contextOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/line-items/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a line item (fields, targeting, status transitions; active needs an approved creative that fits)',
        params: IdParams,
        body: UpdateLineItemBody,
        response: { 200: LineItemView },
      },
    },
    (request) => lineItems.update(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/line-items/:id',
    {
      config: write,
      schema: { tags, summary: 'Archive a line item (nothing is deleted)', params: IdParams, response: { 200: LineItemView } },
    },
    (request) => lineItems.archive(contextOf(request), request.params.id),
  );

  app.post(
    '/api/v1/line-items/:id/creatives',
    {
      config: write,
      schema: {
        tags,
        summary: 'Attach a creative (or change its weight and experiment)',
        params: IdParams,
        body: AttachCreativeBody,
        response: { 200: LineItemView },
      },
    },
    (request) => lineItems.attachCreative(contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/line-items/:id/creatives/:creativeId',
    { config: write, schema: { tags, summary: 'Detach a creative', params: CreativeParams, response: { 200: LineItemView } } },
    (request) => lineItems.detachCreative(contextOf(request), request.params.id, request.params.creativeId),
  );
};
