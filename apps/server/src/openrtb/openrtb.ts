import type { Clock } from '@adplatform/domain';
import type { CounterStore, EventLog } from '@adplatform/ports';
import type { FastifyInstance } from 'fastify';
import type { Delivery } from '../delivery/delivery.js';
import type { TrackingSigner } from '../delivery/tracking/tracking-signer.js';
import { BidderService } from './bidder/bidder.service.js';
import { type CurrencyRates, createCurrencyRates } from './demand/currency-rates.js';
import type { DemandFanout, DemandPartnerTarget } from './demand/demand-types.js';
import { ExchangeService } from './exchange/exchange.service.js';
import { openrtbRoutes } from './openrtb.routes.js';

export interface OpenRtbOptions {
  /** Bid request body limit, bytes (default 256 KiB). */
  bodyLimitBytes?: number;
  /** The exchange currency (default USD). */
  currency?: string;
  /** Outside demand; default none (direct-sold line items only). */
  fanout?: DemandFanout;
  /** An organization's active demand partners, from memory; default none. */
  partnersOf?: (organizationId: string) => readonly DemandPartnerTarget[];
  rates?: CurrencyRates;
  /** Taken off `tmax` for our own processing and the network (default 30 ms). */
  marginMs?: number;
  random?: () => number;
}

export interface OpenRtbDeps {
  delivery: Delivery;
  counters: CounterStore;
  eventLog: EventLog;
  signer: TrackingSigner;
  clock: Clock;
  publicUrl?: string | undefined;
}

/** No outside demand: every auction is the publisher's own line items. */
const NO_FANOUT: DemandFanout = {
  collect: async () => ({ bids: [], nonBids: [] }),
  close: async () => {},
};

/** Mounts `/openrtb2/auction` and `/openrtb2/bid` on the app, over the delivery role's parts. */
export async function registerOpenRtb(app: FastifyInstance, deps: OpenRtbDeps, options: OpenRtbOptions = {}): Promise<void> {
  const rates = options.rates ?? createCurrencyRates();
  const fanout = options.fanout ?? NO_FANOUT;
  const common = { ...deps, rates, currency: options.currency, random: options.random, log: app.log };
  const exchange = new ExchangeService({
    ...common,
    fanout,
    partnersOf: options.partnersOf ?? (() => []),
    marginMs: options.marginMs,
  });
  const bidder = new BidderService(common);
  app.addHook('onClose', () => fanout.close());
  await app.register(openrtbRoutes, { exchange, bidder, bodyLimitBytes: options.bodyLimitBytes, publicUrl: deps.publicUrl });
}
