import type { MetadataStore } from '@adplatform/ports';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { IdParams } from '../../http/common.schemas.js';
import { contextOf } from '../../http/context.js';
import type { PublishersService } from '../../modules/publishers/publishers.service.js';
import { PUBLISHER_SIDE } from '../../modules/resources/resource.schemas.js';
import { adsTxtLines } from './ads-txt.js';
import { createSellersJsonSource, type SellersJsonOperator } from './sellers-json.js';

export interface SupplyChainOptions {
  store: MetadataStore;
  publishers: PublishersService;
  operator?: SellersJsonOperator;
  /** ADPLATFORM_SELLER_DOMAIN; without it, the host of each request (port dropped). */
  sellerDomain?: string | undefined;
  certificationAuthorityId?: string | undefined;
  /** How long /sellers.json is cached before it is rebuilt. Default 5 min. */
  sellersJsonTtlMs?: number;
}

const tags = ['supply chain'];

/** GET /sellers.json (public) and GET /api/v1/publishers/:id/ads-txt (the lines a publisher adds to its ads.txt). */
export const supplyChainRoutes: FastifyPluginAsyncTypebox<SupplyChainOptions> = async (app, options) => {
  const sellers = createSellersJsonSource({
    store: options.store,
    operator: options.operator ?? {},
    ...(options.sellersJsonTtlMs === undefined ? {} : { ttlMs: options.sellersJsonTtlMs }),
  });

  app.get(
    '/sellers.json',
    {
      config: { access: { public: true } },
      schema: { tags, summary: 'IAB sellers.json 1.0: every publisher of the platform, seller_id = publisher id' },
    },
    async (_request, reply) => {
      const body = await sellers.get();
      reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=300');
      return reply.send(body);
    },
  );

  app.get(
    '/api/v1/publishers/:id/ads-txt',
    {
      config: { access: { roles: PUBLISHER_SIDE.read } },
      schema: {
        tags,
        summary: 'The ads.txt lines the publisher adds to its sites (text/plain)',
        params: IdParams,
        response: { 200: Type.String({ description: 'ads.txt lines' }) },
      },
    },
    async (request, reply) => {
      const publisher = await options.publishers.get(contextOf(request), request.params.id);
      const sellerDomain = options.sellerDomain ?? request.hostname.replace(/:\d+$/, '');
      reply.header('content-type', 'text/plain; charset=utf-8');
      return adsTxtLines(publisher, { sellerDomain, certificationAuthorityId: options.certificationAuthorityId });
    },
  );
};
